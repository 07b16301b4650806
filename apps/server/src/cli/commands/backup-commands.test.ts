import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_ISSUED } from '@certexit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../../../packages/engine/test/support/ca-fixtures';
import { openssl, opensslRequest } from '../../../../../tooling/test/test-pki';
import { runCliInProcess } from '../../../test/support/run-cli-in-process';

const folders = tempFolders();
afterEach(() => folders.removeAll());
const PASSWORD = 'backup password 1';

/** Runs the CLI on a folder; `stdin` is what --password-stdin reads. */
const cli = (dir: string, args: string[], stdin = `${PASSWORD}\n`) => runCliInProcess(dir, args, stdin);

describe('certexit backup / restore', () => {
  it('restores to an identical CA that issues and publishes a CRL OpenSSL verifies; refuses what it must', {
    timeout: 120_000,
  }, async () => {
    const work = folders.make('certexit-cli-backup-');
    const ca = join(work, 'ca');
    expect((await cli(ca, ['setup', '--name', 'Backup CLI CA'])).code).toBe(0);
    expect((await cli(ca, ['catemplates', '+WebServer'])).code).toBe(0);
    const submit = async (dir: string, name: string) => {
      const r = await cli(dir, [
        '--json',
        'submit',
        '--attrib',
        'CertificateTemplate:WebServer',
        opensslRequest(work, name).csr,
        join(work, `${name}.pem`),
      ]);
      expect(r.json?.disposition, r.err.join('\n')).toBe(DB_DISP_ISSUED);
      return r.json as { requestId: number; serialNumber: string };
    };
    await submit(ca, 'kept');
    const revoked = await submit(ca, 'revoked');
    expect((await cli(ca, ['revoke', revoked.serialNumber, 'KeyCompromise'])).code).toBe(0);
    expect((await cli(ca, ['crl'])).code).toBe(0);

    const backup = join(work, 'backup');
    const made = await cli(ca, ['backup', backup, '--password-stdin']);
    expect(made.code, made.err.join('\n')).toBe(0);
    expect(made.out[0]).toMatch(
      /^Backed up "Backup CLI CA" to .*backup: 2 request\(s\), 2 certificate\(s\), \d+ CRL\(s\)$/,
    );
    expect(made.out[1]).toBe('Encrypted (scrypt + AES-256-GCM): registry.json, keys/ca-key-0.pem');
    // Never from the command line: there is no option for it, and an empty stdin is refused.
    expect((await cli(ca, ['backup', join(work, 'b2'), '--password', 'x'])).code).toBe(1);
    const empty = await cli(ca, ['backup', join(work, 'b3'), '--password-stdin'], '');
    expect(empty.err.join()).toMatch(/standard input holds no password/);

    // Restore into a new folder: same keys, templates, certificates and CRLs; the registry's paths move.
    const copy = join(work, 'copy');
    const wrong = await cli(copy, ['--json', 'restore', backup, '--password-stdin'], 'not the password\n');
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.err.join('\n')).message).toMatch(/wrong backup password/);
    const restored = await cli(copy, ['--json', 'restore', backup, '--password-stdin']);
    expect(restored.code, restored.err.join('\n')).toBe(0);
    expect(restored.json).toMatchObject({ ca: 'Backup CLI CA', skipped: [], counts: { requests: 2, certificates: 2 } });
    expect(readFileSync(join(copy, 'keys', 'ca-key-0.pem'))).toEqual(readFileSync(join(ca, 'keys', 'ca-key-0.pem')));
    expect(statSync(join(copy, 'keys', 'ca-key-0.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(copy, 'templates.json'), 'utf8')).toBe(readFileSync(join(ca, 'templates.json'), 'utf8'));
    const viewOf = async (dir: string) =>
      (await cli(dir, ['view', '--csv', '--out', 'RequestID,SerialNumber,Disposition,RevokedReason,RawCertificate']))
        .out;
    expect(await viewOf(copy)).toEqual(await viewOf(ca));
    const crlsOf = async (dir: string) => (await cli(dir, ['view', 'CRL', '--csv'])).out;
    expect(await crlsOf(copy)).toEqual(await crlsOf(ca));
    const getreg = async (dir: string) => (await cli(dir, ['getreg', 'CA\\CRLPublicationURLs'])).out.join('\n');
    expect(await getreg(copy)).toBe((await getreg(ca)).split(`${ca}/`).join(`${copy}/`));

    // The restored CA issues after the backed-up RequestIDs and publishes a CRL with the revocation.
    const after = await submit(copy, 'after');
    expect(after.requestId).toBe(3);
    expect((await cli(copy, ['crl'])).code).toBe(0);
    const caCert = join(copy, 'CertEnroll', 'localhost_Backup CLI CA.crt');
    const crlPem = join(work, 'copy.crl.pem');
    writeFileSync(
      crlPem,
      openssl(['crl', '-inform', 'DER', '-in', join(copy, 'CertEnroll', 'Backup CLI CA.crl')]).stdout,
    );
    const caPem = join(work, 'ca.pem');
    writeFileSync(caPem, openssl(['x509', '-inform', 'DER', '-in', caCert]).stdout);
    const verify = (name: string) =>
      openssl(['verify', '-crl_check', '-CAfile', caPem, '-CRLfile', crlPem, join(work, `${name}.pem`)]);
    expect(verify('after').status, verify('after').output).toBe(0);
    expect(verify('kept').status).toBe(0);
    expect(verify('revoked').output).toMatch(/certificate revoked/);

    // Refused over a running CA (serve.json of a live process on this host) and over a CA without --force.
    writeFileSync(
      join(copy, 'serve.json'),
      JSON.stringify({ pid: process.pid, host: hostname(), url: 'https://127.0.0.1:1', startedAt: '' }),
    );
    const running = await cli(copy, ['restore', backup, '--password-stdin', '--force']);
    expect(running.code).toBe(1);
    expect(running.err.join()).toMatch(
      /cannot restore over a running CA: certexit serve \(pid \d+, https:\/\/127\.0\.0\.1:1\)/,
    );
    const occupied = await cli(ca, ['restore', backup, '--password-stdin']);
    expect(occupied.err.join()).toMatch(/is not empty: restore into an empty folder, or --force/);
  });
});
