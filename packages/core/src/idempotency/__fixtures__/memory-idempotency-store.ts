// Test support: the host's idempotency store over a Map, for the unit tests of runOnce and of the typed layer (this
// package cannot use createMemoryIdempotencyStore of @certexit/testing, which depends on it).
import type { ExitActionState, ExitIdempotencyStore } from '../../interfaces/exit-idempotency-store';

/** An idempotency store that keeps each action's state in `records`, under `<EventID>|<action>`. */
export function memoryIdempotencyStore(
  records: Map<string, ExitActionState> = new Map(),
): ExitIdempotencyStore & { readonly records: Map<string, ExitActionState> } {
  const k = (e: string, a: string) => `${e}|${a}`;
  return {
    records,
    async begin(e, a) {
      const s = records.get(k(e, a));
      if (s) return s;
      records.set(k(e, a), 'started');
      return 'claimed';
    },
    async complete(e, a) {
      records.set(k(e, a), 'done');
    },
    async abandon(e, a) {
      if (records.get(k(e, a)) === 'started') records.delete(k(e, a));
    },
    async get(e, a) {
      return records.get(k(e, a));
    },
  };
}
