import type { ExitIdempotencyStore, Logger } from '@certexit/core';
import { CertexitError, E_INVALIDARG } from '@certexit/core';
import type { ExitActionRecords } from '../store/exit-action-records';

/** The longest EventID and action name a module may record (they are keys, not payloads). */
const _MAX_KEY = 512;

/**
 * One module's view of the host's idempotency store (`ExitModuleServices.idempotency`): the CA store's records of
 * this ProgID. A module can neither see nor change another module's records.
 */
export function moduleIdempotencyStore(
  records: ExitActionRecords,
  progId: string,
  logger?: Logger,
  now: () => Date = () => new Date(),
): ExitIdempotencyStore {
  const check = (eventId: string, action: string) => {
    for (const [what, value] of [
      ['eventId', eventId],
      ['action', action],
    ] as const) {
      if (typeof value !== 'string' || value === '' || value.length > _MAX_KEY) {
        throw new CertexitError({
          hresult: E_INVALIDARG,
          source: progId,
          message: `idempotency store: ${what} must be a non-empty string of at most ${_MAX_KEY} characters`,
          isRetryable: false,
        });
      }
    }
  };
  return {
    async begin(eventId, action, options = {}) {
      check(eventId, action);
      const scope = options.scope ?? 'delivery';
      if (scope !== 'delivery' && scope !== 'event') {
        throw new CertexitError({
          hresult: E_INVALIDARG,
          source: progId,
          message: `idempotency store: scope ${JSON.stringify(scope)} is not 'delivery' or 'event'`,
          isRetryable: false,
        });
      }
      return records.begin(progId, eventId, action, scope, now());
    },
    async complete(eventId, action, options = {}) {
      check(eventId, action);
      // Recorded with the notification's own outcome, not waited for: the store's queue is first in, first out, so
      // it commits no later than the outbox's "done" of this delivery. A crash before that commit leaves the
      // notification undelivered, and its retry finds the action unrecorded (repeatable) or `started` (at most once).
      void records
        .complete(progId, eventId, action, now(), options.scope)
        .catch((error: unknown) =>
          logger?.warn(
            { module: progId, eventId, action, err: error },
            'could not record an action done; a retry may repeat it',
          ),
        );
    },
    async abandon(eventId, action) {
      check(eventId, action);
      await records.abandon(progId, eventId, action);
    },
    async get(eventId, action) {
      check(eventId, action);
      return records.get(progId, eventId, action);
    },
  };
}
