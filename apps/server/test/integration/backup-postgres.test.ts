import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_ISSUED } from '@certexit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { derHashes } from '../../../../tooling/test/der-hashes';
import { dropSchemas, psql, readPostgresEnv, uniqueSchema } from '../../../../tooling/test/postgres-env';
import { openssl, opensslRequest } from '../../../../tooling/test/test-pki';
import { assertBuiltCli, BUILT_CLI } from '../support/served-ca';

const PASSWORD = 'pg backup password 1';
const env = readPostgresEnv();
const dbPassword = readFileSync(env.passwordFile, 'utf8').trim();
const schema = uniqueSchema('backup');
const returnSchema = uniqueSchema('backback');
const work = mkdtempSync(join(tmpdir(), 'certexit-backup-postgres-'));
const ca = join(work, 'ca');
const storeOptions = ['--password-file', env.passwordFile, '--tls-ca', env.caFile];
const url = `${env.url}?sslmode=verify-full`;

afterAll(() => {
  dropSchemas([schema, returnSchema], env);
  rmSync(work, { recursive: true, force: true });
});

/**
 * The built CLI in a process of its own, not waited for (other processes issue while a backup runs); `stdin` is what
 * --password-stdin reads.
 */
function cli(dir: string, args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BUILT_CLI, '--dir', dir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, out, err }));
    child.stdin.end(stdin);
  });
}

async function json<T = Record<string, unknown>>(dir: string, args: string[], stdin = ''): Promise<T> {
  const run = await cli(dir, ['--json', ...args], stdin);
  expect(run.code, run.err).toBe(0);
  return JSON.parse(run.out) as T;
}

async function issue(dir: string, name: string): Promise<{ requestId: number; serialNumber: string }> {
  const outcome = await json<{ requestId: number; serialNumber: string; disposition: number }>(dir, [
    'submit',
    '--attrib',
    'CertificateTemplate:WebServer',
    opensslRequest(work, name).csr,
    join(work, `${name}.pem`),
  ]);
  expect(outcome.disposition).toBe(DB_DISP_ISSUED);
  return outcome;
}

/** SHA-256 of each DER of a table in the CA's PostgreSQL schema, by key. */
function postgresHashes(sql: string): Map<number, string> {
  const text = psql(`SET search_path = "${schema}"; ${sql}`, env);
  return new Map(
    text
      .split('\n')
      .filter((l) => l.includes('|'))
      .map((l) => l.split('|') as [string, string])
      .map(([id, sha]) => [Number(id), sha]),
  );
}

