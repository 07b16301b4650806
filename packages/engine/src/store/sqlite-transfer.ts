import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { CaStoreSequence, CaStoreTable, CaStoreTransfer, CaStoreTransferRow } from './ca-store-transfer';
import { CA_STORE_SEQUENCES, CA_STORE_TABLE_KEYS, CA_STORE_TABLES } from './ca-store-transfer';

/** Rows per exported batch; a CRL (which may be tens of megabytes) goes alone. */
const _BATCH = 500;
/** CRLs larger than this are kept in parts of this size (as `addCrl` does). */
const _CRL_PART = 1 << 20;

/** {@link CaStoreTransfer} over the SQLite schema (see sqlite-migrations.ts). */
export function sqliteTransfer(options: {
  db: DatabaseSync;
  prepare: (sql: string) => StatementSync;
  /** Runs a synchronous write in the store's group commit. */
  bookkeeping: <T>(work: () => T) => Promise<T>;
  /** Makes the outbox rows of the events past the cursor (so that the export holds every notification). */
  materialize: () => Promise<void>;
}): CaStoreTransfer {
  const { prepare, bookkeeping } = options;
  const readCrl = (row: Record<string, unknown>): Uint8Array => {
    if (Number(row.raw_parts ?? 0) === 0) return row.raw as Uint8Array;
    const parts = prepare('SELECT bytes FROM crl_parts WHERE crl_id = ? ORDER BY seq')
      .all(Number(row.crl_id))
      .map((p) => p.bytes as Uint8Array);
    return Buffer.concat(parts);
  };
  return {
    async *exportRows(table) {
      if (table === 'exit_outbox') await options.materialize();
      const columns: readonly string[] = CA_STORE_TABLES[table];
      const keys = CA_STORE_TABLE_KEYS[table];
      const selected = table === 'crls' ? [...columns, 'raw_parts'] : columns;
      const batch = table === 'crls' ? 1 : _BATCH;
      const order = keys.join(', ');
      const first = prepare(`SELECT ${selected.join(', ')} FROM ${table} ORDER BY ${order} LIMIT ${batch}`);
      const next = prepare(
        `SELECT ${selected.join(', ')} FROM ${table} WHERE (${order}) > (${keys.map(() => '?').join(', ')})
          ORDER BY ${order} LIMIT ${batch}`,
      );
      let after: SQLInputValue[] | undefined;
      for (;;) {
        const rows = after ? next.all(...after) : first.all();
        if (rows.length === 0) return;
        yield rows.map((r) => {
          const row: CaStoreTransferRow = {};
          for (const c of columns) row[c] = (table === 'crls' && c === 'raw' ? readCrl(r) : r[c]) as never;
          return row;
        });
        const last = rows.at(-1)!;
        after = keys.map((k) => last[k] as SQLInputValue);
        if (rows.length < batch) return;
      }
    },
    importRows(table, rows) {
      return bookkeeping(() => {
        const columns: readonly string[] = CA_STORE_TABLES[table];
        if (table === 'crls') {
          const insert = prepare(
            `INSERT INTO crls (${columns.join(', ')}, raw_parts) VALUES (${columns.map(() => '?').join(', ')}, ?)`,
          );
          const part = prepare('INSERT INTO crl_parts (crl_id, seq, bytes) VALUES (?, ?, ?)');
          for (const row of rows) {
            const raw = row.raw as Uint8Array;
            const parts = raw.length > _CRL_PART ? Math.ceil(raw.length / _CRL_PART) : 0;
            insert.run(...columns.map((c) => (c === 'raw' && parts > 0 ? new Uint8Array() : row[c]!)), parts);
            for (let seq = 0; seq < parts; seq++)
              part.run(row.crl_id as number, seq, raw.subarray(seq * _CRL_PART, (seq + 1) * _CRL_PART));
          }
          return;
        }
        const insert = prepare(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        for (const row of rows) insert.run(...columns.map((c) => row[c] ?? null));
        // Imported events come with their outbox rows (the source made them all): none is left to make.
        if (table === 'exit_events')
          prepare(
            'UPDATE exit_outbox_cursor SET last_event_id = MAX(last_event_id, (SELECT IFNULL(MAX(event_id), 0) FROM exit_events)) WHERE id = 1',
          ).run();
      });
    },
    async count(table: CaStoreTable) {
      return Number(prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? 0);
    },
    async sequences() {
      const found = new Map(
        prepare('SELECT name, seq FROM sqlite_sequence')
          .all()
          .map((r) => [String(r.name), Number(r.seq)] as const),
      );
      return Object.fromEntries(CA_STORE_SEQUENCES.map((name) => [name, found.get(name) ?? 0])) as Record<
        CaStoreSequence,
        number
      >;
    },
    raiseSequences(values) {
      return bookkeeping(() => {
        for (const name of CA_STORE_SEQUENCES) {
          const value = values[name];
          const updated = prepare('UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?').run(value, name);
          if (Number(updated.changes) === 0)
            prepare('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)').run(name, value);
        }
      });
    },
  };
}
