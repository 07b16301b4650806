import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HighWaterMarks } from '../store/high-water-mark';
import type { BackupKdf } from './backup-encryption';

/** The format tag of a certexit backup folder. */
export const BACKUP_FORMAT = 'certexit-backup/1';

/** The file of a backup folder that lists and authenticates the others. */
export const BACKUP_MANIFEST_FILE = 'manifest.json';

/** The encrypted file: the CA keys and the registry (it may hold module credentials). */
export const BACKUP_SECRETS_FILE = 'secrets.enc';

/** One file of a backup, by its path in the backup folder (always `/`-separated). */
export interface BackupFileEntry {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Where a backup's database was taken from. */
export interface BackupSource {
  /** The store: `sqlite` (the CA folder's `certexit.db`) or `postgres`. */
  readonly kind: string;
  /** The file, or the database server, database and schema: never a password. */
  readonly location: string;
}

/** `manifest.json`: what the backup holds, where it came from, and a MAC over all of it made with the password. */
export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly createdAt: string;
  readonly certexitVersion?: string;
  /** The CA: `CommonName` and `%3`. */
  readonly ca: { readonly commonName: string; readonly sanitizedName: string };
  /** The CA folder it was taken from: local publication paths under it are moved to the restore folder. */
  readonly sourceFolder: string;
  /**
   * The store the database was exported from (absent in backups of the embedded store made before it was recorded).
   * A backup always holds a SQLite `certexit.db`; a CA from another store is restored onto the embedded store.
   */
  readonly source?: BackupSource;
  readonly schemaVersion: number;
  /** The CA's high-water marks when the backup was taken (never below what the backed-up database holds). */
  readonly highWaterMarks: HighWaterMarks;
  /** What the backed-up database holds. */
  readonly counts: { readonly requests: number; readonly certificates: number; readonly crls: number };
  readonly kdf: BackupKdf;
  readonly cipher: 'aes-256-gcm';
  /** Every file but the manifest, with its SHA-256; the secrets file among them. */
  readonly files: readonly BackupFileEntry[];
  /** The paths inside the encrypted file (`registry.json`, `keys/ca-key-0.pem`, …). */
  readonly secretPaths: readonly string[];
  /** HMAC-SHA-256 (key derived from the password) of the manifest's canonical text without this field. */
  readonly mac: string;
}

/** The text the MAC covers: the manifest without `mac`, keys in the order written. */
export function manifestMacText(manifest: Omit<BackupManifest, 'mac'> & { mac?: string }): string {
  const { mac: _mac, ...rest } = manifest;
  return JSON.stringify(rest);
}

/** SHA-256 of a file, hex. */
export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
