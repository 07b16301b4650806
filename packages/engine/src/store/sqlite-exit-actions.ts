import type { StatementSync } from 'node:sqlite';
import type { ExitActionScope, ExitActionState } from '@certexit/core';
import type { ExitActionRecord, ExitActionRecords } from './exit-action-records';

type Prepare = (sql: string) => StatementSync;
/** Runs a short synchronous write in the store's group-committed queue (ahead of issuances), as the outbox does. */
type Write = <T>(work: () => T) => Promise<T>;

/** {@link ExitActionRecords} over node:sqlite (table `exit_actions`). */
export function sqliteExitActions(prepare: Prepare, write: Write): ExitActionRecords {
  const stateOf = (progId: string, eventId: string, action: string): ExitActionState | undefined => {
    const r = prepare('SELECT state FROM exit_actions WHERE prog_id = ? AND event_id = ? AND action = ?').get(
      progId,
      eventId,
      action,
    );
    return r ? (String(r.state) as ExitActionState) : undefined;
  };
  return {
    begin(progId, eventId, action, scope, now) {
      return write(() => {
        const inserted = prepare(
          `INSERT INTO exit_actions (prog_id, event_id, action, state, scope, updated_at) VALUES (?, ?, ?, 'started', ?, ?)
             ON CONFLICT DO NOTHING`,
        ).run(progId, eventId, action, scope, now.getTime());
        if (Number(inserted.changes) === 1) return 'claimed' as const;
        return stateOf(progId, eventId, action) ?? ('claimed' as const);
      });
    },
    complete(progId, eventId, action, now, scope = 'delivery') {
      return write(() => {
        prepare(
          `INSERT INTO exit_actions (prog_id, event_id, action, state, scope, updated_at) VALUES (?, ?, ?, 'done', ?, ?)
             ON CONFLICT (prog_id, event_id, action) DO UPDATE SET state = 'done', updated_at = excluded.updated_at`,
        ).run(progId, eventId, action, scope, now.getTime());
      });
    },
    abandon(progId, eventId, action) {
      return write(() => {
        prepare(`DELETE FROM exit_actions WHERE prog_id = ? AND event_id = ? AND action = ? AND state = 'started'`).run(
          progId,
          eventId,
          action,
        );
      });
    },
    async get(progId, eventId, action) {
      return stateOf(progId, eventId, action);
    },
    async list(progId, eventId) {
      const rows =
        eventId === undefined
          ? prepare('SELECT * FROM exit_actions WHERE prog_id = ? ORDER BY updated_at').all(progId)
          : prepare('SELECT * FROM exit_actions WHERE prog_id = ? AND event_id = ? ORDER BY updated_at').all(
              progId,
              eventId,
            );
      return rows.map(
        (r): ExitActionRecord => ({
          progId: String(r.prog_id),
          eventId: String(r.event_id),
          action: String(r.action),
          state: String(r.state) as ExitActionState,
          scope: String(r.scope) as ExitActionScope,
          updatedAt: new Date(Number(r.updated_at)),
        }),
      );
    },
    prune(deliveryBefore, eventBefore) {
      return write(
        () =>
          Number(
            prepare(`DELETE FROM exit_actions WHERE scope = 'delivery' AND updated_at < ?`).run(
              deliveryBefore.getTime(),
            ).changes,
          ) +
          Number(
            prepare(`DELETE FROM exit_actions WHERE scope = 'event' AND updated_at < ?`).run(eventBefore.getTime())
              .changes,
          ),
      );
    },
  };
}
