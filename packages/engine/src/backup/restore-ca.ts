import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { REGVAL_ACTIVE } from '@certexit/core';
import { caRegistryPaths } from '../ca/ca-configuration-paths';
import { caFolder } from '../ca/ca-folder';
import { readCaStoreSettings, writeCaStoreSettings } from '../ca/ca-store-registry';
import { RegistryFile } from '../registry/registry-file';
import type { CaStoreSettings } from '../store/ca-store-settings';
import type { HighWaterMarks } from '../store/high-water-mark';
import { HighWaterMarkFile, marksBehind } from '../store/high-water-mark';
import { SQLITE_MIGRATIONS } from '../store/sqlite-migrations';
import { highWaterMarkFileOf, openSqliteStore } from '../store/sqlite-store';
import { describeCaDatabase } from './backup-ca';
import { backupMac, deriveBackupKeys, openBackupSecrets, sameMac } from './backup-encryption';
import type { BackupManifest, BackupSource } from './backup-manifest';
import {
  BACKUP_FORMAT,
  BACKUP_MANIFEST_FILE,
  BACKUP_SECRETS_FILE,
  manifestMacText,
  sha256File,
} from './backup-manifest';

/** Options of {@link restoreCa}. */
export interface RestoreCaOptions {
  readonly password: string;
  /** Restore over a folder that is not empty (its CA files are replaced; its high-water marks are kept). */
  readonly force?: boolean;
  /** Why the target CA may not be replaced now (a running `serve`), or `undefined`. */
  readonly runningCa?: (root: string) => string | undefined;
}

/** What {@link restoreCa} did. */
export interface RestoreCaResult {
  readonly folder: string;
  readonly manifest: BackupManifest;
  /**
   * The counters the folder had handed out beyond the backup (it was restored over itself, or over a newer copy):
   * they continue above them, so no RequestID, EventID or CRL number is used twice. Empty when the backup was newest.
   */
  readonly skipped: string[];
  /** The marks the restored CA continues after. */
  readonly highWaterMarks: HighWaterMarks;
  /** Where the backup's database was taken from (as its manifest says; absent in older backups of SQLite). */
  readonly source?: BackupSource;
  /**
   * The store the backed-up CA was on when it was not the embedded one (PostgreSQL): the restored folder runs on
   * the embedded store (its `DB*` values are removed), and `certexit store migrate --to` these settings, into an
   * empty schema, moves it back. `undefined` for a CA that was on the embedded store.
   */
  readonly previousStore?: CaStoreSettings;
}

/**
 * `certutil -restoredb`: puts a backup made by `backupCa` into a CA folder. Everything is checked before anything is
 * written: the manifest's format, every file's SHA-256, the manifest's HMAC (a wrong password or an edited manifest),
 * the sealed secrets (AES-GCM), the database's integrity and schema. Refused over a running CA and over a folder
 * that is not empty unless forced. Local publication paths under the backed-up folder move to the restore folder.
 * The restored database may be older than what the folder (or the backup's own marks) handed out: the high-water
 * marks keep the higher value and the database's counters are raised above them, as `database accept-rollback`
 * does, so a restored CA never reuses a RequestID, EventID or CRL number. A CA backed up from PostgreSQL is restored
 * onto the embedded store, never into a database directly: its registry's `DB*` values are removed (see
 * {@link RestoreCaResult.previousStore} for going back with `certexit store migrate`).
 */
