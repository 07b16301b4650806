import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DB_DISP_ISSUED, DB_DISP_REVOKED } from '@certexit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemas, readPostgresEnv, uniqueSchema } from '../../../../tooling/test/postgres-env';
import { opensslRequest } from '../../../../tooling/test/test-pki';
import { cliOnFolder } from '../support/run-cli-in-process';

const env = readPostgresEnv();
const work = mkdtempSync(join(tmpdir(), 'certexit-store-migrate-'));
const dir = join(work, 'ca');
const schema = uniqueSchema('migrate');
const target = `${env.url}?sslmode=verify-full`;
const targetOptions = ['--schema', schema, '--password-file', env.passwordFile, '--tls-ca', env.caFile];

afterAll(() => {
  dropSchemas([schema], env);
  rmSync(work, { recursive: true, force: true });
});

const { cli, json } = cliOnFolder(dir);

async function issue(name: string): Promise<{ requestId: number; serialNumber: string }> {
  const { csr } = opensslRequest(work, name);
  const outcome = await json<{ requestId: number; serialNumber: string; disposition: number }>(
    'submit',
    '--attrib',
    'CertificateTemplate:WebServer',
    csr,
  );
  expect(outcome.disposition).toBe(DB_DISP_ISSUED);
  return outcome;
}

/** SHA-256 over RequestID and DER of every certificate, as migrateCaStore computes it, read here independently. */
function sqliteCertificateDigest(file: string): string {
  const db = new DatabaseSync(file, { readOnly: true });
  const hash = createHash('sha256');
  for (const row of db.prepare('SELECT request_id, raw_certificate FROM certificates ORDER BY request_id').all()) {
    hash.update(String(row.request_id));
    hash.update('\u0000');
    hash.update(row.raw_certificate as Uint8Array);
    hash.update('\u0000');
  }
  db.close();
  return hash.digest('hex');
}

