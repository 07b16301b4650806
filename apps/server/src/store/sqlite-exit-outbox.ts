import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { ExitOutboxStore, OutboxCount, OutboxRow, OutboxStatus } from './exit-outbox-store';

type Prepare = (sql: string) => StatementSync;
/**
 * Runs writes in the store's group-committed transaction queue, never inside another unit's transaction: ahead of
 * the issuances waiting there, so a lane's claim or outcome is committed within about a millisecond.
 */
type Write = <T>(work: () => T) => Promise<T>;

/** Writes the outbox rows of one exit event; called by `recordExitEvent` inside the state change's transaction. */
export function insertOutboxRows(
  prepare: Prepare,
  row: { eventId: number; event: number; context: number; progIds: readonly string[]; now: number },
): void {
  if (row.progIds.length === 0) return;
  // One statement for the event's rows (one per subscribed module): each statement costs a round of binding.
  prepare(
    `INSERT INTO exit_outbox (prog_id, event_id, event, context, status, attempts, next_attempt_at, created_at,
       updated_at) VALUES ${row.progIds.map(() => "(?, ?, ?, ?, 'pending', 0, ?, ?, ?)").join(', ')}`,
  ).run(...row.progIds.flatMap((progId) => [progId, row.eventId, row.event, row.context, row.now, row.now, row.now]));
}

