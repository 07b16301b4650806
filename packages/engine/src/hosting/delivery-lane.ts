import type { Logger } from '@certexit/core';
import { classifyExitFailure, exitEventName, S_FALSE } from '@certexit/core';
import type { ExitOutboxStore, OutboxRow } from '../store/exit-outbox-store';
import { CircuitBreaker } from './circuit-breaker';
import type { DeliveryPacer } from './delivery-pacer';
import type { DeliveryRecord } from './delivery-record';
import { logExitModuleError } from './exit-module-event-log';
import type { InFlightDeliveries } from './in-flight-deliveries';
import { formatEventId } from './in-flight-deliveries';
import type { LoadedExitModule } from './load-exit-modules';
import { isExhausted, retryDelayMs } from './retry-policy';

/**
 * Told as each `Notify` starts; what it answers is told the call's outcome as soon as the call returns, before the
 * outcome is recorded in the outbox. The exit-module thread records the call it is inside, to blame the right module
 * if the thread dies in it, and sends the outcome to the engine at once: a module blocking the thread next would
 * otherwise keep it from ever reading the store's answer, and the delivery would be missing from metrics and history.
 */
export type NotifyCallObserver = (progId: string, context: number) => ((record: DeliveryRecord) => void) | undefined;

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
  readonly onCall?: NotifyCallObserver;
  /** When given, the lane starts calls and takes rows only while it is open (see `createDeliveryPacer`). */
  readonly pacer?: DeliveryPacer;
}

/**
 * Rows a lane claims ahead in one transaction, at most. A claim and a completion each wait for the store's
 * current group commit, which under a burst holds up to 256 issuances; claiming one batch's worth at a time
 * keeps delivery in step with issuance, and bounds a lane's memory by a batch, not by its backlog.
 */
export const CLAIM_BATCH = 256;

/**
 * One module's delivery lane: claims its due outbox rows in batches (heads of their request only, so one
 * request's events stay in order), calls `Notify` for up to `MaxConcurrency` requests at once from that
 * read-ahead, records done (the completions that finish together, in one transaction), retry-later (backoff
 * with jitter) or dead, and stops calling through a circuit breaker while the module fails every time (its
 * read-ahead goes back unattempted). Lanes share nothing, so a stuck module never delays another one or issuance.
 */