describe('certexit store migrate: SQLite to PostgreSQL and back, verified', () => {
  it('moves a CA holding requests, revocations, CRLs and outbox rows, runs on it, and goes back', async () => {
    expect((await cli('setup', '--name', 'Migrating CA', '--type', 'enterprise-root')).code).toBe(0);
    // WebServer takes the subject from the request: off a new CA's list until the administrator offers it.
    expect((await cli('catemplates', '+WebServer')).code).toBe(0);
    const issued = [];
    for (const name of ['one', 'two', 'three', 'four']) issued.push(await issue(name));
    expect((await cli('revoke', issued[1]!.serialNumber, 'KeyCompromise')).code).toBe(0);
    expect((await cli('revoke', issued[2]!.serialNumber, 'CertificateHold')).code).toBe(0);
    const crl = await json<{ crls: Array<{ crlNumber: number; isDelta: boolean }> }>('crl');
    const lastCrlNumber = Math.max(...crl.crls.map((c) => c.crlNumber));
    const before = await json<{ store: string; tables: Array<{ table: string; rows: number }> }>('store', 'show');
    expect(before.store).toBe('sqlite');
    const rows = Object.fromEntries(before.tables.map((t) => [t.table, t.rows]));
    expect(rows.requests).toBe(4);
    expect(rows.certificates).toBe(4);
    expect(rows.crls).toBeGreaterThanOrEqual(4);
    expect(rows.exit_outbox).toBeGreaterThan(0);
    expect(rows.exit_events).toBeGreaterThan(0);
    const digest = sqliteCertificateDigest(join(dir, 'certexit.db'));

    // Refused: a password in the URL, and nothing is changed.
    const leaky = await cli(
      'store',
      'migrate',
      '--to',
      target.replace('certexit@', 'certexit:secret@'),
      ...targetOptions,
    );
    expect(leaky.code).not.toBe(0);
    expect(leaky.err.join('\n')).toMatch(/holds a password/);
    expect(leaky.err.join('\n')).not.toContain('secret');
    expect((await json<{ store: string }>('store', 'show')).store).toBe('sqlite');

    const migrated = await json<{
      from: string;
      to: string;
      tables: Array<{ table: string; rows: number }>;
      certificatesSha256: string;
      crlsSha256: string;
    }>('store', 'migrate', '--to', target, ...targetOptions);
    expect(Object.fromEntries(migrated.tables.map((t) => [t.table, t.rows]))).toEqual(rows);
    expect(migrated.certificatesSha256).toBe(digest);
    expect(migrated.to).toContain(`schema ${schema}`);
    expect(migrated.to).toContain('TLS verify-full');
    // The registry names the store and the password file, never the password.
    const registry = readFileSync(join(dir, 'registry.json'), 'utf8');
    expect(registry).toContain('"DBStore": "postgres"');
    expect(registry).toContain(env.passwordFile);
    expect(registry).not.toContain(readFileSync(env.passwordFile, 'utf8').trim());

    // The CA runs on PostgreSQL: old rows are there, new ones continue after them.
    const shown = await json<{ store: string; tables: Array<{ table: string; rows: number }> }>('store', 'show');
    expect(shown.store).toBe('postgres');
    const view = await json<{ rows: Array<Record<string, unknown>> }>('view', '--out', 'RequestID,Disposition');
    expect(view.rows.map((r) => r.Disposition)).toEqual(
      expect.arrayContaining([DB_DISP_ISSUED, DB_DISP_REVOKED, DB_DISP_REVOKED, DB_DISP_ISSUED]),
    );
    const fifth = await issue('five');
    expect(fifth.requestId).toBeGreaterThan(Math.max(...issued.map((i) => i.requestId)));
    expect((await cli('revoke', issued[3]!.serialNumber, 'Superseded')).code).toBe(0);
    const next = await json<{ crls: Array<{ crlNumber: number; isDelta: boolean; files: string[] }> }>('crl');
    expect(Math.min(...next.crls.map((c) => c.crlNumber))).toBeGreaterThan(lastCrlNumber);
    // OpenSSL reads the new base CRL: the revocations made on SQLite and on PostgreSQL are both on it.
    const base = next.crls.find((c) => !c.isDelta)!.files[0]!;
    const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', base, '-noout', '-text'], {
      encoding: 'utf8',
    });
    for (const revoked of [issued[1]!, issued[2]!, issued[3]!])
      expect(text.toUpperCase()).toContain(revoked.serialNumber.toUpperCase());

    // A second migration to where the CA is already is refused.
    const occupied = await cli('store', 'migrate', '--to', target, ...targetOptions);
    expect(occupied.code).not.toBe(0);
    expect(occupied.err.join('\n')).toMatch(/the CA is on .* already/);

    // Going back: the old file is moved aside, the CA moves to a new certexit.db.
    const back = await cli('store', 'migrate', '--to', 'sqlite');
    expect(back.code).not.toBe(0);
    expect(back.err.join('\n')).toMatch(/move it aside/);
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        renameSync(join(dir, `certexit.db${suffix}`), join(work, `certexit.db${suffix}.before-postgres`));
      } catch {
        // No -wal or -shm left: nothing to move.
      }
    }
    const returned = await json<{ tables: Array<{ table: string; rows: number }>; certificatesSha256: string }>(
      'store',
      'migrate',
      '--to',
      'sqlite',
    );
    const returnedRows = Object.fromEntries(returned.tables.map((t) => [t.table, t.rows]));
    expect(returnedRows.requests).toBe(5);
    expect(returnedRows.certificates).toBe(5);
    expect(returned.certificatesSha256).toBe(sqliteCertificateDigest(join(dir, 'certexit.db')));
    expect((await json<{ store: string }>('store', 'show')).store).toBe('sqlite');
    const sixth = await issue('six');
    expect(sixth.requestId).toBeGreaterThan(fifth.requestId);
    // Back on SQLite, the schema it left still holds the CA's rows: a migration into it is refused, nothing changes.
    const full = await cli('store', 'migrate', '--to', target, ...targetOptions);
    expect(full.code).not.toBe(0);
    expect(full.err.join('\n')).toMatch(/is not empty \(\w+ holds \d+ row\(s\)\).*nothing was changed/);
    expect((await json<{ store: string }>('store', 'show')).store).toBe('sqlite');
    expect(readFileSync(join(dir, 'registry.json'), 'utf8')).not.toContain('DBStore');
  }, 120_000);
});
