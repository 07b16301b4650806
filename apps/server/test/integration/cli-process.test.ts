import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DB_DISP_ISSUED } from '@certexit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { opensslRequest } from '../../../../tooling/test/test-pki';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');

/**
 * One-shot commands of the built `certexit` binary end on their own: the signature thread and the store's threads
 * keep a process alive only while they have work. Each command must exit 0 well within the timeout.
 */
describe('the built certexit binary, one command per process', { timeout: 60_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-cli-process-'));
  const dir = join(work, 'ca');
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const cliIn = (folder: string, ...args: string[]) => {
    expect(existsSync(CLI), `${CLI} is missing: build first (pnpm build)`).toBe(true);
    return execFileSync(process.execPath, [CLI, '--dir', folder, '--json', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
  };
  const cli = (...args: string[]) => cliIn(dir, ...args);

  it('sets up a CA, issues, revokes and publishes CRLs that OpenSSL checks, each process exiting by itself', {
    timeout: 60_000,
  }, () => {
    const setup = JSON.parse(cli('setup', '--name', 'Process Test CA')) as { files: string[] };
    // WebServer is off a new CA's list (the enrollee supplies its subject): the administrator offers it.
    cli('catemplates', '+WebServer');
    const caPem = join(work, 'ca.pem');
    execFileSync('openssl', ['x509', '-inform', 'DER', '-in', setup.files[0]!, '-out', caPem]);
    const { csr } = opensslRequest(work, 'process');
    const certPath = join(work, 'process.pem');
    const issued = JSON.parse(cli('submit', '--attrib', 'CertificateTemplate:WebServer', csr, certPath)) as {
      disposition: number;
      serialNumber: string;
    };
    expect(issued.disposition).toBe(DB_DISP_ISSUED);
    const verifyWithCrl = () => {
      const published = JSON.parse(cli('crl')) as { crls: Array<{ isDelta: boolean; files: string[] }> };
      const base = published.crls.find((c) => !c.isDelta)!.files[0]!;
      const crlPem = join(work, 'base.crl.pem');
      execFileSync('openssl', ['crl', '-inform', 'DER', '-in', base, '-out', crlPem]);
      const run = spawnSync('openssl', ['verify', '-crl_check', '-CAfile', caPem, '-CRLfile', crlPem, certPath], {
        encoding: 'utf8',
      });
      return run.stdout + run.stderr;
    };
    expect(verifyWithCrl()).toContain(': OK');
    cli('revoke', issued.serialNumber, 'KeyCompromise');
    expect(verifyWithCrl()).toContain('certificate revoked');
    expect(readFileSync(certPath, 'utf8')).toContain('BEGIN CERTIFICATE');
    // Seven processes, each starting Node: seconds on a busy machine.
  });

  it('loads a module registered by package name from where certexit is installed, not from the engine', () => {
    // @certexit/exit-inventory is a dependency of certexit, not of @certexit/engine, which loads the modules: the
    // name must resolve from the app (Node's own resolution here, as installed).
    const other = join(work, 'by-name');
    const run = (...args: string[]) => cliIn(other, ...args);
    run('setup', '--name', 'By Name CA', '--type', 'standalone-root');
    run('module', 'register', 'CertExit_Inventory.Exit', '@certexit/exit-inventory');
    // The web hook and the SIEM feed ship with certexit as well.
    run('module', 'register', 'CertExit_Webhook.Exit', '@certexit/exit-webhook');
    run('module', 'register', 'CertExit_Syslog.Exit', '@certexit/exit-syslog');
    // It declares no values to getreg/setreg (a module written with the typed layer): the type is given.
    run('setreg', '--type', 'REG_SZ', 'exit\\CertExit_Syslog.Exit\\Server', 'siem.contoso.test');
    const listed = JSON.parse(run('module', 'list', '--load')) as { modules: Array<{ progId: string }> };
    expect(listed.modules.map((m) => m.progId)).toEqual([
      'CertificateAuthority_MicrosoftDefault.Exit',
      'CertExit_Inventory.Exit',
      'CertExit_Webhook.Exit',
      'CertExit_Syslog.Exit',
    ]);
  });
});
