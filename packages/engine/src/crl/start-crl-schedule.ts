import type { Logger } from '@certexit/core';
import { CrlScheduler } from './crl-scheduler';
import type { CrlPublishingServices } from './publish-crls';

/**
 * Starts publishing CRLs on schedule; `serve` calls it once the engine is open.
 *
 * Contract:
 * - `engine` is the `CertificateAuthority` (or its `services`). Publications go through `publishCrls`, so each one
 *   is stored with its `EXITEVENT_CRLISSUED`, written to the CRL locations, and delivered to the exit modules.
 * - It returns at once. The first check runs right away: a CA key with no base CRL, or an overdue base or delta
 *   (after downtime), is published immediately; then it sleeps until the earliest Next CRL Publish time (at most an
 *   hour at a time).
 * - Failures never throw out of it: they are logged (`logger.error`) and retried after 10 minutes.
 * - Aborting `signal` stops it. Before closing the engine, `await scheduler.stop()` (it also aborts) so an
 *   in-flight publication finishes before the store closes.
 * - Its timers never keep the process alive by themselves.
 */
export function startCrlSchedule(
  engine: CrlPublishingServices | { readonly services: CrlPublishingServices },
  options: { logger: Logger; signal?: AbortSignal },
): CrlScheduler {
  const services = 'services' in engine ? engine.services : engine;
  return new CrlScheduler(services, options).start();
}
