import type {
  CaStoreExport,
  CaStoreSequence,
  CaStoreTable,
  CaStoreTransfer,
  CaStoreTransferRow,
} from '@certexit/engine';
import { CA_STORE_SEQUENCES, CA_STORE_TABLE_KEYS, CA_STORE_TABLES } from '@certexit/engine';
import type { Pool, PoolClient } from 'pg';
import { param } from './postgres-rows';

/** Rows per exported batch and per import statement; a CRL goes alone. */
const _BATCH = 500;

/** The identity column behind each counter. */
const _IDENTITY: Readonly<Record<CaStoreSequence, [string, string]>> = {
  requests: ['requests', 'request_id'],
  exit_events: ['exit_events', 'event_id'],
  exit_outbox: ['exit_outbox', 'outbox_id'],
  exit_replays: ['exit_replays', 'replay_id'],
  crls: ['crls', 'crl_id'],
  audit_log: ['audit_log', 'audit_id'],
};

/**
 * {@link CaStoreTransfer} over the PostgreSQL schema (same tables and columns as SQLite's). Its snapshot is a
 * `REPEATABLE READ READ ONLY` transaction on one connection of the pool: every table read through it is as of the
 * transaction's first statement, while the CA goes on committing on the other connections.
 */
export function postgresTransfer(pool: Pool, schema: string): CaStoreTransfer {
  return {
    ..._reads(pool, schema),
    async importRows(table: CaStoreTable, rows: readonly CaStoreTransferRow[]) {
      const columns: readonly string[] = CA_STORE_TABLES[table];
      for (let start = 0; start < rows.length; start += _BATCH) {
        const chunk = rows.slice(start, start + _BATCH);
        const values: unknown[] = [];
        const tuples = chunk.map((row) => {
          const placeholders = columns.map((c) => {
            values.push(param(row[c] ?? null));
            return `$${values.length}`;
          });
          return `(${placeholders.join(', ')})`;
        });
        await pool.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
      }
    },
    async raiseSequences(values) {
      for (const name of CA_STORE_SEQUENCES) {
        const [table, column] = _IDENTITY[name];
        const seq = String((await pool.query(`SELECT ${_sequenceOf(schema, name)} AS seq`)).rows[0]!.seq);
        const current = await pool.query(
          `SELECT GREATEST((SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ${seq}),
                           (SELECT coalesce(max(${column}), 0) FROM ${table})) AS v`,
        );
        // The larger of what was handed out here (the rows copied in) and there: never lowered.
        const target = Math.max(values[name], Number(current.rows[0]?.v ?? 0));
        if (target > 0) await pool.query('SELECT setval($1::regclass, $2, true)', [seq, target]);
      }
    },
    async snapshot(work) {
      const client = await pool.connect();
      let done = false;
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const result = await work(_reads(client, schema));
        await client.query('COMMIT');
        done = true;
        return result;
      } finally {
        if (!done) await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    },
  };
}

/**
 * The reads of a transfer on the pool (each statement on its own) or on one client (in its transaction). The
 * counters are sequences, which no snapshot holds: read inside one, they are at least what it shows.
 */
function _reads(db: Pool | PoolClient, schema: string): CaStoreExport {
  return {
    async *exportRows(table) {
      const columns: readonly string[] = CA_STORE_TABLES[table];
      const keys = CA_STORE_TABLE_KEYS[table];
      const batch = table === 'crls' ? 1 : _BATCH;
      const order = keys.join(', ');
      let after: unknown[] | undefined;
      for (;;) {
        const where = after ? `WHERE (${order}) > (${keys.map((_, i) => `$${i + 1}`).join(', ')})` : '';
        const r = await db.query(
          `SELECT ${columns.join(', ')} FROM ${table} ${where} ORDER BY ${order} LIMIT ${batch}`,
          after ?? [],
        );
        if (r.rows.length === 0) return;
        yield r.rows.map((row) => {
          const out: CaStoreTransferRow = {};
          for (const c of columns) {
            const v = row[c];
            out[c] = v instanceof Uint8Array ? Uint8Array.from(v) : (v as CaStoreTransferRow[string]);
          }
          return out;
        });
        const last = r.rows.at(-1)!;
        after = keys.map((k) => last[k]);
        if (r.rows.length < batch) return;
      }
    },
    async count(table) {
      const r = await db.query(`SELECT count(*) AS n FROM ${table}`);
      return Number(r.rows[0]?.n ?? 0);
    },
    async sequences() {
      const out = {} as Record<CaStoreSequence, number>;
      for (const name of CA_STORE_SEQUENCES) {
        const r = await db.query(`SELECT ${_sequenceOf(schema, name)} AS seq`);
        const seq = String(r.rows[0]!.seq);
        const v = await db.query(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS v FROM ${seq}`);
        out[name] = Number(v.rows[0]?.v ?? 0);
      }
      return out;
    },
  };
}

/** The expression naming a counter's sequence. */
function _sequenceOf(schema: string, name: CaStoreSequence): string {
  const [table, column] = _IDENTITY[name];
  return `pg_get_serial_sequence('"${schema}".${table}', '${column}')`;
}