/** The exit outbox's queries over node:sqlite (see {@link ExitOutboxStore}). */
export function sqliteExitOutbox(prepare: Prepare, write: Write): ExitOutboxStore {
  const OPEN = `status IN ('pending', 'delivering')`;
  return {
    claim(progId, claim) {
      return write(() => {
        const only = claim.eventIds ? `AND o.event_id IN (${claim.eventIds.map(() => '?').join(', ') || 'NULL'})` : '';
        const rows = prepare(
          `SELECT o.* FROM exit_outbox o
            WHERE o.prog_id = ? AND o.status = 'pending' AND o.next_attempt_at <= ? ${only}
              AND NOT EXISTS (SELECT 1 FROM exit_outbox p WHERE p.prog_id = o.prog_id AND p.context = o.context
                              AND p.${OPEN} AND p.outbox_id < o.outbox_id)
            ORDER BY o.outbox_id LIMIT ?`,
        ).all(progId, claim.now.getTime(), ...(claim.eventIds ?? []), claim.limit);
        const take = prepare(
          `UPDATE exit_outbox SET status = 'delivering', attempts = attempts + 1, owner = ?, lease_until = ?,
             updated_at = ? WHERE outbox_id = ? AND status = 'pending'`,
        );
        const claimed: OutboxRow[] = [];
        for (const r of rows) {
          if (
            Number(
              take.run(claim.owner, claim.leaseUntil.getTime(), claim.now.getTime(), Number(r.outbox_id)).changes,
            ) !== 1
          )
            continue;
          claimed.push({
            ..._row(r),
            status: 'delivering',
            attempts: Number(r.attempts) + 1,
            updatedAt: claim.now,
          });
        }
        return claimed;
      });
    },
    complete(id, owner, hresult, now) {
      return write(() => {
        prepare(
          `UPDATE exit_outbox SET status = 'done', last_hresult = ?, last_error = NULL, owner = NULL,
             lease_until = NULL, updated_at = ? WHERE outbox_id = ? AND status = 'delivering' AND owner = ?`,
        ).run(hresult, now.getTime(), id, owner);
      });
    },
    completeAll(done, owner, now) {
      return write(() => {
        const mark = prepare(
          `UPDATE exit_outbox SET status = 'done', last_hresult = ?, last_error = NULL, owner = NULL,
             lease_until = NULL, updated_at = ? WHERE outbox_id = ? AND status = 'delivering' AND owner = ?`,
        );
        for (const d of done) mark.run(d.hresult, now.getTime(), d.id, owner);
      });
    },
    fail(id, owner, failure) {
      return write(() => {
        prepare(
          `UPDATE exit_outbox SET status = ?, last_hresult = ?, last_error = ?, next_attempt_at = ?, owner = NULL,
             lease_until = NULL, updated_at = ? WHERE outbox_id = ? AND status = 'delivering' AND owner = ?`,
        ).run(
          failure.dead ? 'dead' : 'pending',
          failure.hresult,
          failure.error.slice(0, 2000),
          failure.nextAttemptAt.getTime(),
          failure.now.getTime(),
          id,
          owner,
        );
      });
    },
    unclaim(ids, owner, now) {
      return write(() => {
        const back = prepare(
          `UPDATE exit_outbox SET status = 'pending', attempts = MAX(attempts - 1, 0), next_attempt_at = ?,
             owner = NULL, lease_until = NULL, updated_at = ? WHERE outbox_id = ? AND status = 'delivering' AND owner = ?`,
        );
        let n = 0;
        for (const id of ids) n += Number(back.run(now.getTime(), now.getTime(), id, owner).changes);
        return n;
      });
    },
    release(owner, now) {
      return write(() =>
        Number(
          prepare(
            `UPDATE exit_outbox SET status = 'pending', next_attempt_at = ?, owner = NULL, lease_until = NULL,
               updated_at = ? WHERE status = 'delivering' AND owner = ?`,
          ).run(now.getTime(), now.getTime(), owner).changes,
        ),
      );
    },
    recover(now, ownerIsGone) {
      return write(() => {
        const rows = prepare(`SELECT outbox_id, owner, lease_until FROM exit_outbox WHERE status = 'delivering'`).all();
        const back = prepare(
          `UPDATE exit_outbox SET status = 'pending', next_attempt_at = ?, owner = NULL, lease_until = NULL,
             updated_at = ? WHERE outbox_id = ? AND status = 'delivering'`,
        );
        let recovered = 0;
        for (const r of rows) {
          const lapsed = r.lease_until === null || Number(r.lease_until) < now.getTime();
          if (!lapsed && !ownerIsGone(String(r.owner ?? ''))) continue;
          recovered += Number(back.run(now.getTime(), now.getTime(), Number(r.outbox_id)).changes);
        }
        return recovered;
      });
    },
    async nextDueAfter(progId, now) {
      const r = prepare(
        `SELECT MIN(next_attempt_at) AS due FROM exit_outbox
          WHERE prog_id = ? AND status = 'pending' AND next_attempt_at > ?`,
      ).get(progId, now.getTime());
      return r?.due === null || r?.due === undefined ? undefined : new Date(Number(r.due));
    },
    async list(filter = {}) {
      const where = ['1 = 1'];
      const values: SQLInputValue[] = [];
      if (filter.progId !== undefined) {
        where.push('prog_id = ?');
        values.push(filter.progId);
      }
      if (filter.status !== undefined) {
        where.push('status = ?');
        values.push(filter.status);
      } else where.push(`status != 'done'`);
      return prepare(`SELECT * FROM exit_outbox WHERE ${where.join(' AND ')} ORDER BY outbox_id LIMIT ?`)
        .all(...values, filter.limit ?? 100)
        .map(_row);
    },
    async get(id) {
      const r = prepare('SELECT * FROM exit_outbox WHERE outbox_id = ?').get(id);
      return r ? _row(r) : undefined;
    },
    async counts(now, progId) {
      const t = now.getTime();
      const rows = prepare(
        `SELECT prog_id, status,
                CASE WHEN ? - created_at < 60000 THEN '<1m' WHEN ? - created_at < 3600000 THEN '1m-1h'
                     WHEN ? - created_at < 86400000 THEN '1h-1d' ELSE '>1d' END AS age,
                COUNT(*) AS n, MIN(created_at) AS oldest
           FROM exit_outbox ${progId === undefined ? '' : 'WHERE prog_id = ?'}
          GROUP BY prog_id, status, age ORDER BY prog_id, status, MIN(created_at)`,
      ).all(t, t, t, ...(progId === undefined ? [] : [progId]));
      return rows.map(
        (r): OutboxCount => ({
          progId: String(r.prog_id),
          status: String(r.status) as OutboxStatus,
          age: String(r.age),
          count: Number(r.n),
          oldestAt: new Date(Number(r.oldest)),
        }),
      );
    },
    async depth() {
      return prepare(
        `SELECT prog_id, COUNT(*) AS n, MIN(created_at) AS oldest FROM exit_outbox WHERE ${OPEN} GROUP BY prog_id`,
      )
        .all()
        .map((r) => ({ progId: String(r.prog_id), open: Number(r.n), oldestAt: new Date(Number(r.oldest)) }));
    },
    retry(target, now) {
      return write(() => {
        const where = 'id' in target ? 'outbox_id = ?' : 'prog_id = ?';
        return Number(
          prepare(
            `UPDATE exit_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
              WHERE ${where} AND status IN ('pending', 'dead')`,
          ).run(now.getTime(), now.getTime(), 'id' in target ? target.id : target.progId).changes,
        );
      });
    },
    drop(id) {
      return write(
        () =>
          Number(prepare(`DELETE FROM exit_outbox WHERE outbox_id = ? AND status != 'delivering'`).run(id).changes) ===
          1,
      );
    },
    prune(doneBefore) {
      return write(() =>
        Number(
          prepare(`DELETE FROM exit_outbox WHERE status = 'done' AND updated_at < ?`).run(doneBefore.getTime()).changes,
        ),
      );
    },
    async forEvent(eventId) {
      return prepare('SELECT * FROM exit_outbox WHERE event_id = ? ORDER BY outbox_id').all(eventId).map(_row);
    },
    async latestEventId(event, context) {
      const r = prepare('SELECT MAX(event_id) AS id FROM exit_events WHERE context = ? AND event = ?').get(
        context,
        event,
      );
      return r?.id === null || r?.id === undefined ? undefined : Number(r.id);
    },
  };
}

function _row(r: Record<string, SQLInputValue | unknown>): OutboxRow {
  return {
    id: Number(r.outbox_id),
    progId: String(r.prog_id),
    eventId: Number(r.event_id),
    event: Number(r.event),
    context: Number(r.context),
    status: String(r.status) as OutboxStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: new Date(Number(r.next_attempt_at)),
    ...(r.last_hresult !== null && r.last_hresult !== undefined && { lastHresult: Number(r.last_hresult) }),
    ...(r.last_error !== null && r.last_error !== undefined && { lastError: String(r.last_error) }),
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}
