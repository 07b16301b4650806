import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuiltCli, BUILT_CLI, runBuiltCli, startServe } from '../support/served-ca';

/**
 * Issue 12, Faults: "deleting the WAL after a kill -9 silently lost acknowledged requests, and RequestIDs were reused
 * for other certificates". The CA keeps a high-water mark of RequestID, EventID and CRL number outside its database
 * (certexit.hwm): a database that went back in time (its log deleted after a kill -9, an old copy put back) is
 * refused at start with what happened and how to recover, and after `database accept-rollback` nothing is reused.
 */
describe('a CA database that went back in time', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-rollback-'));
  const dir = join(work, 'ca');
  const children: ChildProcess[] = [];
  const cli = (...args: string[]) => runBuiltCli(dir, ...args);
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BUILT_CLI, '--dir', dir, ...args], { encoding: 'utf8', timeout: 30_000 });
  let request: string;

  const serve = () => startServe({ dir, args: ['--log-level', 'silent'], children });
  const submit = async (url: string, token: string) => {
    const response = await fetch(`${url}/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ request, attributes: ['CertificateTemplate:User'] }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { requestId: number; serialNumber: string }).requestId;
  };

  beforeAll(async () => {
    assertBuiltCli();
    cli('setup', '--name', 'Rollback CA', '--type', 'enterprise-root');
    const keyPair = await generateKeyPair('ECDSA_P256');
    request = toPem(
      await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: 'CN=rollback' }),
      'CERTIFICATE REQUEST',
    );
  }, 60_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses to start after the log of a killed server was deleted, says how to recover, and never reuses a RequestID', async () => {
    const token = JSON.parse(cli('--json', 'caller', 'add', 'CERTEXIT\\rollback', '--role', 'requester')).token;
    // The state before the server's requests, as a backup taken then would hold it.
    copyFileSync(join(dir, 'certexit.db'), join(work, 'backup.db'));
    const first = await serve();
    const acknowledged: number[] = [];
    for (let i = 0; i < 5; i++) acknowledged.push(await submit(first.url, token));
    first.child.kill('SIGKILL');
    await first.exited();
    // What a careless clean-up after the crash does: the acknowledged requests were only in the log.
    expect(existsSync(join(dir, 'certexit.db-wal'))).toBe(true);
    rmSync(join(dir, 'certexit.db-wal'));
    rmSync(join(dir, 'certexit.db-shm'), { force: true });

    const refused = run('serve', '--listen', '127.0.0.1:0');
    expect(refused.status).toBe(1);
    const line = refused.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(
      /has gone back in time: this CA had already recorded RequestID 5 \(the database knows up to 0\)/,
    );
    expect(line).toMatch(/certexit\.db-wal\) was lost or deleted, or an older copy/);
    expect(line).toContain(`certexit --dir ${dir} database accept-rollback`);
    // Every command refuses it, not only serve.
    expect(run('view').stderr).toMatch(/has gone back in time/);

    const accepted = run('database', 'accept-rollback');
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/continue above the high-water mark/);
    const second = await serve();
    const next = await submit(second.url, token);
    // Never one of the lost ones: the next RequestID comes after every acknowledged one.
    expect(next).toBe(Math.max(...acknowledged) + 1);
    second.child.kill('SIGTERM');
    await second.exited();

    // An older copy put back by hand is noticed the same way.
    copyFileSync(join(work, 'backup.db'), join(dir, 'certexit.db'));
    rmSync(join(dir, 'certexit.db-wal'), { force: true });
    rmSync(join(dir, 'certexit.db-shm'), { force: true });
    const restored = run('view');
    expect(restored.status).toBe(1);
    expect(restored.stderr).toMatch(/RequestID 6 \(the database knows up to 0\)/);
  }, 120_000);
});
