import { createHash } from 'node:crypto';
import type { CaStoreExport, CaStoreTable, CaStoreTransfer } from './ca-store-transfer';
import { CA_STORE_TABLES } from './ca-store-transfer';

/** Options of {@link copyCaStore}. */
export interface CopyCaStoreOptions {
  /** The target's location, for messages (no password). */
  readonly targetLocation: string;
  /** Called after each table is copied. */
  readonly onTable?: (table: CaStoreTable, rows: number) => void;
}

/** What {@link copyCaStore} copied and verified. */
export interface CaStoreCopy {
  /** Rows per table, the same in both stores. */
  tables: Array<{ table: CaStoreTable; rows: number }>;
  /** SHA-256 over every certificate (RequestID and DER, in RequestID order), the same in both stores. */
  certificatesSha256: string;
  /** SHA-256 over every CRL (row id and DER, in order), the same in both stores. */
  crlsSha256: string;
  /** The counters carried over: the last RequestID, EventID, outbox id, replay id and CRL row id handed out. */
  sequences: Record<string, number>;
}

/**
 * Copies a CA's data from one store into another that holds nothing, and verifies the copy: what `store migrate`
 * and the backup of a CA on a database server both do. Every table in batches, parents first, then the counters;
 * then the same number of rows in each table on both sides, and the same SHA-256 over all certificates and over all
 * CRLs. `from` is a store that does not change meanwhile: a stopped CA's, or one snapshot of a running one.
 * @throws when the target is not empty, or the copy does not verify
 */
export async function copyCaStore(
  from: CaStoreExport,
  into: CaStoreTransfer,
  options: CopyCaStoreOptions,
): Promise<CaStoreCopy> {
  const names = Object.keys(CA_STORE_TABLES) as CaStoreTable[];
  for (const table of names) {
    const held = await into.count(table);
    if (held > 0) {
      throw new Error(
        `the target ${options.targetLocation} is not empty (${table} holds ${held} row(s)): migrate into an empty database or schema; nothing was changed`,
      );
    }
  }
  const tables: CaStoreCopy['tables'] = [];
  for (const table of names) {
    let rows = 0;
    for await (const batch of from.exportRows(table)) {
      await into.importRows(table, batch);
      rows += batch.length;
    }
    tables.push({ table, rows });
    options.onTable?.(table, rows);
  }
  const sequences = await from.sequences();
  await into.raiseSequences(sequences);
  // Verify: rows per table, and what matters most byte for byte.
  for (const { table, rows } of tables) {
    const copied = await into.count(table);
    if (copied !== rows || (await from.count(table)) !== rows)
      throw new Error(`the copy does not verify: ${table} has ${rows} row(s) in the source, ${copied} in the target`);
  }
  const certificatesSha256 = await _digest(from, 'certificates', ['request_id', 'raw_certificate']);
  const crlsSha256 = await _digest(from, 'crls', ['crl_id', 'raw']);
  if ((await _digest(into, 'certificates', ['request_id', 'raw_certificate'])) !== certificatesSha256)
    throw new Error('the copy does not verify: the certificates differ (SHA-256)');
  if ((await _digest(into, 'crls', ['crl_id', 'raw'])) !== crlsSha256)
    throw new Error('the copy does not verify: the CRLs differ (SHA-256)');
  return { tables, certificatesSha256, crlsSha256, sequences };
}

/** SHA-256 over the given columns of every row of a table, in key order. */
async function _digest(transfer: CaStoreExport, table: CaStoreTable, columns: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for await (const batch of transfer.exportRows(table)) {
    for (const row of batch) {
      for (const column of columns) {
        const value = row[column];
        hash.update(value instanceof Uint8Array ? value : String(value ?? ''));
        hash.update('\u0000');
      }
    }
  }
  return hash.digest('hex');
}
