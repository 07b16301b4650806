import type { ExitActionScope, ExitIdempotencyStore } from '@certexit/core';
import { CertexitError, E_INVALIDARG, PROGID_IDEMPOTENCY_STORE } from '@certexit/core';
import { IDEMPOTENCY_STORE_METHODS } from './automation-signatures';
import { coerceVariant } from './coerce-variant';
import { createDispatch } from './create-dispatch';
import type { IDispatch } from './dispatch';
import { createDispatchClient } from './dispatch-client';
import { VT_BSTR } from './variant';

/**
 * The host's idempotency store as a late-bound object (`CreateObject("CertExit.IdempotencyStore")`), so that a module
 * in any language records its side effects per EventID and action like a direct one does with `runOnce`.
 */
export function idempotencyStoreToDispatch(store: ExitIdempotencyStore): IDispatch {
  const target = {
    Begin: (eventId: string, action: string, scope: string) => store.begin(eventId, action, { scope: _scope(scope) }),
    Complete: (eventId: string, action: string, scope: string) =>
      store.complete(eventId, action, { scope: _scope(scope) }),
    Abandon: (eventId: string, action: string) => store.abandon(eventId, action),
    Get: async (eventId: string, action: string) => (await store.get(eventId, action)) ?? '',
  };
  return createDispatch(target, { methods: IDEMPOTENCY_STORE_METHODS, source: PROGID_IDEMPOTENCY_STORE });
}

/** The inverse: an {@link ExitIdempotencyStore} over the late-bound object (a module behind a process boundary). */
export function dispatchToIdempotencyStore(disp: IDispatch | Promise<IDispatch>): ExitIdempotencyStore {
  const client = Promise.resolve(disp).then(createDispatchClient);
  client.catch(() => undefined);
  const text = (value: string) => ({ vt: VT_BSTR, value }) as const;
  const bstr = (result: Parameters<typeof coerceVariant>[0]) => coerceVariant(result, VT_BSTR).value as string;
  return {
    async begin(eventId, action, options = {}) {
      const state = await (await client).call(
        'Begin',
        [text(eventId), text(action), text(options.scope ?? 'delivery')],
        bstr,
      );
      if (state !== 'claimed' && state !== 'started' && state !== 'done') {
        throw new CertexitError({ message: `the host's idempotency store answered ${JSON.stringify(state)} to Begin` });
      }
      return state;
    },
    async complete(eventId, action, options = {}) {
      await (await client).call('Complete', [text(eventId), text(action), text(options.scope ?? 'delivery')]);
    },
    async abandon(eventId, action) {
      await (await client).call('Abandon', [text(eventId), text(action)]);
    },
    async get(eventId, action) {
      const state = await (await client).call('Get', [text(eventId), text(action)], bstr);
      return state === 'started' || state === 'done' ? state : undefined;
    },
  };
}

function _scope(scope: string): ExitActionScope {
  if (scope === '' || scope === 'delivery') return 'delivery';
  if (scope === 'event') return 'event';
  throw new CertexitError({
    hresult: E_INVALIDARG,
    message: `IdempotencyStore.Begin: scope ${JSON.stringify(scope)} is not "delivery" or "event"`,
    isRetryable: false,
  });
}
