import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@certexit/core';
import type { ExitActionRecords } from '../store/exit-action-records';
import type { ExitOutboxStore, OutboxRow } from '../store/exit-outbox-store';
import type { NotifyCallObserver } from './delivery-lane';
import { DeliveryLane } from './delivery-lane';
import type { DeliveryPacer } from './delivery-pacer';
import type { DeliveryRecord } from './delivery-record';
import type { InFlightDeliveries } from './in-flight-deliveries';
import type { LoadedExitModule } from './load-exit-modules';

/**
 * How `deliver` answers after a commit: `background` (serve) wakes the lanes and returns at once;
 * `first-attempt` (one-shot CLI commands, the engine's default) also waits, within `firstAttemptWaitMs`, for the
 * first attempt of the committed event at each subscribed module, and its lanes deliver only this process's own
 * events: what is left stays in the outbox for the next process.
 */
export type DeliveryMode = 'background' | 'first-attempt';

/** Options of {@link ExitOutbox}. */
export interface ExitOutboxOptions {
  readonly store: ExitOutboxStore;
  readonly modules: readonly LoadedExitModule[];
  readonly inFlight: InFlightDeliveries;
  readonly sanitizedCaName: string;
  readonly logger: Logger;
  readonly mode: DeliveryMode;
  /** @default 5000 */
  readonly firstAttemptWaitMs?: number;
  /** In background mode, how often to look for rows other processes committed and for lapsed claims. @default 2000 */
  readonly pollMs?: number;
  /** Delivered rows older than this are deleted (in background mode, at most once an hour). @default 7 days */
  readonly retentionMs?: number;
  /**
   * The idempotency store's records: `delivery`-scoped ones go with the delivered rows (`retentionMs`), `event`-scoped
   * ones (a mail) after this; a replay of an older event may then repeat them. @default 365 days
   */
  readonly eventActionRetentionMs?: number;
  /** The idempotency store's records, pruned with the outbox. */
  readonly actions?: ExitActionRecords;
  readonly onDelivered?: (record: DeliveryRecord) => void;
  readonly onCall?: NotifyCallObserver;
  /** Holds delivery back while the engine is saturated (the exit-module thread). */
  readonly pacer?: DeliveryPacer;
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * The delivery side of the transactional outbox: one {@link DeliveryLane} per loaded module over the rows that
 * `recordExitEvent` wrote with each state change. At start it takes back the rows a crashed process left
 * claimed; delivery is at-least-once.
 */
export class ExitOutbox {
  /** This process's claim token: host, pid, and a random part (a pid can be reused, e.g. pid 1 in containers). */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
  private readonly lanes: DeliveryLane[];
  /** In `first-attempt` mode, the events each lane may deliver (this process's own, and rows an operator retries). */
  private readonly own: Map<string, Set<number>> | undefined;
  private readonly waiters = new Map<number, Set<(record: DeliveryRecord) => void>>();
  private poller: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;

  constructor(private readonly options: ExitOutboxOptions) {
    this.own =
      options.mode === 'first-attempt'
        ? new Map(options.modules.map((m) => [m.progId.toLowerCase(), new Set<number>()]))
        : undefined;
    const now = options.now ?? Date.now;
    this.lanes = options.modules.map(
      (module) =>
        new DeliveryLane({
          module,
          outbox: options.store,
          inFlight: options.inFlight,
          sanitizedCaName: options.sanitizedCaName,
          owner: this.owner,
          logger: options.logger,
          now,
          ...(this.own && { only: this.own.get(module.progId.toLowerCase()) }),
          ...(options.random && { random: options.random }),
          ...(options.onCall && { onCall: options.onCall }),
          ...(options.pacer && { pacer: options.pacer }),
          onAttempt: (record, row) => this.attempted(record, row),
        }),
    );
  }

  /** Takes back rows of crashed processes and starts the lanes (and, in background mode, the poller). */
  async start(): Promise<void> {
    const now = this.options.now ?? Date.now;
    const recovered = await this.options.store.recover(new Date(now()), this.owner);
    if (recovered > 0) this.options.logger.info({ recovered }, 'exit outbox: took back notifications left in delivery');
    if (this.options.mode === 'background') {
      let prunedAt = 0;
      this.poller = setInterval(() => {
        void this.options.store
          .recover(new Date(now()), this.owner)
          .then(() => this.wake())
          .then(async () => {
            // Delivered rows are kept a while for operators, then deleted so the table does not grow for ever.
            if (now() - prunedAt < 3_600_000) return;
            prunedAt = now();
            const doneBefore = new Date(now() - (this.options.retentionMs ?? 7 * 86_400_000));
            const pruned = await this.options.store.prune(doneBefore);
            const actions =
              (await this.options.actions?.prune(
                doneBefore,
                new Date(now() - (this.options.eventActionRetentionMs ?? 365 * 86_400_000)),
              )) ?? 0;
            if (pruned > 0 || actions > 0)
              this.options.logger.info(
                { pruned, actions },
                'exit outbox: deleted delivered notifications and their idempotency records past retention',
              );
          })
          .catch((error: unknown) => this.options.logger.error({ err: error }, 'exit outbox: poll failed'));
      }, this.options.pollMs ?? 2_000);
      this.poller.unref();
      // Another node's commits (PostgreSQL's NOTIFY) wake the idle lanes at once; the poll is the fallback.
      this.unwatch = this.options.store.watch(() => this.wake());
    }
    this.wake();
  }

