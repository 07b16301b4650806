import type { ExitActionScope, ExitActionState } from '@certexit/core';
import type { ExitActionRecord, ExitActionRecords } from '@certexit/engine';
import type { QueryResult, QueryResultRow } from 'pg';

type Query = <R extends QueryResultRow>(text: string, values?: unknown[], name?: string) => Promise<QueryResult<R>>;

/**
 * The idempotency records on PostgreSQL (table `exit_actions`, unique per module without case, EventID and
 * action): `begin` claims with one `INSERT … ON CONFLICT DO NOTHING`, so two nodes delivering the same EventID
 * (a lease taken over while the first still ran) never both act.
 */
export function postgresExitActions(query: Query): ExitActionRecords {
  const stateOf = async (progId: string, eventId: string, action: string) => {
    const r = await query<{ state: string }>(
      'SELECT state FROM exit_actions WHERE lower(prog_id) = lower($1) AND event_id = $2 AND action = $3',
      [progId, eventId, action],
      'certexit_action_state',
    );
    return r.rows[0] ? (r.rows[0].state as ExitActionState) : undefined;
  };
  return {
    async begin(progId, eventId, action, scope, now) {
      const r = await query(
        `INSERT INTO exit_actions (prog_id, event_id, action, state, scope, updated_at)
           VALUES ($1, $2, $3, 'started', $4, $5) ON CONFLICT DO NOTHING`,
        [progId, eventId, action, scope, now.getTime()],
        'certexit_action_begin',
      );
      if (r.rowCount === 1) return 'claimed';
      return (await stateOf(progId, eventId, action)) ?? 'claimed';
    },
    async complete(progId, eventId, action, now) {
      await query(
        `INSERT INTO exit_actions (prog_id, event_id, action, state, scope, updated_at)
           VALUES ($1, $2, $3, 'done', 'delivery', $4)
           ON CONFLICT ((lower(prog_id)), event_id, action) DO UPDATE SET state = 'done', updated_at = excluded.updated_at`,
        [progId, eventId, action, now.getTime()],
        'certexit_action_complete',
      );
    },
    async abandon(progId, eventId, action) {
      await query(
        `DELETE FROM exit_actions WHERE lower(prog_id) = lower($1) AND event_id = $2 AND action = $3 AND state = 'started'`,
        [progId, eventId, action],
      );
    },
    get: stateOf,
    async list(progId, eventId) {
      const r =
        eventId === undefined
          ? await query('SELECT * FROM exit_actions WHERE lower(prog_id) = lower($1) ORDER BY updated_at', [progId])
          : await query(
              'SELECT * FROM exit_actions WHERE lower(prog_id) = lower($1) AND event_id = $2 ORDER BY updated_at',
              [progId, eventId],
            );
      return r.rows.map(
        (row): ExitActionRecord => ({
          progId: String(row.prog_id),
          eventId: String(row.event_id),
          action: String(row.action),
          state: String(row.state) as ExitActionState,
          scope: String(row.scope) as ExitActionScope,
          updatedAt: new Date(Number(row.updated_at)),
        }),
      );
    },
    async prune(deliveryBefore, eventBefore) {
      const r = await query(
        `DELETE FROM exit_actions WHERE (scope = 'delivery' AND updated_at < $1) OR (scope = 'event' AND updated_at < $2)`,
        [deliveryBefore.getTime(), eventBefore.getTime()],
      );
      return r.rowCount ?? 0;
    },
  };
}
