import { hostname } from 'node:os';
import type { ExitOutboxStore, OutboxCount, OutboxStatus } from '@certexit/engine';
import { claimOwnerIsGone, outboxRowFromRecord, replaySummaryFromRecord } from '@certexit/engine';
import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { DB_NOW_MS } from './postgres-lock-keys';
import type { PostgresNotifications } from './postgres-notifications';

type Query = <R extends QueryResultRow>(text: string, values?: unknown[], name?: string) => Promise<QueryResult<R>>;

const OPEN = `status IN ('pending', 'delivering')`;

/** Options of {@link postgresExitOutbox}. */
export interface PostgresExitOutboxOptions {
  readonly pool: Pool;
  readonly query: Query;
  readonly channel: string;
  readonly notifications: PostgresNotifications;
  /** How long a claim lasts unless renewed; this process renews its own claims every third of it. */
  readonly leaseMs: number;
  readonly fault: (error: unknown) => unknown;
}

/**
 * The exit outbox on PostgreSQL (see `ExitOutboxStore`), shared by every engine node on the database:
 * - a claim takes due rows with `FOR UPDATE SKIP LOCKED`, so two nodes claiming at once never take the same row,
 *   and only rows heading their (module, request), so one request's events reach a module in order whichever node
 *   delivers them;
 * - a claim's lease is measured on the database's clock and lasts `leaseMs`; the node renews the leases of what it
 *   holds while it runs, so a node that dies stops renewing and its rows are taken over by the others' recovery
 *   once the lease lapses (at once when it ran on the same host: its process is gone);
 * - a committed event NOTIFYs the schema's channel; `watch` LISTENs, so idle lanes of every node wake at once.
 */
