import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { claimOwnerIsGone } from './claim-owner';
import type { ExitOutboxStore, OutboxCount, OutboxRow, OutboxStatus } from './exit-outbox-store';
import { outboxRowFromRecord, replaySummaryFromRecord } from './store-rows';

type Prepare = (sql: string) => StatementSync;
/**
 * Runs writes in the store's group-committed transaction queue, never inside another unit's transaction: ahead of
 * the issuances waiting there, so a lane's claim or outcome is committed within about a millisecond.
 */
type Write = <T>(work: () => T) => Promise<T>;

/** Writes the outbox rows of one exit event, one per module it lists: pending, due at once. */
function insertOutboxRows(
  prepare: Prepare,
  row: { eventId: number; event: number; context: number; progIds: readonly string[]; now: number },
): void {
  const n = row.progIds.length;
  if (n === 0) return;
  // One statement for the event's rows: each statement costs a round of binding.
  _insertSql[n] ??= `INSERT INTO exit_outbox (prog_id, event_id, event, context, status, attempts, next_attempt_at,
    created_at, updated_at) VALUES ${Array(n).fill("(?, ?, ?, ?, 'pending', 0, ?, ?, ?)").join(', ')}`;
  prepare(_insertSql[n]).run(
    ...row.progIds.flatMap((progId) => [progId, row.eventId, row.event, row.context, row.now, row.now, row.now]),
  );
}

const _insertSql: string[] = [];

/**
 * Events whose outbox rows are made in one unit at most (a few milliseconds of the write lock, which the engine
 * waits for); the next operation makes the rest.
 */
const _MATERIALIZE_LIMIT = 512;

/**
 * The exit outbox's queries over node:sqlite (see {@link ExitOutboxStore}).
 *
 * An exit event is written with the state change that causes it, listing the modules to notify (`exit_events`
 * .modules): the durable record that each of them must be told commits with the change, at the cost of one row.
 * The modules' outbox rows, which carry each delivery's status, attempts and claim, are made from it by whoever
 * looks at the outbox next (every operation below that reads rows first makes those of the events past the cursor,
 * in one transaction with the cursor's move, so none is made twice or lost): the engine's transaction writes one row
 * per event instead of one per module plus the event (three modules: 33 µs of its time per certificate, 16% of
 * issuance), and the exit-module thread makes them on its own connection.
 */
