import type { CaStoreOpenContext, HighWaterMarks } from '@certexit/engine';
import { DatabaseWentBackError, HighWaterMarkFile, marksBehind, StorageFaultError } from '@certexit/engine';
import type { Pool } from 'pg';

/** The schema-qualified sequences behind `requests.request_id` and `exit_events.event_id`. */
export interface PostgresSequences {
  readonly requests: string;
  readonly events: string;
}

/** What the database has handed out: its RequestID and EventID sequences, and its CRL numbers and their floor. */
export async function postgresMarks(pool: Pool, sequences: PostgresSequences): Promise<HighWaterMarks> {
  const r = await pool.query(
    `SELECT
       (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ${sequences.requests}) AS request_id,
       (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ${sequences.events}) AS event_id,
       GREATEST((SELECT coalesce(max(crl_number), 0) FROM crls),
                (SELECT coalesce(max(floor), 0) FROM ca_counters WHERE name = 'crl_number')) AS crl_number`,
  );
  const row = r.rows[0] ?? {};
  return {
    requestId: Number(row.request_id ?? 0),
    eventId: Number(row.event_id ?? 0),
    crlNumber: Number(row.crl_number ?? 0),
  };
}

/**
 * The "database went back in time" check on PostgreSQL: the CA folder's high-water-mark file (shared by the nodes
 * that share the folder; each raises it after its commits) against the database. A database behind it (restored
 * from an older backup, or a replica promoted before it had caught up) is refused unless the operator accepts it,
 * which raises the sequences and the CRL number floor above the marks so that nothing is handed out twice.
 */
export async function checkPostgresHighWaterMarks(
  pool: Pool,
  sequences: PostgresSequences,
  context: CaStoreOpenContext,
  location: string,
): Promise<HighWaterMarkFile> {
  let opened: ReturnType<typeof HighWaterMarkFile.open>;
  try {
    opened = HighWaterMarkFile.open(context.highWaterMarkFile);
  } catch (error) {
    throw new StorageFaultError({
      fault: 'cannot-open',
      path: context.highWaterMarkFile,
      detail: `the high-water-mark file cannot be opened: ${(error as Error).message}`,
      cause: error,
    });
  }
  const { file, stored } = opened;
  try {
    const behind = stored ? marksBehind(await postgresMarks(pool, sequences), stored) : [];
    if (behind.length > 0) {
      if (!context.acceptRollback) {
        throw new DatabaseWentBackError({
          database: location,
          markFile: context.highWaterMarkFile,
          behind,
          ...(stored && { writtenAt: stored.writtenAt }),
          dir: context.caFolder,
          explanation:
            'It was restored from an older backup, or the CA now reaches a replica that was promoted before it had caught up with its primary, and what was recorded since is missing from it. Point DBConnection at the database that holds it, or restore the newest backup',
        });
      }
      const mark = stored!;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const [sequence, value] of [
          [sequences.requests, mark.requestId],
          [sequences.events, mark.eventId],
        ] as const) {
          if (value > 0)
            await client.query(
              `SELECT setval($1::regclass, GREATEST($2::bigint,
                 (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ${sequence})), true)`,
              [sequence, value],
            );
        }
        await client.query(
          `INSERT INTO ca_counters (name, floor) VALUES ('crl_number', $1)
             ON CONFLICT (name) DO UPDATE SET floor = GREATEST(ca_counters.floor, excluded.floor)`,
          [mark.crlNumber],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
    file.raise(await postgresMarks(pool, sequences));
    return file;
  } catch (error) {
    file.close();
    throw error;
  }
}
