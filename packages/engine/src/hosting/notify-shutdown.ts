import type { Logger } from '@certexit/core';
import { EXITEVENT_SHUTDOWN, exitEventName } from '@certexit/core';
import type { DeliveryRecord } from './delivery-record';
import { logExitModuleError } from './exit-module-event-log';
import type { LoadedExitModule } from './load-exit-modules';

/**
 * Sends `EXITEVENT_SHUTDOWN` (context 0) to the modules that subscribe to it, the way AD CS does when its service
 * stops: in `Active` order, one after another, directly (shutdown has no request, so it never goes through the
 * outbox). A module's failure is logged as event 46 and the others are still told; the whole round is bounded by
 * `graceMs`, after which the engine stops without waiting for the rest.
 */
export async function notifyShutdown(
  modules: readonly LoadedExitModule[],
  options: { logger: Logger; graceMs: number; onDelivered?: (record: DeliveryRecord) => void },
): Promise<void> {
  const event = EXITEVENT_SHUTDOWN;
  const round = (async () => {
    for (const module of modules) {
      if ((module.mask & event) === 0) continue;
      const started = performance.now();
      const outcome = await module.hosted.doNotify(event, 0);
      const record: DeliveryRecord = {
        event,
        context: 0,
        progId: module.progId,
        ok: outcome.ok,
        hresult: outcome.hresult,
        ms: performance.now() - started,
      };
      if (!outcome.ok) {
        logExitModuleError(options.logger, {
          progId: module.progId,
          description: module.description,
          method: 'Notify',
          hresult: outcome.hresult,
          error: outcome.error,
          event,
          context: 0,
        });
      } else {
        options.logger.debug(
          { module: module.progId, event: exitEventName(event), context: 0 },
          'exit event delivered',
        );
      }
      options.onDelivered?.(record);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, options.graceMs);
    timer.unref();
  });
  try {
    await Promise.race([round, late]);
  } finally {
    clearTimeout(timer);
  }
}