export async function restoreCa(backupDir: string, dir: string, options: RestoreCaOptions): Promise<RestoreCaResult> {
  const from = caFolder(backupDir).root;
  const manifestFile = join(from, BACKUP_MANIFEST_FILE);
  if (!existsSync(manifestFile)) throw new Error(`${from} is not a certexit backup: it has no ${BACKUP_MANIFEST_FILE}`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest;
  } catch {
    throw new Error(`${manifestFile} is not valid JSON: the backup was altered`);
  }
  if (manifest?.format !== BACKUP_FORMAT || !Array.isArray(manifest.files) || typeof manifest.mac !== 'string')
    throw new Error(`${manifestFile} is not a ${BACKUP_FORMAT} manifest`);
  for (const entry of manifest.files) {
    if (typeof entry.path !== 'string' || isAbsolute(entry.path) || entry.path.split('/').includes('..'))
      throw new Error(`${manifestFile} names a file outside the backup (${JSON.stringify(entry.path)})`);
    const file = join(from, entry.path);
    if (!existsSync(file)) throw new Error(`the backup is incomplete: ${entry.path} is missing`);
    if (sha256File(file) !== entry.sha256)
      throw new Error(`the backup was altered: ${entry.path} does not match its SHA-256 in ${BACKUP_MANIFEST_FILE}`);
  }
  const keys = deriveBackupKeys(options.password, manifest.kdf);
  if (!sameMac(manifest.mac, _macOf(keys, manifest)))
    throw new Error(`wrong backup password (or ${BACKUP_MANIFEST_FILE} was altered): nothing was restored`);
  const sealed = openBackupSecrets(keys, readFileSync(join(from, BACKUP_SECRETS_FILE)), BACKUP_FORMAT);
  if (!sealed) throw new Error(`${BACKUP_SECRETS_FILE} cannot be decrypted with this password: nothing was restored`);
  const secrets = JSON.parse(sealed.toString('utf8')) as Record<string, string>;
  const snapshot = describeCaDatabase(join(from, 'certexit.db'));
  if (snapshot.schemaVersion > SQLITE_MIGRATIONS.length)
    throw new Error(
      `the backup's database is at schema version ${snapshot.schemaVersion}, newer than this certexit (${SQLITE_MIGRATIONS.length}); upgrade certexit`,
    );

  const target = caFolder(dir);
  const running = options.runningCa?.(target.root);
  if (running) throw new Error(`cannot restore over a running CA: ${running}; stop it first`);
  const present = existsSync(target.root) ? readdirSync(target.root) : [];
  if (present.length > 0 && !options.force)
    throw new Error(`${target.root} is not empty: restore into an empty folder, or --force to replace the CA in it`);

  // Replace the CA's files; keep its high-water marks (what it handed out after the backup stays used).
  mkdirSync(target.root, { recursive: true, mode: 0o700 });
  for (const name of present)
    if (
      [
        'certexit.db',
        'certexit.db-wal',
        'certexit.db-shm',
        'registry.json',
        'templates.json',
        'keys',
        'CertEnroll',
      ].includes(name) ||
      name.endsWith('.req')
    )
      rmSync(join(target.root, name), { recursive: true, force: true });
  const write = (path: string, data: Buffer) => {
    const file = join(target.root, path);
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(file, data, { mode: 0o600 });
  };
  for (const entry of manifest.files)
    if (entry.path !== BACKUP_SECRETS_FILE) write(entry.path, readFileSync(join(from, entry.path)));
  for (const [path, data] of Object.entries(secrets)) {
    if (isAbsolute(path) || path.split('/').includes('..')) throw new Error(`the backup names a bad path ${path}`);
    const bytes = Buffer.from(data, 'base64');
    write(path, path === 'registry.json' ? _movedRegistry(bytes, manifest.sourceFolder, target.root) : bytes);
  }

  const previousStore = _toEmbeddedStore(target.registry);

  const markFile = highWaterMarkFileOf(target.database);
  const opened = HighWaterMarkFile.open(markFile);
  const before = opened.stored;
  opened.file.raise(manifest.highWaterMarks);
  opened.file.close();
  const floor = {
    requestId: Math.max(manifest.highWaterMarks.requestId, before?.requestId ?? 0),
    eventId: Math.max(manifest.highWaterMarks.eventId, before?.eventId ?? 0),
    crlNumber: Math.max(manifest.highWaterMarks.crlNumber, before?.crlNumber ?? 0),
  };
  const skipped = marksBehind(snapshot.marks, floor);
  // Opening with acceptRollback raises the database's counters above the marks (and migrates an older schema).
  const store = openSqliteStore(target.database, { acceptRollback: true, backgroundCheckpoints: false });
  await store.close();
  return {
    folder: target.root,
    manifest,
    skipped,
    highWaterMarks: floor,
    ...(manifest.source && { source: manifest.source }),
    ...(previousStore && { previousStore }),
  };
}

/** Switches the restored CA's registry to the embedded store; answers the store it named before, if another. */
function _toEmbeddedStore(registryFile: string): CaStoreSettings | undefined {
  const registry = new RegistryFile(registryFile);
  const active = registry.getValue(`${caRegistryPaths.configuration}\\${REGVAL_ACTIVE}`);
  if (typeof active !== 'string') return undefined;
  const path = caRegistryPaths.ca(active);
  const settings = readCaStoreSettings(registry, path);
  if (settings.kind.toLowerCase() === 'sqlite') return undefined;
  writeCaStoreSettings(registry, path, { kind: 'sqlite' });
  return settings;
}

function _macOf(keys: ReturnType<typeof deriveBackupKeys>, manifest: BackupManifest): string {
  return backupMac(keys, manifestMacText(manifest));
}

/** The registry with every string under the backed-up folder moved to the restore folder. */
function _movedRegistry(bytes: Buffer, fromRoot: string, toRoot: string): Buffer {
  if (!fromRoot || fromRoot === toRoot) return bytes;
  const move = (v: unknown): unknown => {
    if (typeof v === 'string') return v.split(`${fromRoot}/`).join(`${toRoot}/`);
    if (Array.isArray(v)) return v.map(move);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, move(x)]));
    return v;
  };
  return Buffer.from(`${JSON.stringify(move(JSON.parse(bytes.toString('utf8'))), null, 2)}\n`);
}