export function sqliteExitOutbox(prepare: Prepare, write: Write): ExitOutboxStore {
  const OPEN = `status IN ('pending', 'delivering')`;
  const cursor = () =>
    Number(prepare('SELECT last_event_id AS id FROM exit_outbox_cursor WHERE id = 1').get()?.id ?? 0);
  const lastEvent = () => Number(prepare('SELECT MAX(event_id) AS id FROM exit_events').get()?.id ?? 0);
  /** True when events past the cursor still need their rows (a read: usually there are none). */
  const behind = () => lastEvent() > cursor();
  /** Makes the outbox rows of the events past the cursor, inside the caller's write unit. */
  const materializeNow = () => {
    const events = prepare(
      `SELECT event_id, event, context, created_at, modules FROM exit_events WHERE event_id > ?
        ORDER BY event_id LIMIT ?`,
    ).all(cursor(), _MATERIALIZE_LIMIT);
    for (const e of events) {
      if (typeof e.modules !== 'string' || e.modules === '') continue;
      insertOutboxRows(prepare, {
        eventId: Number(e.event_id),
        event: Number(e.event),
        context: Number(e.context),
        progIds: e.modules.split('\n'),
        now: Number(e.created_at),
      });
    }
    const last = events.at(-1);
    if (last) prepare('UPDATE exit_outbox_cursor SET last_event_id = ? WHERE id = 1').run(Number(last.event_id));
  };
  const materialize = (): Promise<void> => (behind() ? write(materializeNow) : Promise.resolve());
  return {
    async claim(progId, claim) {
      const only = claim.eventIds ? `AND o.event_id IN (${claim.eventIds.map(() => '?').join(', ') || 'NULL'})` : '';
      const due = () =>
        prepare(
          `SELECT o.* FROM exit_outbox o
            WHERE o.prog_id = ? AND o.status = 'pending' AND o.next_attempt_at <= ? ${only}
              AND NOT EXISTS (SELECT 1 FROM exit_outbox p WHERE p.prog_id = o.prog_id AND p.context = o.context
                              AND p.${OPEN} AND p.outbox_id < o.outbox_id)
            ORDER BY o.outbox_id LIMIT ?`,
        ).all(progId, claim.now.getTime(), ...(claim.eventIds ?? []), claim.limit);
      // Looked for first with reads: a lane with nothing due takes no write lock.
      const making = behind();
      if (!making && due().length === 0) return [];
      return write(() => {
        if (making) materializeNow();
        const rows = due();
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
            ...outboxRowFromRecord(r),
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
          `UPDATE exit_outbox SET status = ?, last_hresult = ?, last_error = ?, dead_reason = ?, next_attempt_at = ?,
             owner = NULL, lease_until = NULL, updated_at = ? WHERE outbox_id = ? AND status = 'delivering' AND owner = ?`,
        ).run(
          failure.dead ? 'dead' : 'pending',
          failure.hresult,
          failure.error.slice(0, 2000),
          failure.dead ? (failure.deadReason ?? 'dead-lettered').slice(0, 500) : null,
          failure.nextAttemptAt.getTime(),
          failure.now.getTime(),
          id,
          owner,
        );
      });
    },
    failDelivering(progId, context, failure) {
      return write(() => {
        const r = prepare(
          `SELECT outbox_id, attempts, event FROM exit_outbox WHERE prog_id = ? AND context = ? AND status = 'delivering'
            ORDER BY outbox_id LIMIT 1`,
        ).get(progId, context);
        if (!r) return undefined;
        const attempts = Number(r.attempts);
        const fate = attempts >= failure.maxAttempts ? 'dead' : 'pending';
        prepare(
          `UPDATE exit_outbox SET status = ?, last_hresult = ?, last_error = ?, dead_reason = ?, next_attempt_at = ?,
             owner = NULL, lease_until = NULL, updated_at = ? WHERE outbox_id = ? AND status = 'delivering'`,
        ).run(
          fate,
          failure.hresult,
          failure.error.slice(0, 2000),
          fate === 'dead' ? `failed ${attempts} time(s), the most MaxAttempts allows` : null,
          failure.nextAttemptAt(attempts).getTime(),
          failure.now.getTime(),
          Number(r.outbox_id),
        );
        return { fate, event: Number(r.event) } as const;
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
    recover(now, self) {
      return write(() => {
        const rows = prepare(`SELECT outbox_id, owner, lease_until FROM exit_outbox WHERE status = 'delivering'`).all();
        const back = prepare(
          `UPDATE exit_outbox SET status = 'pending', next_attempt_at = ?, owner = NULL, lease_until = NULL,
             updated_at = ? WHERE outbox_id = ? AND status = 'delivering'`,
        );
        let recovered = 0;
        for (const r of rows) {
          const lapsed = r.lease_until === null || Number(r.lease_until) < now.getTime();
          if (!lapsed && !claimOwnerIsGone(String(r.owner ?? ''), self)) continue;
          recovered += Number(back.run(now.getTime(), now.getTime(), Number(r.outbox_id)).changes);
        }
        return recovered;
      });
    },
    async nextDueAfter(progId, now) {
      // Events still to be made into rows are due now; making them is a claim's work (a lane's, when its pacer
      // lets it), not a lookup's.
      if (behind()) return now;
      const r = prepare(
        `SELECT MIN(next_attempt_at) AS due FROM exit_outbox
          WHERE prog_id = ? AND status = 'pending' AND next_attempt_at > ?`,
      ).get(progId, now.getTime());
      return r?.due === null || r?.due === undefined ? undefined : new Date(Number(r.due));
    },
    async list(filter = {}) {
      await materialize();
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
        .map(outboxRowFromRecord);
    },
    async get(id) {
      await materialize();
      const r = prepare('SELECT * FROM exit_outbox WHERE outbox_id = ?').get(id);
      return r ? outboxRowFromRecord(r) : undefined;
    },
    async counts(now, progId) {
      await materialize();
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
      await materialize();
      return prepare(
        `SELECT prog_id, COUNT(*) AS n, MIN(created_at) AS oldest FROM exit_outbox WHERE ${OPEN} GROUP BY prog_id`,
      )
        .all()
        .map((r) => ({ progId: String(r.prog_id), open: Number(r.n), oldestAt: new Date(Number(r.oldest)) }));
    },
    retry(target, now) {
      return write(() => {
        const where = 'id' in target ? 'outbox_id = ?' : 'prog_id = ? COLLATE NOCASE';
        const key = 'id' in target ? target.id : target.progId;
        const ids = prepare(`SELECT outbox_id FROM exit_outbox WHERE ${where} AND status IN ('pending', 'dead')`)
          .all(key)
          .map((r) => Number(r.outbox_id));
        const due = prepare(
          `UPDATE exit_outbox SET status = 'pending', attempts = 0, dead_reason = NULL, next_attempt_at = ?,
             updated_at = ? WHERE outbox_id = ? AND status IN ('pending', 'dead')`,
        );
        const read = prepare('SELECT * FROM exit_outbox WHERE outbox_id = ?');
        const rows: OutboxRow[] = [];
        for (const id of ids) {
          due.run(now.getTime(), now.getTime(), id);
          const r = read.get(id);
          if (r) rows.push(outboxRowFromRecord(r));
        }
        return rows;
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
    replay(request) {
      return write(() => {
        // The rows of events past the cursor first: a replay must not race their making.
        materializeNow();
        const events = prepare(
          `SELECT event_id, event, context FROM exit_events
            WHERE event_id >= ? AND (event & ?) != 0 ORDER BY event_id LIMIT ?`,
        ).all(request.sinceEventId, request.eventMask, request.limit + 1);
        const more = events.length > request.limit ? events.pop() : undefined;
        const now = request.now.getTime();
        const replayId = Number(
          prepare(
            `INSERT INTO exit_replays (prog_id, since_event_id, until_event_id, event_mask, events, requested_by,
               created_at) VALUES (?, ?, ?, ?, 0, ?, ?)`,
          ).run(
            request.progId,
            request.sinceEventId,
            Number(events.at(-1)?.event_id ?? request.sinceEventId),
            request.eventMask,
            request.requestedBy ?? null,
            now,
          ).lastInsertRowid,
        );
        const isOpen = prepare(`SELECT 1 FROM exit_outbox WHERE prog_id = ? AND event_id = ? AND ${OPEN} LIMIT 1`);
        const insert = prepare(
          `INSERT INTO exit_outbox (prog_id, event_id, event, context, status, attempts, next_attempt_at, created_at,
             updated_at, replay_id) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
        );
        const forget = prepare(`DELETE FROM exit_actions WHERE prog_id = ? AND event_id = ? AND scope = 'delivery'`);
        let made = 0;
        let alreadyOpen = 0;
        for (const e of events) {
          const id = Number(e.event_id);
          if (isOpen.get(request.progId, id)) {
            alreadyOpen++;
            continue;
          }
          insert.run(request.progId, id, Number(e.event), Number(e.context), now, now, now, replayId);
          forget.run(request.progId, `${request.sanitizedCaName}/${id}`);
          made++;
        }
        prepare('UPDATE exit_replays SET events = ? WHERE replay_id = ?').run(made, replayId);
        return {
          replayId,
          events: made,
          alreadyOpen,
          ...(events.length > 0 && {
            firstEventId: Number(events[0]!.event_id),
            lastEventId: Number(events.at(-1)!.event_id),
          }),
          ...(more && { nextEventId: Number(more.event_id) }),
        };
      });
    },
    async replays(filter = {}) {
      const rows = prepare(
        `SELECT r.*,
            (SELECT COUNT(*) FROM exit_outbox o WHERE o.replay_id = r.replay_id AND o.${OPEN}) AS n_open,
            (SELECT COUNT(*) FROM exit_outbox o WHERE o.replay_id = r.replay_id AND o.status = 'done') AS n_done,
            (SELECT COUNT(*) FROM exit_outbox o WHERE o.replay_id = r.replay_id AND o.status = 'dead') AS n_dead
           FROM exit_replays r ${filter.progId === undefined ? '' : 'WHERE r.prog_id = ? COLLATE NOCASE'}
          ORDER BY r.replay_id DESC LIMIT ?`,
      ).all(...(filter.progId === undefined ? [] : [filter.progId]), filter.limit ?? 20);
      return rows.map(replaySummaryFromRecord);
    },
    async firstEventSince(when) {
      const r = prepare('SELECT MIN(event_id) AS id FROM exit_events WHERE created_at >= ?').get(when.getTime());
      return r?.id === null || r?.id === undefined ? undefined : Number(r.id);
    },
    async forEvent(eventId) {
      await materialize();
      return prepare('SELECT * FROM exit_outbox WHERE event_id = ? ORDER BY outbox_id')
        .all(eventId)
        .map(outboxRowFromRecord);
    },
    async leases() {
      return prepare(
        `SELECT owner, prog_id, COUNT(*) AS n, MIN(lease_until) AS lease_until FROM exit_outbox
          WHERE status = 'delivering' GROUP BY owner, prog_id ORDER BY owner, prog_id`,
      )
        .all()
        .map((r) => ({
          owner: String(r.owner ?? ''),
          progId: String(r.prog_id),
          rows: Number(r.n),
          leaseUntil: new Date(Number(r.lease_until ?? 0)),
        }));
    },
    watch() {
      // One server writes a SQLite CA; the CLI's rows are found by the poll.
      return () => undefined;
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
