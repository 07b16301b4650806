import type { ExitActionScope, ExitActionState, ExitIdempotencyStore } from '@certexit/core';

/** One action as the in-memory store keeps it. */
export interface MemoryExitAction {
  readonly eventId: string;
  readonly action: string;
  readonly state: ExitActionState;
  readonly scope: ExitActionScope;
}

/** The in-memory store with what module tests look at: every record and every call. */
export interface MemoryIdempotencyStore extends ExitIdempotencyStore {
  /** The records, in the order they were first claimed. */
  readonly actions: readonly MemoryExitAction[];
  /** How many times each action was completed: above 1 means a side effect was made twice. */
  readonly completions: ReadonlyMap<string, number>;
  /** Forgets the `delivery`-scoped records of an event, as the host does when an operator replays it. */
  replay(eventId: string): void;
}

/**
 * An in-memory {@link ExitIdempotencyStore} with the host's semantics, for module authors' tests (the kit's
 * `createTestServices` hands one to every module). The host's own lives on the CA's database.
 *
 * @example
 * ```ts
 * const services = createTestServices({ eventId: 'Test CA/7' });
 * await module.Notify(EXITEVENT_CERTISSUED, 1);
 * await module.Notify(EXITEVENT_CERTISSUED, 1); // a retry: nothing is done twice
 * expect([...services.idempotency.completions.values()].every((n) => n === 1)).toBe(true);
 * ```
 */
export function createMemoryIdempotencyStore(): MemoryIdempotencyStore {
  const records = new Map<
    string,
    { eventId: string; action: string; state: ExitActionState; scope: ExitActionScope }
  >();
  const completions = new Map<string, number>();
  const key = (eventId: string, action: string) => `${eventId}\u0000${action}`;
  return {
    get actions() {
      return [...records.values()].map((r) => ({ ...r }));
    },
    completions,
    async begin(eventId, action, options = {}) {
      const k = key(eventId, action);
      const existing = records.get(k);
      if (existing) return existing.state;
      records.set(k, { eventId, action, state: 'started', scope: options.scope ?? 'delivery' });
      return 'claimed';
    },
    async complete(eventId, action, options = {}) {
      const k = key(eventId, action);
      const existing = records.get(k);
      records.set(k, { eventId, action, scope: existing?.scope ?? options.scope ?? 'delivery', state: 'done' });
      completions.set(k, (completions.get(k) ?? 0) + 1);
    },
    async abandon(eventId, action) {
      const k = key(eventId, action);
      if (records.get(k)?.state === 'started') records.delete(k);
    },
    async get(eventId, action) {
      return records.get(key(eventId, action))?.state;
    },
    replay(eventId) {
      for (const [k, r] of records) if (r.eventId === eventId && r.scope === 'delivery') records.delete(k);
    },
  };
}
