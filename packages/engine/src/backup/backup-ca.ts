import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { REGVAL_ACTIVE } from '@certexit/core';
import { caRegistryPaths } from '../ca/ca-configuration-paths';
import type { CaFolder } from '../ca/ca-folder';
import { caFolder } from '../ca/ca-folder';
import { readCaStoreSettings } from '../ca/ca-store-registry';
import { RegistryFile } from '../registry/registry-file';
import type { CaStoreSettings } from '../store/ca-store-settings';
import { redactConnection } from '../store/ca-store-settings';
import type { CaStoreCopy } from '../store/copy-ca-store';
import { HighWaterMarkFile } from '../store/high-water-mark';
import type { PackageImporter } from '../store/open-ca-store';
import { openCaStore } from '../store/open-ca-store';
import { highWaterMarkFileOf } from '../store/sqlite-store';
import { backupMac, deriveBackupKeys, newBackupKdf, sealBackupSecrets } from './backup-encryption';
import type { BackupFileEntry, BackupManifest, BackupSource } from './backup-manifest';
import {
  BACKUP_FORMAT,
  BACKUP_MANIFEST_FILE,
  BACKUP_SECRETS_FILE,
  manifestMacText,
  sha256File,
} from './backup-manifest';
import { exportCaDatabase } from './export-ca-database';
import { vacuumInto } from './vacuum-into';

/** Options of {@link backupCa}. */
export interface BackupCaOptions {
  /** Encrypts the CA keys and the registry; at least 8 characters. */
  readonly password: string;
  /** Write into a folder that is not empty (its backup files are replaced). @default false */
  readonly force?: boolean;
  /** Recorded in the manifest. */
  readonly certexitVersion?: string;
  /** Imports the store's package when the CA is on a database server (see `OpenCaOptions.importModule`). */
  readonly importModule?: PackageImporter;
}

/** What {@link backupCa} wrote. */
export interface BackupCaResult {
  readonly folder: string;
  readonly manifest: BackupManifest;
  /**
   * For a CA on a database server: what was exported from its snapshot and verified in the copy (rows per table,
   * SHA-256 of the certificates and of the CRLs). The embedded store's copy is SQLite's own (`VACUUM INTO`).
   */
  readonly exported?: CaStoreCopy;
}

/** The shortest password a backup accepts. */
export const BACKUP_MIN_PASSWORD = 8;

/**
 * `certutil -backup`: an online, consistent copy of a CA folder, safe while `serve` runs and issues. The embedded
 * store's database is copied by `VACUUM INTO` on a connection of its own: one read transaction, so the copy is the
 * database as of one commit (WAL lets the server go on writing meanwhile), compacted and without a log. A CA on a
 * database server (PostgreSQL) is exported from one snapshot of its store into a `certexit.db` of the same format,
 * verified (see {@link exportCaDatabase}); the manifest names where it came from, without a password. The
 * high-water marks are read after the copy, so they are never below what it holds. The CA keys and the registry
 * (module credentials live there; a database password never does) are encrypted with a key derived from the password (scrypt, AES-256-GCM); the templates, the
 * published files and any subordinate request are copied as they are. `manifest.json` lists every file with its
 * SHA-256 and carries an HMAC made with the password, so a restore notices any change and a wrong password.
 */
