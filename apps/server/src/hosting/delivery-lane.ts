import type { Logger } from '@certexit/core';
import { exitEventName } from '@certexit/core';
import type { ExitOutboxStore, OutboxRow } from '../store/exit-outbox-store';
import { CircuitBreaker } from './circuit-breaker';
import type { DeliveryRecord } from './exit-dispatcher';
import { logExitModuleError } from './exit-module-event-log';
import type { InFlightDeliveries } from './in-flight-deliveries';
import { formatEventId } from './in-flight-deliveries';
import type { LoadedExitModule } from './load-exit-modules';
import { isExhausted, retryDelayMs } from './retry-policy';

/** Options of {@link DeliveryLane}. */
export interface DeliveryLaneOptions {
  readonly module: LoadedExitModule;
  readonly outbox: ExitOutboxStore;
  readonly inFlight: InFlightDeliveries;
  readonly sanitizedCaName: string;
  /** This process's claim token. */
  readonly owner: string;
  readonly logger: Logger;
  /** Only these events (a one-shot CLI command delivers only its own); all when absent. */
  readonly only?: ReadonlySet<number>;
  readonly now: () => number;
  readonly random?: () => number;
  /** Every attempt's outcome, for waiters, metrics and tests. */
  readonly onAttempt: (record: DeliveryRecord, row: OutboxRow) => void;
}

/**
 * One module's delivery lane: claims its due outbox rows (heads of their request only, so one request's events
 * stay in order), calls `Notify` for up to `MaxConcurrency` requests at once, records done, retry-later (backoff
 * with jitter) or dead, and stops calling through a circuit breaker while the module fails every time. Lanes
 * share nothing, so a stuck module never delays another one or issuance.
 */
export class DeliveryLane {
  readonly breaker: CircuitBreaker;
  private running = 0;
  private readonly calls = new Set<Promise<void>>();
  private pumping = false;
  private again = false;
  private stopped = false;
  /** Set when stop's grace has passed: late calls are abandoned, their rows were given back. */
  private abandoned = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DeliveryLaneOptions) {
    this.breaker = new CircuitBreaker(options.module.settings.breaker, options.now);
  }

  get progId(): string {
    return this.options.module.progId;
  }

  /** Looks for due rows now (after a commit, a completion, a timer or an operator's retry). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  /** Stops claiming; resolves when the calls in flight have ended or `graceMs` has passed. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.calls]),
      new Promise<void>((r) => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.abandoned = true;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    const { module, outbox, owner, only } = this.options;
    try {
      do {
        this.again = false;
        const room = Math.min(module.settings.concurrency - this.running, this.breaker.allowance());
        if (room <= 0 || this.stopped) break;
        if (only?.size === 0) break;
        const now = this.options.now();
        const rows = await outbox.claim(module.progId, {
          now: new Date(now),
          limit: room,
          owner,
          leaseUntil: new Date(now + 2 * module.settings.notifyTimeoutMs + 60_000),
          ...(only && { eventIds: [...only] }),
        });
        for (const row of rows) this.start(row);
        if (rows.length === room) this.again = true;
      } while (this.again && !this.stopped);
      await this.arm();
    } catch (error) {
      this.options.logger.error({ module: module.progId, err: error }, 'exit outbox lane failed to claim');
    } finally {
      this.pumping = false;
    }
  }

  /** Sets the timer for the next row leaving backoff, or for the breaker's probe. */
  private async arm(): Promise<void> {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const now = this.options.now();
    const probe = this.breaker.state === 'closed' ? undefined : this.breaker.probeAt();
    const due = probe ?? (await this.options.outbox.nextDueAfter(this.progId, new Date(now)))?.getTime();
    if (due === undefined || this.stopped) return;
    this.timer = setTimeout(() => this.wake(), Math.max(1, due - now + 1));
    this.timer.unref();
  }

  private start(row: OutboxRow): void {
    this.running++;
    this.breaker.starting();
    const call = this.deliver(row).finally(() => {
      this.running--;
      this.calls.delete(call);
      this.wake();
    });
    this.calls.add(call);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { module, outbox, owner, logger } = this.options;
    const eventId = formatEventId(this.options.sanitizedCaName, row.eventId);
    const end = this.options.inFlight.begin(module.progId, row.context, eventId);
    const started = performance.now();
    const outcome = await module.hosted.doNotify(row.event, row.context);
    end();
    const record: DeliveryRecord = {
      event: row.event,
      context: row.context,
      progId: module.progId,
      ok: outcome.ok,
      hresult: outcome.hresult,
      ms: performance.now() - started,
      eventId,
      attempt: row.attempts,
    };
    try {
      const now = new Date(this.options.now());
      if (outcome.ok) {
        this.breaker.succeeded();
        if (!this.abandoned) await outbox.complete(row.id, owner, outcome.hresult, now);
        logger.debug(
          { module: module.progId, event: exitEventName(row.event), context: row.context, eventId },
          'exit event delivered',
        );
      } else {
        this.breaker.failed();
        const dead = isExhausted(module.settings.retry, row.attempts);
        logExitModuleError(logger, {
          progId: module.progId,
          description: module.description,
          method: 'Notify',
          hresult: outcome.hresult,
          error: outcome.error,
          event: row.event,
          context: row.context,
        });
        const delay = retryDelayMs(module.settings.retry, row.attempts, this.options.random);
        if (!this.abandoned)
          await outbox.fail(row.id, owner, {
            hresult: outcome.hresult,
            error: outcome.error.message,
            nextAttemptAt: new Date(now.getTime() + delay),
            dead,
            now,
          });
        if (dead)
          logger.warn(
            {
              module: module.progId,
              event: exitEventName(row.event),
              context: row.context,
              eventId,
              attempts: row.attempts,
            },
            'exit notification dead-lettered after the maximum attempts',
          );
      }
    } catch (error) {
      logger.error({ module: module.progId, err: error, outboxId: row.id }, 'exit outbox: could not record an attempt');
    }
    this.options.onAttempt(record, row);
  }
}
