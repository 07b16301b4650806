import type { CaStore } from './ca-store';
import type { CaStoreSettings } from './ca-store-settings';
import { caStorePackage, redactConnection } from './ca-store-settings';
import type { SqliteStoreOptions } from './sqlite-store';
import { openSqliteStore } from './sqlite-store';

/** Imports a package by name, resolving it from the app (the same importer exit modules are loaded with). */
export type PackageImporter = (specifier: string) => Promise<unknown>;

/** What the engine tells a store it opens. */
export interface CaStoreOpenContext {
  /** The CA folder (`--dir`), for messages. */
  readonly caFolder: string;
  /** The high-water-mark file in the CA folder (see `HighWaterMarkFile`): the store checks and raises it. */
  readonly highWaterMarkFile: string;
  /** The operator accepts a database that went back in time (`certexit database accept-rollback`). */
  readonly acceptRollback: boolean;
}

/**
 * What a store package exports so that a CA folder whose registry names it (`DBStore`) opens on it: the
 * contract between the engine and `@certexit/store-postgres` (or a third party's store, checked with
 * `checkCaStore`).
 */
export interface CaStorePackage {
  openCaStore(settings: CaStoreSettings, context: CaStoreOpenContext): Promise<CaStore>;
}

/** Options of {@link openCaStore}. */
export interface OpenCaStoreOptions extends SqliteStoreOptions {
  /** How the store's package is imported (`certexit` gives one resolving from the app). @default import() here */
  importModule?: PackageImporter;
}

/**
 * Opens the store a CA's settings name: the embedded SQLite file, or the store package's `openCaStore`. The engine
 * never imports a database client itself: `postgres` is `@certexit/store-postgres`, which an app that wants it
 * installs (and `certexit` resolves).
 */
export async function openCaStore(
  settings: CaStoreSettings,
  files: { database: string; highWaterMarkFile: string; caFolder: string },
  options: OpenCaStoreOptions = {},
): Promise<CaStore> {
  if (settings.kind.toLowerCase() === 'sqlite')
    return openSqliteStore(files.database, { ...options, highWaterMarkFile: files.highWaterMarkFile });
  const name = caStorePackage(settings.kind);
  if (!name) {
    throw new Error(
      `the CA's DBStore is "${settings.kind}": not a store this engine knows (sqlite, postgres) nor a package name`,
    );
  }
  let imported: unknown;
  try {
    imported = await (options.importModule ?? _import)(name);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
    throw new Error(
      missing
        ? `the CA's database is on ${settings.kind} (DBStore), whose store is the package ${name}: it is not installed where this program can load it; install it beside certexit (npm install ${name})`
        : `the store package ${name} could not be loaded: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const open = (imported as Partial<CaStorePackage> | undefined)?.openCaStore;
  if (typeof open !== 'function') throw new Error(`the store package ${name} does not export openCaStore()`);
  try {
    return await open(settings, {
      caFolder: files.caFolder,
      highWaterMarkFile: files.highWaterMarkFile,
      acceptRollback: options.acceptRollback === true,
    });
  } catch (error) {
    if (error instanceof Error && settings.connection && !error.message.includes('DB')) {
      error.message = `${error.message} (DBConnection ${redactConnection(settings.connection)})`;
    }
    throw error;
  }
}

function _import(specifier: string): Promise<unknown> {
  return import(specifier);
}
