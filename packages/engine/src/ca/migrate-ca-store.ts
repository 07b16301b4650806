import { existsSync, rmSync, statSync } from 'node:fs';
import type { CaStore } from '../store/ca-store';
import type { CaStoreSettings } from '../store/ca-store-settings';
import { redactConnection } from '../store/ca-store-settings';
import type { CaStoreTable, CaStoreTransfer } from '../store/ca-store-transfer';
import type { CaStoreCopy } from '../store/copy-ca-store';
import { copyCaStore } from '../store/copy-ca-store';
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

/** What {@link migrateCaStore} copied and checked (see {@link copyCaStore}). */
export interface CaStoreMigration extends CaStoreCopy {
  /** Where the CA's data was, and now is (no password). */
  from: string;
  to: string;
}

/**
 * Moves a CA's data to another store (`certexit store migrate`): opens the store the folder uses now and the target
 * (which must hold nothing: a fresh PostgreSQL schema, or no SQLite file with data), copies every table in batches
 * (requests, certificates, attributes, extensions, CA certificates, CRLs, exit events, the outbox, replays, the
 * idempotency records, the counters' floors) and the counters, then verifies (see {@link copyCaStore}): the same
 * number of rows in each table, the same SHA-256 over all certificates and over all CRLs. Only then it switches the folder's registry to the target
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
    const copy = await copyCaStore(_transfer(source), _transfer(to), {
      targetLocation: to.location,
      ...(options.onTable && { onTable: options.onTable }),
    });
    writeCaStoreSettings(ca.registry, ca.registryPath, target);
    return { from: source.location, to: to.location, ...copy };
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

function _same(a: CaStoreSettings, b: CaStoreSettings): boolean {
  if (a.kind.toLowerCase() !== b.kind.toLowerCase()) return false;
  if (a.kind.toLowerCase() === 'sqlite') return true;
  return a.connection === b.connection && (a.schema ?? 'certexit') === (b.schema ?? 'certexit');
}

/** A SQLite file that exists with more than an empty database in it. */
function _hasData(file: string): boolean {
  return existsSync(file) && statSync(file).size > 0;
}