export async function backupCa(dir: string, target: string, options: BackupCaOptions): Promise<BackupCaResult> {
  if (options.password.length < BACKUP_MIN_PASSWORD)
    throw new Error(`a backup password has at least ${BACKUP_MIN_PASSWORD} characters`);
  const source = caFolder(dir);
  if (!existsSync(source.registry)) throw new Error(`${source.root} holds no CA (no registry.json)`);
  const lookup = new RegistryFile(source.registry);
  const sanitizedName = String(lookup.getValue(`${caRegistryPaths.configuration}\\${REGVAL_ACTIVE}`) ?? '');
  const commonName = String(lookup.getValue(`${caRegistryPaths.ca(sanitizedName)}\\CommonName`) ?? sanitizedName);
  const settings = readCaStoreSettings(lookup, caRegistryPaths.ca(sanitizedName));
  if (settings.kind.toLowerCase() === 'sqlite' && !existsSync(source.database))
    throw new Error(`${source.root} holds no CA database (no certexit.db, and the registry names no other store)`);
  const out = caFolder(target).root;
  if (out === source.root || out.startsWith(`${source.root}${sep}`))
    throw new Error(`the backup folder ${out} is inside the CA folder ${source.root}: choose a folder outside it`);
  if (existsSync(out) && readdirSync(out).length > 0 && !options.force)
    throw new Error(`${out} is not empty: choose an empty folder, or --force to replace the backup in it`);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  chmodSync(out, 0o700);
  for (const name of [BACKUP_MANIFEST_FILE, BACKUP_SECRETS_FILE, 'certexit.db', 'templates.json', 'CertEnroll'])
    rmSync(join(out, name), { recursive: true, force: true });

  // The database, as of one commit.
  const copy = join(out, 'certexit.db');
  const { from, exported } = await _copyDatabase(source, settings, copy, options.importModule);
  chmodSync(copy, 0o600);
  const marksFile = HighWaterMarkFile.open(highWaterMarkFileOf(source.database));
  marksFile.file.close();
  const snapshot = describeCaDatabase(copy);
  const highWaterMarks = {
    requestId: Math.max(snapshot.marks.requestId, marksFile.stored?.requestId ?? 0),
    eventId: Math.max(snapshot.marks.eventId, marksFile.stored?.eventId ?? 0),
    crlNumber: Math.max(snapshot.marks.crlNumber, marksFile.stored?.crlNumber ?? 0),
  };

  // The secrets: the registry and every CA key, in one sealed file.
  const secrets: Record<string, string> = {
    'registry.json': readFileSync(source.registry).toString('base64'),
  };
  if (existsSync(source.keys))
    for (const name of readdirSync(source.keys).sort())
      secrets[`keys/${name}`] = readFileSync(join(source.keys, name)).toString('base64');

  // Public or plain files: templates, published certificates and CRLs, subordinate requests.
  const plain: string[] = [];
  const copyPlain = (from: string, to: string) => {
    mkdirSync(join(out, to, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(join(out, to), readFileSync(from), { mode: 0o600 });
    plain.push(to);
  };
  if (existsSync(source.templates)) copyPlain(source.templates, 'templates.json');
  if (existsSync(source.certEnroll))
    for (const name of readdirSync(source.certEnroll).sort())
      if (statSync(join(source.certEnroll, name)).isFile())
        copyPlain(join(source.certEnroll, name), `CertEnroll/${name}`);
  for (const name of readdirSync(source.root).sort())
    if (name.endsWith('.req') && statSync(join(source.root, name)).isFile()) copyPlain(join(source.root, name), name);

  const kdf = newBackupKdf();
  const keys = deriveBackupKeys(options.password, kdf);
  const secretPaths = Object.keys(secrets);
  writeFileSync(
    join(out, BACKUP_SECRETS_FILE),
    sealBackupSecrets(keys, Buffer.from(JSON.stringify(secrets)), BACKUP_FORMAT),
    { mode: 0o600 },
  );
  const files: BackupFileEntry[] = ['certexit.db', BACKUP_SECRETS_FILE, ...plain].map((path) => ({
    path,
    bytes: statSync(join(out, path)).size,
    sha256: sha256File(join(out, path)),
  }));
  const unsigned: Omit<BackupManifest, 'mac'> = {
    format: BACKUP_FORMAT,
    createdAt: new Date().toISOString(),
    ...(options.certexitVersion && { certexitVersion: options.certexitVersion }),
    ca: { commonName, sanitizedName },
    sourceFolder: source.root,
    source: from,
    schemaVersion: snapshot.schemaVersion,
    highWaterMarks,
    counts: snapshot.counts,
    kdf,
    cipher: 'aes-256-gcm',
    files,
    secretPaths,
  };
  const manifest: BackupManifest = { ...unsigned, mac: backupMac(keys, manifestMacText(unsigned)) };
  writeFileSync(join(out, BACKUP_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return { folder: out, manifest, ...(exported && { exported }) };
}

/** What a database file holds: its schema version, counters and row counts; checks its integrity. */
export function describeCaDatabase(file: string): {
  schemaVersion: number;
  marks: { requestId: number; eventId: number; crlNumber: number };
  counts: { requests: number; certificates: number; crls: number };
} {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const integrity = String(db.prepare('PRAGMA integrity_check').get()?.integrity_check ?? '');
    if (integrity !== 'ok') throw new Error(`${file} is damaged: ${integrity}`);
    const count = (sql: string) => Number(Object.values(db.prepare(sql).get() ?? {})[0] ?? 0);
    const sequence = (name: string) =>
      Number(db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(name)?.seq ?? 0);
    const hasCounters = count(`SELECT count(*) FROM sqlite_master WHERE name = 'ca_counters'`) > 0;
    const floor = hasCounters ? count(`SELECT COALESCE(MAX(floor), 0) FROM ca_counters WHERE name = 'crl_number'`) : 0;
    return {
      schemaVersion: count('PRAGMA user_version'),
      marks: {
        requestId: sequence('requests'),
        eventId: sequence('exit_events'),
        crlNumber: Math.max(count('SELECT COALESCE(MAX(crl_number), 0) FROM crls'), floor),
      },
      counts: {
        requests: count('SELECT count(*) FROM requests'),
        certificates: count('SELECT count(*) FROM certificates'),
        crls: count('SELECT count(*) FROM crls'),
      },
    };
  } finally {
    db.close();
  }
}

/** Copies the CA's database into `copy`: SQLite's `VACUUM INTO`, or a verified export of a server store's snapshot. */
async function _copyDatabase(
  source: CaFolder,
  settings: CaStoreSettings,
  copy: string,
  importModule: PackageImporter | undefined,
): Promise<{ from: BackupSource; exported?: CaStoreCopy }> {
  if (settings.kind.toLowerCase() === 'sqlite') {
    await vacuumInto(source.database, copy);
    return { from: { kind: 'sqlite', location: source.database } };
  }
  const store = await openCaStore(
    settings,
    { database: source.database, highWaterMarkFile: highWaterMarkFileOf(source.database), caFolder: source.root },
    { ...(importModule && { importModule }) },
  );
  try {
    const exported = await exportCaDatabase(store, copy);
    return { from: { kind: store.kind, location: redactConnection(store.location) }, exported };
  } finally {
    await store.close();
  }
}
