import type { DatabaseSync, StatementSync } from 'node:sqlite';

type _Settle = (value: unknown) => void;
type _Unit =
  | { sync: false; work: () => Promise<unknown>; resolve: _Settle; reject: _Settle }
  | { sync: true; work: () => unknown; resolve: _Settle; reject: _Settle };

/** Options of {@link createSqliteGroupCommit}. */
export interface SqliteGroupCommitOptions {
  /** The connection the transactions run on. */
  db: DatabaseSync;
  /** Prepares (once per connection) the transaction-control statements. */
  prepare(sql: string): StatementSync;
  /**
   * When another connection holds the write lock (`SQLITE_BUSY` at `BEGIN`, with `busy_timeout` 0): try the batch
   * again a millisecond later, in order, instead of failing it. @default false
   */
  yieldOnLock?: boolean;
  /**
   * Called after each COMMIT, before its units are answered (the WAL checkpointer counts them; the high-water mark is
   * raised when `transactions` is true: the batch committed at least one transaction, not only bookkeeping).
   */
  onCommit?: (transactions: boolean) => void;
  /**
   * What a unit that failed is rejected with (a storage fault, SQLITE_FULL or an I/O error, becomes an error naming
   * the folder). @default the error as it is
   */
  fault?: (error: unknown) => unknown;
}

/** Transactions on one node:sqlite connection, committed in groups. */
export interface SqliteGroupCommit {
  /** Runs `work` in the next batch, in a savepoint of its own; resolves (or rejects) once the batch committed. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs short synchronous bookkeeping (the exit outbox's claims and outcomes) at the head of the next batch,
   * without an await; it is committed within about a millisecond even behind a long batch.
   */
  bookkeeping<T>(work: () => T): Promise<T>;
}

/**
 * Group commit: node:sqlite has one connection, so transactions run one after another; those that arrive while
 * one runs are committed together (one COMMIT, one WAL write), each inside its own savepoint so a failing unit
 * rolls back alone. No caller is answered before its unit is committed.
 *
 * A synchronous unit (the outbox's bookkeeping) runs without an await: a batch of them holds the write lock only
 * for its statements. Awaiting each one let queued microtasks (module code on the exit-module thread) run with the
 * transaction open, which held the lock for most of a burst.
 *
 * A full disk or an I/O error can make SQLite roll the whole transaction back by itself: the units of the batch that
 * had run fail with the fault (nothing of them was committed), those that had not run go back to the queue, and the
 * drain goes on; it never throws (an unhandled rejection there once ended `serve` on a full disk with "cannot
 * rollback - no transaction is active").
 */