describe('certexit backup of a CA on PostgreSQL, through the built CLI', () => {
  it('backs up while other processes issue, restores onto the embedded store, the restored CA issues and signs, and goes back', async () => {
    assertBuiltCli();
    const setup = await cli(ca, [
      'setup',
      '--name',
      'PG Backup CA',
      '--store',
      url,
      '--schema',
      schema,
      ...storeOptions,
    ]);
    expect(setup.code, setup.err).toBe(0);
    expect((await cli(ca, ['catemplates', '+WebServer'])).code).toBe(0);
    const issued = [];
    for (const name of ['one', 'two', 'three']) issued.push(await issue(ca, name));
    expect((await cli(ca, ['revoke', issued[1]!.serialNumber, 'KeyCompromise'])).code).toBe(0);
    expect((await cli(ca, ['crl'])).code).toBe(0);
    const before = await json<{ tables: Array<{ table: string; rows: number }> }>(ca, ['store', 'show']);
    expect(before.tables.find((t) => t.table === 'exit_outbox')?.rows).toBeGreaterThan(0);

    // Other processes go on issuing from the same schema while the backup runs.
    let stop = false;
    const load = (async () => {
      let n = 0;
      while (!stop) await issue(ca, `load-${n++}`);
      return n;
    })();
    await new Promise((r) => setTimeout(r, 500));
    const backup = join(work, 'backup');
    const made = await cli(ca, ['backup', backup, '--password-stdin'], `${PASSWORD}\n`);
    stop = true;
    expect(await load).toBeGreaterThan(0);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toMatch(
      /^Backed up "PG Backup CA" to .*backup: \d+ request\(s\), \d+ certificate\(s\), \d+ CRL\(s\)$/m,
    );
    expect(made.out).toContain(
      `Database: one snapshot of postgres://certexit@localhost:${env.port}/postgres (schema ${schema}, TLS verify-full), exported into certexit.db and verified`,
    );
    // The database password is nowhere: not in the output, not in any file of the backup (the registry names its file).
    expect(made.out + made.err).not.toContain(dbPassword);
    for (const name of readdirSync(backup, { recursive: true }).map(String))
      if (statSync(join(backup, name)).isFile())
        expect(readFileSync(join(backup, name)).includes(dbPassword), name).toBe(false);
    const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8'));
    expect(manifest.source).toEqual({
      kind: 'postgres',
      location: `postgres://certexit@localhost:${env.port}/postgres (schema ${schema}, TLS verify-full)`,
    });

    // Every certificate and CRL of the snapshot, byte for byte as PostgreSQL holds it.
    const copyFile = join(backup, 'certexit.db');
    const certificates = derHashes(copyFile, 'SELECT request_id AS id, raw_certificate AS der FROM certificates');
    expect(certificates.size).toBe(manifest.counts.certificates);
    const inPostgres = postgresHashes(
      "SELECT request_id, encode(sha256(raw_certificate), 'hex') FROM certificates ORDER BY request_id",
    );
    for (const [id, sha] of certificates) expect(inPostgres.get(id), `RequestID ${id}`).toBe(sha);
    const crls = derHashes(copyFile, 'SELECT crl_id AS id, raw AS der FROM crls');
    expect(crls.size).toBe(manifest.counts.crls);
    const crlsInPostgres = postgresHashes("SELECT crl_id, encode(sha256(raw), 'hex') FROM crls ORDER BY crl_id");
    for (const [id, sha] of crls) expect(crlsInPostgres.get(id), `CRL row ${id}`).toBe(sha);

    // A wrong password and an altered file are refused.
    const copy = join(work, 'copy');
    const wrong = await cli(copy, ['restore', backup, '--password-stdin'], 'not the password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/wrong backup password/);
    const altered = join(work, 'altered');
    cpSync(backup, altered, { recursive: true });
    const db = readFileSync(join(altered, 'certexit.db'));
    db.writeUInt8(db.readUInt8(db.length - 100) ^ 0xff, db.length - 100);
    writeFileSync(join(altered, 'certexit.db'), db);
    const tampered = await cli(join(work, 'tampered'), ['restore', altered, '--password-stdin'], `${PASSWORD}\n`);
    expect(tampered.code).toBe(1);
    expect(tampered.err).toMatch(/altered: certexit\.db does not match its SHA-256/);

    // Restored onto the embedded store, said so, with the command that goes back.
    const restored = await cli(copy, ['restore', backup, '--password-stdin'], `${PASSWORD}\n`);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toContain(
      `The CA was on ${manifest.source.location}: it is restored onto the embedded store (certexit.db in ${copy}).`,
    );
    const back = `certexit --dir ${copy} store migrate --to '${url}' --schema ${schema} --password-file ${env.passwordFile} --tls-ca ${env.caFile}`;
    expect(restored.out).toContain(`To move it back (into an empty schema; the CA stopped): ${back}`);
    expect(restored.out + restored.err).not.toContain(dbPassword);
    expect((await json<{ store: string }>(copy, ['store', 'show'])).store).toBe('sqlite');
    expect(readFileSync(join(copy, 'registry.json'), 'utf8')).not.toContain('DBStore');

    // The restored CA issues above the backup's marks, and its key signs a CRL OpenSSL checks the revocation with.
    const after = await issue(copy, 'after');
    expect(after.requestId).toBe(manifest.highWaterMarks.requestId + 1);
    expect((await cli(copy, ['crl'])).code).toBe(0);
    const caPem = join(work, 'ca.pem');
    writeFileSync(
      caPem,
      openssl(['x509', '-inform', 'DER', '-in', join(copy, 'CertEnroll', 'localhost_PG Backup CA.crt')]).stdout,
    );
    const crlPem = join(work, 'copy.crl.pem');
    writeFileSync(
      crlPem,
      openssl(['crl', '-inform', 'DER', '-in', join(copy, 'CertEnroll', 'PG Backup CA.crl')]).stdout,
    );
    const verify = (name: string) =>
      openssl(['verify', '-crl_check', '-CAfile', caPem, '-CRLfile', crlPem, join(work, `${name}.pem`)]);
    expect(verify('after').status, verify('after').output).toBe(0);
    expect(verify('one').status).toBe(0);
    expect(verify('two').output).toMatch(/certificate revoked/);

    // Going back: the schema the backup came from still holds the CA (refused), a new one takes it.
    const occupied = await cli(copy, ['store', 'migrate', '--to', url, '--schema', schema, ...storeOptions]);
    expect(occupied.err).toMatch(/is not empty .*nothing was changed/);
    const moved = await json<{ to: string }>(copy, [
      'store',
      'migrate',
      '--to',
      url,
      '--schema',
      returnSchema,
      ...storeOptions,
    ]);
    expect(moved.to).toContain(`schema ${returnSchema}`);
    expect((await issue(copy, 'back-on-postgres')).requestId).toBe(after.requestId + 1);
  }, 240_000);
});
