import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * The key derivation of a backup: scrypt (memory-hard, in node:crypto), N = 2^17, r = 8, p = 1 (128 MiB, about
 * half a second): a stolen backup's password costs as much to guess on a GPU as the OWASP baseline asks.
 */
export interface BackupKdf {
  readonly name: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  /** Base64, 16 random bytes. */
  readonly salt: string;
}

/** What the password yields: a key for AES-256-GCM (the secrets) and one for HMAC-SHA-256 (the manifest). */
export interface BackupKeys {
  readonly encryption: Buffer;
  readonly authentication: Buffer;
}

/** New KDF parameters with a fresh salt. */
export function newBackupKdf(): BackupKdf {
  return { name: 'scrypt', N: 2 ** 17, r: 8, p: 1, salt: randomBytes(16).toString('base64') };
}

/** Derives the two keys from the password; refuses parameters outside what certexit writes (a planted manifest). */
export function deriveBackupKeys(password: string, kdf: BackupKdf): BackupKeys {
  if (kdf.name !== 'scrypt' || kdf.N < 2 ** 14 || kdf.N > 2 ** 20 || kdf.r !== 8 || kdf.p < 1 || kdf.p > 4)
    throw new Error('the backup manifest names key-derivation parameters certexit does not use');
  const derived = scryptSync(Buffer.from(password, 'utf8'), Buffer.from(kdf.salt, 'base64'), 64, {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    maxmem: 256 * 2 ** 20 * kdf.p,
  });
  return { encryption: derived.subarray(0, 32), authentication: derived.subarray(32) };
}

/** AES-256-GCM: 12-byte IV, then the 16-byte tag, then the ciphertext; `aad` binds it to its manifest. */
export function sealBackupSecrets(keys: BackupKeys, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Opens what {@link sealBackupSecrets} sealed; `undefined` when the key is wrong or a byte changed. */
export function openBackupSecrets(keys: BackupKeys, sealed: Buffer, aad: string): Buffer | undefined {
  if (sealed.length < 28) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', keys.encryption, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** HMAC-SHA-256 of `text`, hex. */
export function backupMac(keys: BackupKeys, text: string): string {
  return createHmac('sha256', keys.authentication).update(text, 'utf8').digest('hex');
}

/** Compares two hex MACs in constant time. */
export function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