export function createSqliteGroupCommit(options: SqliteGroupCommitOptions): SqliteGroupCommit {
  const { db, prepare } = options;
  const yieldOnLock = options.yieldOnLock === true;
  const fault = options.fault ?? ((error: unknown) => error);
  const waiting: _Unit[] = [];
  // The exit outbox's bookkeeping (claim, done, retry-later): short and synchronous. It goes at the head of the next
  // batch and shares its COMMIT (in transactions of their own, claims and completions doubled the commits under a
  // burst: 2,850 for 6,100 issuances). It must not wait behind a long batch (a delivery lane records each outcome
  // before its next call, so that wait would cap every module at MaxConcurrency calls per batch): once a batch that
  // carries bookkeeping, or has bookkeeping waiting, has run for URGENT_AFTER_MS, it commits what it has done.
  const urgent: _Unit[] = [];
  const URGENT_AFTER_MS = 1;
  // Transaction control runs several times per batch: prepared once, not parsed by exec each time.
  const control = (sql: string) => () => void prepare(sql).run();
  const begin = control('BEGIN IMMEDIATE');
  const commit = control('COMMIT');
  const rollback = control('ROLLBACK');
  const savepoint = control('SAVEPOINT unit');
  const release = control('RELEASE unit');
  const rollbackUnit = control('ROLLBACK TO unit');
  /** ROLLBACK that never throws: after SQLITE_FULL or an I/O error SQLite may have rolled back already. */
  const rollbackAll = () => {
    if (!db.isTransaction) return;
    try {
      rollback();
    } catch {
      // Nothing more to undo; the connection stays usable.
    }
  };
  /** Puts units that never ran back at the head of their queues, in order. */
  const requeue = (units: readonly _Unit[]) => {
    urgent.unshift(...units.filter((u) => u.sync));
    waiting.unshift(...units.filter((u) => !u.sync));
  };
  let draining = false;
  // The drain starts in the check phase of the event loop, after the poll phase has run every I/O callback that
  // completed meanwhile: all the units those callbacks queue (requests whose signatures came back from the thread
  // pool together) share one COMMIT, with no timer added to anyone's latency.
  const schedule = () => {
    if (draining) return;
    draining = true;
    setImmediate(() => void drain());
  };
  const drain = async () => {
    let lockedOut = false;
    try {
      while (waiting.length > 0 || urgent.length > 0) {
        const head = urgent.splice(0, 256);
        const rest = waiting.splice(0, 256);
        const batch = head.concat(rest);
        const began = performance.now();
        const settled: Array<{ unit: _Unit; ok: boolean; value: unknown }> = [];
        try {
          begin();
        } catch (error) {
          if (yieldOnLock && _isBusy(error)) {
            // Another connection writes: the batch waits for the next try, in order.
            urgent.unshift(...head);
            waiting.unshift(...rest);
            lockedOut = true;
            break;
          }
          // A closed or broken database, a full disk: every waiting unit fails now instead of never settling.
          for (const unit of batch) unit.reject(fault(error));
          continue;
        }
        for (const [index, unit] of batch.entries()) {
          // Bookkeeping, in this batch or arrived since, is answered within about URGENT_AFTER_MS.
          const bookkeeping = head.length > 0 || urgent.length > 0;
          if (index >= head.length && index > 0 && bookkeeping && performance.now() - began >= URGENT_AFTER_MS) {
            waiting.unshift(...batch.slice(index));
            break;
          }
          const single = batch.length === 1;
          if (!single) savepoint();
          try {
            const value = unit.sync ? unit.work() : await unit.work();
            if (!single) release();
            settled.push({ unit, ok: true, value });
          } catch (error) {
            if (!db.isTransaction) {
              // SQLite rolled the whole transaction back itself (SQLITE_FULL, an I/O error): the units before this
              // one are undone too and fail with it; those after it never ran and go back to the queue.
              const cause = fault(error);
              for (const s of settled) if (s.ok) Object.assign(s, { ok: false, value: cause });
              settled.push({ unit, ok: false, value: cause });
              requeue(batch.slice(index + 1));
              break;
            }
            try {
              if (single) rollback();
              else {
                rollbackUnit();
                release();
              }
              settled.push({ unit, ok: false, value: fault(error) });
            } catch (undo) {
              // The savepoint could not be undone (an I/O error): the batch goes with it.
              rollbackAll();
              for (const s of settled) if (s.ok) Object.assign(s, { ok: false, value: fault(undo) });
              settled.push({ unit, ok: false, value: fault(error) });
              requeue(batch.slice(index + 1));
              break;
            }
          }
        }
        if (db.isTransaction) {
          try {
            commit();
            options.onCommit?.(settled.some((s) => s.ok && !s.unit.sync));
          } catch (error) {
            rollbackAll();
            const cause = fault(error);
            for (const s of settled) if (s.ok) Object.assign(s, { ok: false, value: cause });
          }
        }
        for (const s of settled) (s.ok ? s.unit.resolve : s.unit.reject)(s.value);
      }
    } catch (error) {
      // Never leave a unit unanswered, whatever went wrong above.
      for (const unit of [...urgent.splice(0), ...waiting.splice(0)]) unit.reject(fault(error));
      rollbackAll();
    } finally {
      if (lockedOut) setTimeout(() => void drain(), 1);
      else draining = false;
    }
  };
  return {
    transaction: (work) =>
      new Promise((resolve, reject) => {
        waiting.push({ sync: false, work, resolve: resolve as _Settle, reject });
        schedule();
      }),
    bookkeeping: (work) =>
      new Promise((resolve, reject) => {
        urgent.push({ sync: true, work, resolve: resolve as _Settle, reject });
        schedule();
      }),
  };
}

/** SQLITE_BUSY (5), with or without an extended code: another connection holds the lock. */
function _isBusy(error: unknown): boolean {
  return ((error as { errcode?: number }).errcode ?? 0) % 256 === 5;
}