export function postgresExitOutbox(options: PostgresExitOutboxOptions): ExitOutboxStore & { close(): void } {
  const { query, pool } = options;
  const owners = new Set<string>();
  let renewer: NodeJS.Timeout | undefined;
  const renew = async () => {
    if (owners.size === 0) return;
    try {
      await query(
        `UPDATE exit_outbox SET lease_until = ${DB_NOW_MS} + $2 WHERE status = 'delivering' AND owner = ANY($1::text[])`,
        [[...owners], options.leaseMs],
        'certexit_renew_leases',
      );
    } catch (error) {
      process.emitWarning(`certexit: could not renew the outbox leases: ${(error as Error).message}`);
    }
  };
  const hold = (owner: string) => {
    owners.add(owner);
    if (!renewer) {
      renewer = setInterval(() => void renew(), Math.max(100, Math.floor(options.leaseMs / 3)));
      renewer.unref();
    }
  };
  const rows = async (text: string, values: unknown[], name?: string) =>
    (await query(text, values, name)).rows.map(outboxRowFromRecord);
  const writeTransaction = async <T>(work: (q: Query) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const value = await work(((text: string, values?: unknown[]) => client.query({ text, values })) as Query);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw options.fault(error);
    } finally {
      client.release(broken);
    }
  };
  const notify = () => query('SELECT pg_notify($1, $2)', [options.channel, '']);
  const thisProcess = `${hostname()}:${process.pid}:`;
  return {
    async claim(progId, claim) {
      hold(claim.owner);
      const only = claim.eventIds ? 'AND o.event_id = ANY($7::bigint[])' : '';
      const claimed = await rows(
        `WITH due AS (
           SELECT o.outbox_id FROM exit_outbox o
            WHERE o.prog_id = $1 AND o.status = 'pending' AND o.next_attempt_at <= $2 ${only}
              AND NOT EXISTS (SELECT 1 FROM exit_outbox p WHERE p.prog_id = o.prog_id AND p.context = o.context
                                AND p.${OPEN} AND p.outbox_id < o.outbox_id)
            ORDER BY o.outbox_id LIMIT $3
            FOR UPDATE OF o SKIP LOCKED)
         UPDATE exit_outbox x SET status = 'delivering', attempts = x.attempts + 1, owner = $4,
                lease_until = LEAST($5::bigint, ${DB_NOW_MS} + $6::bigint), updated_at = $2
           FROM due WHERE x.outbox_id = due.outbox_id
         RETURNING x.*`,
        [
          progId,
          claim.now.getTime(),
          claim.limit,
          claim.owner,
          claim.leaseUntil.getTime(),
          options.leaseMs,
          ...(claim.eventIds ? [claim.eventIds] : []),
        ],
        claim.eventIds ? 'certexit_claim_events' : 'certexit_claim',
      );
      return claimed.sort((a, b) => a.id - b.id);
    },
    async complete(id, owner, hresult, now) {
      await query(
        `UPDATE exit_outbox SET status = 'done', last_hresult = $1, last_error = NULL, owner = NULL, lease_until = NULL,
           updated_at = $2 WHERE outbox_id = $3 AND status = 'delivering' AND owner = $4`,
        [hresult, now.getTime(), id, owner],
        'certexit_complete',
      );
    },
    async completeAll(done, owner, now) {
      if (done.length === 0) return;
      await query(
        `UPDATE exit_outbox x SET status = 'done', last_hresult = u.h, last_error = NULL, owner = NULL,
           lease_until = NULL, updated_at = $3
           FROM unnest($1::bigint[], $2::bigint[]) AS u(id, h)
          WHERE x.outbox_id = u.id AND x.status = 'delivering' AND x.owner = $4`,
        [done.map((d) => d.id), done.map((d) => d.hresult), now.getTime(), owner],
        'certexit_complete_all',
      );
    },
    async fail(id, owner, failure) {
      await query(
        `UPDATE exit_outbox SET status = $1, last_hresult = $2, last_error = $3, dead_reason = $4, next_attempt_at = $5,
           owner = NULL, lease_until = NULL, updated_at = $6 WHERE outbox_id = $7 AND status = 'delivering' AND owner = $8`,
        [
          failure.dead ? 'dead' : 'pending',
          failure.hresult,
          failure.error.slice(0, 2000),
          failure.dead ? (failure.deadReason ?? 'dead-lettered').slice(0, 500) : null,
          failure.nextAttemptAt.getTime(),
          failure.now.getTime(),
          id,
          owner,
        ],
        'certexit_fail',
      );
    },
    async failDelivering(progId, context, failure) {
      // The row a dead exit-module thread of this process held: not another node's.
      return writeTransaction(async (q) => {
        const r = (
          await q(
            `SELECT outbox_id, attempts, event FROM exit_outbox
              WHERE prog_id = $1 AND context = $2 AND status = 'delivering' AND starts_with(owner, $3)
              ORDER BY outbox_id LIMIT 1 FOR UPDATE`,
            [progId, context, thisProcess],
          )
        ).rows[0];
        if (!r) return undefined;
        const attempts = Number(r.attempts);
        const fate = attempts >= failure.maxAttempts ? ('dead' as const) : ('pending' as const);
        await q(
          `UPDATE exit_outbox SET status = $1, last_hresult = $2, last_error = $3, dead_reason = $4, next_attempt_at = $5,
             owner = NULL, lease_until = NULL, updated_at = $6 WHERE outbox_id = $7`,
          [
            fate,
            failure.hresult,
            failure.error.slice(0, 2000),
            fate === 'dead' ? `failed ${attempts} time(s), the most MaxAttempts allows` : null,
            failure.nextAttemptAt(attempts).getTime(),
            failure.now.getTime(),
            Number(r.outbox_id),
          ],
        );
        return { fate, event: Number(r.event) };
      });
    },
    async unclaim(ids, owner, now) {
      if (ids.length === 0) return 0;
      const r = await query(
        `UPDATE exit_outbox SET status = 'pending', attempts = GREATEST(attempts - 1, 0), next_attempt_at = $1,
           owner = NULL, lease_until = NULL, updated_at = $1 WHERE outbox_id = ANY($2::bigint[])
           AND status = 'delivering' AND owner = $3`,
        [now.getTime(), [...ids], owner],
        'certexit_unclaim',
      );
      return r.rowCount ?? 0;
    },
    async release(owner, now) {
      owners.delete(owner);
      const r = await query(
        `UPDATE exit_outbox SET status = 'pending', next_attempt_at = $1, owner = NULL, lease_until = NULL,
           updated_at = $1 WHERE status = 'delivering' AND owner = $2`,
        [now.getTime(), owner],
      );
      return r.rowCount ?? 0;
    },
    async recover(now, self) {
      const held = await query<{ owner: string | null }>(
        `SELECT DISTINCT owner FROM exit_outbox WHERE status = 'delivering'`,
      );
      const gone = held.rows.map((r) => r.owner ?? '').filter((o) => claimOwnerIsGone(o, self));
      const r = await query(
        `UPDATE exit_outbox SET status = 'pending', next_attempt_at = $1, owner = NULL, lease_until = NULL,
           updated_at = $1 WHERE status = 'delivering'
           AND (lease_until IS NULL OR lease_until < ${DB_NOW_MS} OR owner = ANY($2::text[]))`,
        [now.getTime(), gone],
      );
      if ((r.rowCount ?? 0) > 0) await notify();
      return r.rowCount ?? 0;
    },
    async nextDueAfter(progId, now) {
      const r = await query<{ due: number | null }>(
        `SELECT min(next_attempt_at) AS due FROM exit_outbox WHERE prog_id = $1 AND status = 'pending' AND next_attempt_at > $2`,
        [progId, now.getTime()],
        'certexit_next_due',
      );
      const due = r.rows[0]?.due;
      return due === null || due === undefined ? undefined : new Date(Number(due));
    },
    async list(filter = {}) {
      const where = ['true'];
      const values: unknown[] = [];
      if (filter.progId !== undefined) {
        values.push(filter.progId);
        where.push(`prog_id = $${values.length}`);
      }
      if (filter.status !== undefined) {
        values.push(filter.status);
        where.push(`status = $${values.length}`);
      } else where.push(`status <> 'done'`);
      values.push(filter.limit ?? 100);
      return rows(
        `SELECT * FROM exit_outbox WHERE ${where.join(' AND ')} ORDER BY outbox_id LIMIT $${values.length}`,
        values,
      );
    },
    async get(id) {
      return (await rows('SELECT * FROM exit_outbox WHERE outbox_id = $1', [id]))[0];
    },
    async counts(now, progId) {
      const t = now.getTime();
      const r = await query(
        `SELECT prog_id, status,
                CASE WHEN $1 - created_at < 60000 THEN '<1m' WHEN $1 - created_at < 3600000 THEN '1m-1h'
                     WHEN $1 - created_at < 86400000 THEN '1h-1d' ELSE '>1d' END AS age,
                count(*) AS n, min(created_at) AS oldest
           FROM exit_outbox ${progId === undefined ? '' : 'WHERE prog_id = $2'}
          GROUP BY prog_id, status, age ORDER BY prog_id, status, min(created_at)`,
        progId === undefined ? [t] : [t, progId],
      );
      return r.rows.map(
        (row): OutboxCount => ({
          progId: String(row.prog_id),
          status: String(row.status) as OutboxStatus,
          age: String(row.age),
          count: Number(row.n),
          oldestAt: new Date(Number(row.oldest)),
        }),
      );
    },
    async depth() {
      const r = await query(
        `SELECT prog_id, count(*) AS n, min(created_at) AS oldest FROM exit_outbox WHERE ${OPEN} GROUP BY prog_id`,
      );
      return r.rows.map((row) => ({
        progId: String(row.prog_id),
        open: Number(row.n),
        oldestAt: new Date(Number(row.oldest)),
      }));
    },
    async retry(target, now) {
      const where = 'id' in target ? 'outbox_id = $2' : 'lower(prog_id) = lower($2)';
      const made = await rows(
        `UPDATE exit_outbox SET status = 'pending', attempts = 0, dead_reason = NULL, next_attempt_at = $1,
           updated_at = $1 WHERE ${where} AND status IN ('pending', 'dead') RETURNING *`,
        [now.getTime(), 'id' in target ? target.id : target.progId],
      );
      if (made.length > 0) await notify();
      return made.sort((a, b) => a.id - b.id);
    },
    async drop(id) {
      const r = await query(`DELETE FROM exit_outbox WHERE outbox_id = $1 AND status <> 'delivering'`, [id]);
      return r.rowCount === 1;
    },
    async prune(doneBefore) {
      const r = await query(`DELETE FROM exit_outbox WHERE status = 'done' AND updated_at < $1`, [
        doneBefore.getTime(),
      ]);
      return r.rowCount ?? 0;
    },
    async replay(request) {
      const replay = await writeTransaction(async (q) => {
        const events = (
          await q(
            `SELECT event_id, event, context FROM exit_events WHERE event_id >= $1 AND (event & $2) <> 0
              ORDER BY event_id LIMIT $3`,
            [request.sinceEventId, request.eventMask, request.limit + 1],
          )
        ).rows.map((e) => ({ id: Number(e.event_id), event: Number(e.event), context: Number(e.context) }));
        const more = events.length > request.limit ? events.pop() : undefined;
        const now = request.now.getTime();
        const replayId = Number(
          (
            await q(
              `INSERT INTO exit_replays (prog_id, since_event_id, until_event_id, event_mask, events, requested_by, created_at)
                 VALUES ($1, $2, $3, $4, 0, $5, $6) RETURNING replay_id`,
              [
                request.progId,
                request.sinceEventId,
                events.at(-1)?.id ?? request.sinceEventId,
                request.eventMask,
                request.requestedBy ?? null,
                now,
              ],
            )
          ).rows[0]!.replay_id,
        );
        const open = new Set(
          (
            await q(
              `SELECT DISTINCT event_id FROM exit_outbox WHERE prog_id = $1 AND event_id = ANY($2::bigint[]) AND ${OPEN}`,
              [request.progId, events.map((e) => e.id)],
            )
          ).rows.map((r) => Number(r.event_id)),
        );
        const fresh = events.filter((e) => !open.has(e.id));
        await q(
          `INSERT INTO exit_outbox (prog_id, event_id, event, context, status, attempts, next_attempt_at, created_at,
             updated_at, replay_id)
           SELECT $1, u.id, u.event, u.context, 'pending', 0, $5, $5, $5, $6
             FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) WITH ORDINALITY AS u(id, event, context, n)
            ORDER BY u.n`,
          [
            request.progId,
            fresh.map((e) => e.id),
            fresh.map((e) => e.event),
            fresh.map((e) => e.context),
            now,
            replayId,
          ],
        );
        await q(
          `DELETE FROM exit_actions WHERE lower(prog_id) = lower($1) AND event_id = ANY($2::text[]) AND scope = 'delivery'`,
          [request.progId, fresh.map((e) => `${request.sanitizedCaName}/${e.id}`)],
        );
        await q('UPDATE exit_replays SET events = $1 WHERE replay_id = $2', [fresh.length, replayId]);
        if (fresh.length > 0) await q('SELECT pg_notify($1, $2)', [options.channel, '']);
        return {
          replayId,
          events: fresh.length,
          alreadyOpen: events.length - fresh.length,
          ...(events.length > 0 && { firstEventId: events[0]!.id, lastEventId: events.at(-1)!.id }),
          ...(more && { nextEventId: more.id }),
        };
      });
      return replay;
    },
    async replays(filter = {}) {
      const values: unknown[] = [];
      if (filter.progId !== undefined) values.push(filter.progId);
      values.push(filter.limit ?? 20);
      const r = await query(
        `SELECT r.*,
            (SELECT count(*) FROM exit_outbox o WHERE o.replay_id = r.replay_id AND o.${OPEN}) AS n_open,
            (SELECT count(*) FROM exit_outbox o WHERE o.replay_id = r.replay_id AND o.status = 'done') AS n_done,
            (SELECT count(*) FROM exit_outbox o WHERE o.replay_id = r.replay_id AND o.status = 'dead') AS n_dead
           FROM exit_replays r ${filter.progId === undefined ? '' : 'WHERE lower(r.prog_id) = lower($1)'}
          ORDER BY r.replay_id DESC LIMIT $${values.length}`,
        values,
      );
      return r.rows.map(replaySummaryFromRecord);
    },
    async firstEventSince(when) {
      const r = await query('SELECT min(event_id) AS id FROM exit_events WHERE created_at >= $1', [when.getTime()]);
      const id = r.rows[0]?.id;
      return id === null || id === undefined ? undefined : Number(id);
    },
    async forEvent(eventId) {
      return rows('SELECT * FROM exit_outbox WHERE event_id = $1 ORDER BY outbox_id', [eventId], 'certexit_for_event');
    },
    async latestEventId(event, context) {
      const r = await query(
        'SELECT max(event_id) AS id FROM exit_events WHERE context = $1 AND event = $2',
        [context, event],
        'certexit_latest_event',
      );
      const id = r.rows[0]?.id;
      return id === null || id === undefined ? undefined : Number(id);
    },
    async leases() {
      const r = await query(
        `SELECT owner, prog_id, count(*) AS n, min(lease_until) AS lease_until FROM exit_outbox
          WHERE status = 'delivering' GROUP BY owner, prog_id ORDER BY owner, prog_id`,
      );
      return r.rows.map((row) => ({
        owner: String(row.owner ?? ''),
        progId: String(row.prog_id),
        rows: Number(row.n),
        leaseUntil: new Date(Number(row.lease_until ?? 0)),
      }));
    },
    watch(listener) {
      return options.notifications.listen(listener);
    },
    close() {
      clearInterval(renewer);
      renewer = undefined;
    },
  };
}
