import type { Logger } from '@certexit/core';
import { EXITEVENT_SHUTDOWN, exitEventName } from '@certexit/core';
import { logExitModuleError } from './exit-module-event-log';
import type { LoadedExitModule } from './load-exit-modules';

/** What happened to one event at one module, for observers (the demo, tests, metrics). */
export interface DeliveryRecord {
  readonly event: number;
  readonly context: number;
  readonly progId: string;
  readonly ok: boolean;
  readonly hresult: number;
  readonly ms: number;
  /** The stable event identifier (`EventID`) of an outbox delivery. */
  readonly eventId?: string;
  /** Which attempt of the notification this was (1 for the first). */
  readonly attempt?: number;
}

/** Options of {@link ExitDispatcher}. */
export interface ExitDispatcherOptions {
  logger: Logger;
  /** How many events may be in delivery at once; modules are still called one after another per event. */
  concurrency?: number;
  onDelivered?: (record: DeliveryRecord) => void;
}

/**
 * Delivers exit events the way AD CS does: for one event, the modules whose mask includes it are called in
 * `Active` order, one after another; different events run concurrently within a bound. A module's failure is
 * logged as event 46 and never changes the request's outcome or stops the other modules.
 */
export class ExitDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private readonly concurrency: number;

  constructor(
    private readonly modules: readonly LoadedExitModule[],
    private readonly options: ExitDispatcherOptions,
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 16);
  }

  /** Delivers one event to every subscribed module; resolves when all were called. Never rejects. */
  async deliver(event: number, context: number): Promise<DeliveryRecord[]> {
    while (this.inFlight.size >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    const records: DeliveryRecord[] = [];
    const run = (async () => {
      for (const module of this.modules) {
        if ((module.mask & event) === 0) continue;
        const started = performance.now();
        const outcome = await module.hosted.doNotify(event, context);
        const record: DeliveryRecord = {
          event,
          context,
          progId: module.progId,
          ok: outcome.ok,
          hresult: outcome.hresult,
          ms: performance.now() - started,
        };
        records.push(record);
        if (!outcome.ok) {
          logExitModuleError(this.options.logger, {
            progId: module.progId,
            description: module.description,
            method: 'Notify',
            hresult: outcome.hresult,
            error: outcome.error,
            event,
            context,
          });
        } else {
          this.options.logger.debug(
            { module: module.progId, event: exitEventName(event), context },
            'exit event delivered',
          );
        }
        this.options.onDelivered?.(record);
      }
    })();
    this.inFlight.add(run);
    try {
      await run;
    } finally {
      this.inFlight.delete(run);
      this.waiting.shift()?.();
    }
    return records;
  }

  /** Waits for the events in delivery, then sends `EXITEVENT_SHUTDOWN` (context 0) with a grace timeout. */
  async shutdown(options: { graceMs?: number; sendShutdownEvent?: boolean } = {}): Promise<void> {
    const grace = options.graceMs ?? 10_000;
    const settle = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), grace);
    });
    if ((await Promise.race([settle, timeout])) === 'timeout') {
      this.options.logger.warn(
        { inFlight: this.inFlight.size, graceMs: grace },
        'exit events still in delivery at shutdown',
      );
    }
    clearTimeout(timer);
    if (options.sendShutdownEvent !== false) {
      await Promise.race([this.deliver(EXITEVENT_SHUTDOWN, 0), new Promise((r) => setTimeout(r, grace).unref())]);
    }
  }
}
