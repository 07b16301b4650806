import { createHash } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import type { CaStore } from '../store/ca-store';
import type { CaStoreSettings } from '../store/ca-store-settings';
import { redactConnection } from '../store/ca-store-settings';
import type { CaStoreTable, CaStoreTransfer } from '../store/ca-store-transfer';
import { CA_STORE_TABLES } from '../store/ca-store-transfer';
import type { PackageImporter } from '../store/open-ca-store';
import { openCaStore } from '../store/open-ca-store';
import { highWaterMarkFileOf } from '../store/sqlite-store';
import { writeCaStoreSettings } from './ca-store-registry';
import { openCaFolder } from './open-ca-folder';

/** Options of {@link migrateCaStore}. */
export interface MigrateCaStoreOptions {
  /** Imports the store packages (see `OpenCaOptions.importModule`). */
  importModule?: PackageImporter;
  /** Called after each table is copied. */
  onTable?: (table: CaStoreTable, rows: number) => void;
}

/** What {@link migrateCaStore} copied and checked. */
export interface CaStoreMigration {
  /** Where the CA's data was, and now is (no password). */
  from: string;
  to: string;
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
 * Moves a CA's data to another store (`certexit store migrate`): opens the store the folder uses now and the target
 * (which must hold nothing: a fresh PostgreSQL schema, or no SQLite file with data), copies every table in batches
 * (requests, certificates, attributes, extensions, CA certificates, CRLs, exit events, the outbox, replays, the
 * idempotency records, the counters' floors) and the counters, then verifies: the same number of rows in each table,
 * the same SHA-256 over all certificates and over all CRLs. Only then it switches the folder's registry to the target
 * (`DB*` values); the source is left as it was, for going back. The CA must not be running meanwhile.
 * @throws when the target is not empty, a copy does not verify (the registry is left unchanged then), or a store
 * cannot be opened
 */
export async function migrateCaStore(
  dir: string,
  target: CaStoreSettings,
  options: MigrateCaStoreOptions = {},
): Promise<CaStoreMigration> {
  const open = { importModule: options.importModule };
  const ca = await openCaFolder(dir, open);
  const copyMarks = `${highWaterMarkFileOf(ca.folder.database)}.migrating`;
  let to: CaStore | undefined;
  try {
    const source = ca.store;
    if (_same(ca.storeSettings, target)) throw new Error(`the CA is on ${source.location} already`);
    if (target.kind.toLowerCase() === 'sqlite' && _hasData(ca.folder.database)) {
      throw new Error(
        `${ca.folder.database} exists and holds data (the copy from before the CA left SQLite): move it aside first, ` +
          `e.g. mv ${ca.folder.database} ${ca.folder.database}.old (and its -wal and -shm files); nothing was changed`,
      );
    }
    // The target is empty: checked against the CA's high-water mark it would be refused as a database that went
    // back in time. It is checked against a mark of its own while it is filled; the CA's next start checks it against
    // the CA's (the counters copied are at or above it).
    to = await openCaStore(
      target,
      { database: ca.folder.database, highWaterMarkFile: copyMarks, caFolder: ca.folder.root },
      open,
    );
    const from = _transfer(source);
    const into = _transfer(to);
    for (const table of Object.keys(CA_STORE_TABLES) as CaStoreTable[]) {
      const held = await into.count(table);
      if (held > 0) {
        throw new Error(
          `the target ${to.location} is not empty (${table} holds ${held} row(s)): migrate into an empty database or schema; nothing was changed`,
        );
      }
    }
    const tables: CaStoreMigration['tables'] = [];
    for (const table of Object.keys(CA_STORE_TABLES) as CaStoreTable[]) {
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
    const certificates = await _digest(from, 'certificates', ['request_id', 'raw_certificate']);
    const crls = await _digest(from, 'crls', ['crl_id', 'raw']);
    if ((await _digest(into, 'certificates', ['request_id', 'raw_certificate'])) !== certificates)
      throw new Error('the copy does not verify: the certificates differ (SHA-256)');
    if ((await _digest(into, 'crls', ['crl_id', 'raw'])) !== crls)
      throw new Error('the copy does not verify: the CRLs differ (SHA-256)');
    writeCaStoreSettings(ca.registry, ca.registryPath, target);
    return {
      from: source.location,
      to: to.location,
      tables,
      certificatesSha256: certificates,
      crlsSha256: crls,
      sequences,
    };
  } catch (error) {
    if (error instanceof Error && target.connection)
      error.message = error.message.replaceAll(target.connection, redactConnection(target.connection));
    throw error;
  } finally {
    await to?.close();
    await ca.store.close();
    rmSync(copyMarks, { force: true });
  }
}

function _transfer(store: CaStore): CaStoreTransfer {
  if (!store.transfer) throw new Error(`the store ${store.location} cannot export or import its tables`);
  return store.transfer;
}

/** SHA-256 over the given columns of every row of a table, in key order. */
async function _digest(transfer: CaStoreTransfer, table: CaStoreTable, columns: readonly string[]): Promise<string> {
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

function _same(a: CaStoreSettings, b: CaStoreSettings): boolean {
  if (a.kind.toLowerCase() !== b.kind.toLowerCase()) return false;
  if (a.kind.toLowerCase() === 'sqlite') return true;
  return a.connection === b.connection && (a.schema ?? 'certexit') === (b.schema ?? 'certexit');
}

/** A SQLite file that exists with more than an empty database in it. */
function _hasData(file: string): boolean {
  return existsSync(file) && statSync(file).size > 0;
}
