import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What Python `cryptography` read from a certificate (see parse-certificate.py). */
export interface PythonCertificate {
  ok: boolean;
  error?: string;
  subject: string;
  subjectAttributes: Array<{ oid: string; value: string }>;
  issuer: string;
  serial: string;
  san: Array<{ type: string; value: string; oid?: string }>;
  extensions: Array<{ oid: string; critical: boolean }>;
  basicConstraints: { ca: boolean; pathLength: number | null } | null;
  key: { type: string; bits?: number; curve?: string };
  signatureHash: string | null;
  notAfter: string;
}

/** Debian's python3 (with python3-cryptography), never a pyenv shim. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'parse-certificate.py');

/**
 * Parses certificates (DER) with `openssl x509 -text` and Python `cryptography`, both strict parsers. Throws, naming
 * the certificate and the parser, when either refuses one.
 * @returns what each parser read: OpenSSL's text and cryptography's fields
 */
export function parseStrictly(ders: readonly Uint8Array[]): Array<{ openssl: string; python: PythonCertificate }> {
  if (ders.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'certexit-parse-'));
  try {
    const files = ders.map((der, i) => {
      const file = join(dir, `${i}.der`);
      writeFileSync(file, der);
      return file;
    });
    const python = spawnSync(PYTHON, [SCRIPT, ...files], { encoding: 'utf8' });
    if (python.status !== 0) throw new Error(`python3 cryptography failed: ${python.stderr}`);
    const parsed = python.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as PythonCertificate);
    return files.map((file, i) => {
      const openssl = spawnSync('openssl', ['x509', '-inform', 'DER', '-in', file, '-noout', '-text'], {
        encoding: 'utf8',
      });
      if (openssl.status !== 0) throw new Error(`openssl x509 -text refused certificate ${i}: ${openssl.stderr}`);
      const result = parsed[i]!;
      if (!result.ok) throw new Error(`python cryptography refused certificate ${i}: ${result.error}`);
      return { openssl: openssl.stdout, python: result };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl x509 -text` of one certificate (throws when OpenSSL cannot read it). */
export function opensslText(der: Uint8Array): string {
  return execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], { input: der, encoding: 'utf8' });
}