  /** Wakes every lane (after a commit, or an operator's retry). */
  wake(): void {
    for (const lane of this.lanes) lane.wake();
  }

  /** The lane of a module, for tests and operators (breaker state). */
  lane(progId: string): DeliveryLane | undefined {
    return this.lanes.find((l) => l.progId.toLowerCase() === progId.toLowerCase());
  }

  /**
   * Called after an exit event committed: wakes the lanes. In `first-attempt` mode, resolves with the first
   * attempt at each subscribed module, in `Active` order, or with those that came within the wait. Never rejects.
   */
  async deliver(event: number, context: number): Promise<DeliveryRecord[]> {
    if (this.lanes.length === 0) return [];
    if (!this.own) {
      this.wake();
      return [];
    }
    try {
      const eventId = await this.options.store.latestEventId(event, context);
      if (eventId === undefined) return [];
      const rows = await this.options.store.forEvent(eventId);
      const expected = new Set(rows.filter((r) => this.lane(r.progId)).map((r) => r.progId.toLowerCase()));
      if (expected.size === 0) return [];
      const records = await this.await(
        [...expected].map((progId) => ({ progId, eventId })),
        this.options.firstAttemptWaitMs ?? 5_000,
      );
      const order = this.options.modules.map((m) => m.progId);
      return records.sort((a, b) => order.indexOf(a.progId) - order.indexOf(b.progId));
    } catch (error) {
      this.options.logger.error({ err: error }, 'exit outbox: could not wait for the first attempt');
      return [];
    }
  }

  /**
   * Delivers these rows now (an operator's `module retry` in a process of its own): their lanes may take them
   * (in `first-attempt` mode a lane delivers only what it is given), and the answer is each row's next attempt, in
   * the rows' order, or nothing for a row not attempted within `waitMs` (it stays due). Never rejects.
   */
  async deliverRows(
    rows: ReadonlyArray<{ progId: string; eventId: number }>,
    waitMs: number,
  ): Promise<DeliveryRecord[]> {
    const wanted = rows.filter((r) => this.lane(r.progId));
    return this.await(wanted, waitMs);
  }

  /** Lets the lanes take these (module, event) rows and waits for the first attempt of each, within `waitMs`. */
  private async await(
    rows: ReadonlyArray<{ progId: string; eventId: number }>,
    waitMs: number,
  ): Promise<DeliveryRecord[]> {
    const expected = new Set(rows.map((r) => `${r.progId.toLowerCase()}\u0000${r.eventId}`));
    if (expected.size === 0) return [];
    const records: DeliveryRecord[] = [];
    const listeners: Array<[number, (record: DeliveryRecord) => void]> = [];
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      for (const row of rows) {
        const listener = (record: DeliveryRecord) => {
          const key = `${record.progId.toLowerCase()}\u0000${row.eventId}`;
          if (!expected.delete(key)) return;
          records.push(record);
          if (expected.size === 0) resolve();
        };
        listeners.push([row.eventId, listener]);
        let set = this.waiters.get(row.eventId);
        if (!set) {
          set = new Set();
          this.waiters.set(row.eventId, set);
        }
        set.add(listener);
        this.own?.get(row.progId.toLowerCase())?.add(row.eventId);
      }
      timer = setTimeout(resolve, waitMs);
      this.wake();
    });
    clearTimeout(timer);
    for (const [eventId, listener] of listeners) {
      const set = this.waiters.get(eventId);
      set?.delete(listener);
      if (set?.size === 0) this.waiters.delete(eventId);
    }
    return records;
  }

  /** Stops the lanes, waits up to `graceMs` for calls in flight, and gives this process's claimed rows back. */
  async stop(graceMs: number): Promise<void> {
    clearInterval(this.poller);
    this.unwatch?.();
    await Promise.all(this.lanes.map((lane) => lane.stop(graceMs)));
    const now = this.options.now ?? Date.now;
    try {
      await this.options.store.release(this.owner, new Date(now()));
    } catch (error) {
      this.options.logger.error({ err: error }, 'exit outbox: could not give back claimed notifications');
    }
  }

  private attempted(record: DeliveryRecord, row: OutboxRow): void {
    this.options.onDelivered?.(record);
    for (const listener of this.waiters.get(row.eventId) ?? []) listener(record);
  }
}