export class DeliveryLane {
  readonly breaker: CircuitBreaker;
  private running = 0;
  /** Claimed rows not yet called, oldest first. */
  private readonly ahead: OutboxRow[] = [];
  private readonly calls = new Set<Promise<void>>();
  /** Successful calls waiting for their `done` to be written, all in one transaction. */
  private readonly doneRows: Array<{ id: number; hresult: number; settle: (error?: unknown) => void }> = [];
  private writingDone = false;
  /** The last claim filled its batch: there is a backlog to drain. */
  private lastClaimFull = false;
  private pumping = false;
  private again = false;
  private pacedOut = false;
  private stopped = false;
  /** Set when stop's grace has passed: late calls are abandoned, their rows were given back. */
  private abandoned = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DeliveryLaneOptions) {
    this.breaker = new CircuitBreaker(options.module.settings.breaker, options.now);
  }

  /** Calls into the module running now; each holds a `MaxConcurrency` slot until its outcome is recorded. */
  get callsInFlight(): number {
    return this.running;
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
    await this.giveBack();
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
    try {
      do {
        await this.claimDue();
        // Held back by the pacer, the lane is woken when it lets go: nothing to time. Looking up the next due time
        // is a round trip to the store; a wake meanwhile (a commit) makes the lane claim again.
        if (!this.pacedOut) await this.arm();
      } while (this.again && !this.stopped);
    } catch (error) {
      this.options.logger.error({ module: this.progId, err: error }, 'exit outbox lane failed to claim');
    } finally {
      this.pumping = false;
    }
  }

  /** Claims and calls due rows while slots are free, batch after batch while the claims come back full. */
  private async claimDue(): Promise<void> {
    const { module, outbox, owner, only } = this.options;
    do {
      this.again = false;
      this.startAhead();
      if (this.stopped || only?.size === 0) return;
      // Claim only when a call slot is free (the read-ahead is then used up), so a module whose calls all hang
      // holds no more than `MaxConcurrency` rows; read ahead a batch while the breaker is closed, and only the
      // probe when it is half-open.
      const allowance = this.breaker.allowance();
      if (this.running >= module.settings.concurrency || this.ahead.length > 0 || allowance <= 0) return;
      const limit = allowance === Number.POSITIVE_INFINITY ? CLAIM_BATCH - this.running : allowance - this.running;
      if (limit <= 0 || this.heldByPacer()) return;
      // Draining a backlog with a module that answers at once makes claims, calls and completions one unbroken
      // chain of promises: between full batches, yield to the event loop so requests and timers get their turn.
      if (this.lastClaimFull) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.stopped) return;
      }
      const now = this.options.now();
      const rows = await outbox.claim(module.progId, {
        now: new Date(now),
        limit,
        owner,
        // The last row of a batch may wait for every call before it: its lease covers them all.
        leaseUntil: new Date(
          now + (Math.ceil(limit / module.settings.concurrency) + 1) * module.settings.notifyTimeoutMs + 60_000,
        ),
        ...(only && { eventIds: [...only] }),
      });
      this.ahead.push(...rows);
      if (this.stopped) await this.giveBack();
      this.startAhead();
      this.lastClaimFull = rows.length === limit;
      if (this.lastClaimFull) this.again = true;
    } while (this.again && !this.stopped);
  }

  /** True while the pacer holds delivery back; the lane wakes when it lets go. */
  private heldByPacer(): boolean {
    const pacer = this.options.pacer;
    if (!pacer || pacer.open) return false;
    if (!this.pacedOut) {
      this.pacedOut = true;
      void pacer.whenOpen().then(() => {
        this.pacedOut = false;
        this.wake();
      });
    }
    return true;
  }

  /** Calls the read-ahead's rows up to `MaxConcurrency` and the breaker's allowance. */
  private startAhead(): void {
    while (this.ahead.length > 0 && !this.stopped) {
      if (this.running >= this.options.module.settings.concurrency || this.breaker.allowance() <= 0) break;
      if (this.heldByPacer()) break;
      this.start(this.ahead.shift() as OutboxRow);
    }
    if (this.ahead.length > 0 && this.breaker.state !== 'closed') void this.giveBack();
  }

  /** Gives the read-ahead back to the outbox unattempted (the breaker opened, or the lane stops). */
  private async giveBack(): Promise<void> {
    const rows = this.ahead.splice(0);
    if (rows.length === 0) return;
    try {
      await this.options.outbox.unclaim(
        rows.map((r) => r.id),
        this.options.owner,
        new Date(this.options.now()),
      );
    } catch (error) {
      // Left claimed, they come back when their lease lapses or at the next start.
      this.options.logger.error({ module: this.progId, err: error }, 'exit outbox: could not give back claimed rows');
    }
  }

  /** Records a row done together with the others that finish meanwhile: one transaction, not one per row. */
  private completeSoon(id: number, hresult: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.doneRows.push({ id, hresult, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.writingDone) void this.writeDone();
    });
  }

  private async writeDone(): Promise<void> {
    this.writingDone = true;
    try {
      while (this.doneRows.length > 0) {
        const rows = this.doneRows.splice(0, CLAIM_BATCH);
        try {
          await this.options.outbox.completeAll(rows, this.options.owner, new Date(this.options.now()));
          for (const r of rows) r.settle();
        } catch (error) {
          for (const r of rows) r.settle(error ?? new Error('could not record done'));
        }
      }
    } finally {
      this.writingDone = false;
    }
  }

  /** Sets the timer for the next row leaving backoff, or for the breaker's probe. */
  private async arm(): Promise<void> {
    clearTimeout(this.timer);
    // While calls run, their completions wake the lane; looking up the next due time scans the module's pending
    // rows, which under a backlog costs more than a delivery, so it is done only when the lane goes idle.
    if (this.stopped || this.running > 0 || this.ahead.length > 0) return;
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
    // The slot frees once the outcome is recorded: a call whose `done` is not yet committed would be delivered
    // again after a crash, so only `MaxConcurrency` notifications can ever be duplicated.
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
    if ((module.mask & row.event) === 0) {
      // A replayed event the module does not subscribe to (its mask is what Initialize answers now): not called.
      this.breaker.settled();
      if (!this.abandoned) await this.completeSoon(row.id, S_FALSE).catch(() => undefined);
      return;
    }
    const end = this.options.inFlight.begin(module.progId, row.context, eventId);
    const started = performance.now();
    const endCall = this.options.onCall?.(module.progId, row.context);
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
    endCall?.(record);
    try {
      const now = new Date(this.options.now());
      if (outcome.ok) {
        this.breaker.succeeded();
        if (!this.abandoned) await this.completeSoon(row.id, outcome.hresult);
        logger.debug(
          { module: module.progId, event: exitEventName(row.event), context: row.context, eventId },
          'exit event delivered',
        );
      } else {
        // Retrying helps only transient failures; a permanent one is dead-lettered now, and is none of the
        // breaker's business (it says nothing about whether the module can serve other requests).
        const failure = classifyExitFailure(outcome.error, outcome.hresult);
        const permanent = failure.kind === 'permanent';
        if (permanent) this.breaker.settled();
        else {
          const before: string = this.breaker.state;
          this.breaker.failed(row.context);
          if (before !== 'open' && this.breaker.state === 'open')
            logger.warn(
              {
                module: module.progId,
                failingRequests: this.breaker.failures,
                openMs: module.settings.breaker.openMs,
              },
              'exit module circuit breaker opened: notifications of different requests keep failing; one probe after BreakerOpenMs',
            );
        }
        const dead = permanent || isExhausted(module.settings.retry, row.attempts);
        logExitModuleError(logger, {
          progId: module.progId,
          description: module.description,
          method: 'Notify',
          hresult: outcome.hresult,
          error: outcome.error,
          event: row.event,
          context: row.context,
        });
        const deadReason = permanent
          ? `permanent failure, not retried: ${failure.reason}`
          : `failed ${row.attempts} time(s), the most MaxAttempts allows`;
        const delay = retryDelayMs(module.settings.retry, row.attempts, this.options.random);
        if (!this.abandoned)
          await outbox.fail(row.id, owner, {
            hresult: outcome.hresult,
            error: outcome.error.message,
            nextAttemptAt: new Date(now.getTime() + delay),
            dead,
            ...(dead && { deadReason }),
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
              failure: failure.kind,
            },
            `exit notification dead-lettered: ${deadReason}`,
          );
      }
    } catch (error) {
      logger.error({ module: module.progId, err: error, outboxId: row.id }, 'exit outbox: could not record an attempt');
    }
    this.options.onAttempt(record, row);
  }
}
