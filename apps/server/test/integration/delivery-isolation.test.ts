import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import { assertBuiltCli, runBuiltCli, startServe } from '../support/served-ca';

/**
 * A file-loaded module that fails every notification of CERTEXIT\\poison's requests (a transient failure: a plain
 * Error) and appends `<event> <RequestID>` for every other one.
 */
const POISONED_MODULE = `import { appendFileSync } from 'node:fs';
const log = new URL('./delivered.log', import.meta.url);
export default {
  specificationVersion: 'v1',
  progId: 'Test_Poisoned.Exit',
  version: '0.0.0',
  create: (services) => ({
    Initialize: () => 0x1 | 0x8,
    GetDescription: () => 'fails the poison request, records the others',
    async Notify(event, context) {
      const server = services.createServerExit();
      await server.SetContext(context);
      if (String(await server.GetRequestProperty('RequesterName', 4)).endsWith('\\\\poison'))
        throw new Error('this request always fails');
      appendFileSync(log, event + ' ' + context + '\\n');
    },
  }),
};
`;

/**
 * Issue 12, Delivery: "a notification that keeps failing stalls everything behind it: 0 of 30 later ones were
 * delivered in 60 s under serve", and "the circuit breaker opens on one request's repeated failure and starves every
 * other request". Under a real `certexit serve` (the exit-module thread, the pacer, the breaker, the claim query),
 * one notification that always fails beside 1,000 others: every other one is delivered on its first attempt while the
 * failing one goes on failing, and the breaker never opens.
 */
describe('one failing notification beside 1,000 others under serve', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-isolation-'));
  const dir = join(work, 'ca');
  const children: ChildProcess[] = [];
  const cli = (...args: string[]) => runBuiltCli(dir, ...args);

  beforeAll(() => {
    assertBuiltCli();
    cli('setup', '--name', 'Isolation CA', '--type', 'enterprise-root');
    // The requesters are web administrators: WebServer takes the subject from the request, and the CA offers it.
    cli('catemplates', '+WebServer');
    writeFileSync(join(dir, 'poisoned-module.mjs'), POISONED_MODULE);
    cli('module', 'register', 'Test_Poisoned.Exit', join(dir, 'poisoned-module.mjs'));
    // Fast retries, so that the failing notification fails many times (far past BreakerThreshold, 5) during the test.
    cli('setreg', 'exit\\Test_Poisoned.Exit\\RetryBaseMs', '20');
    cli('setreg', 'exit\\Test_Poisoned.Exit\\RetryMaxMs', '200');
    cli('setreg', 'exit\\Test_Poisoned.Exit\\MaxAttempts', '100000');
  }, 60_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('delivers every other notification on its first attempt while the failing one keeps failing', async () => {
    const poison = JSON.parse(
      cli('--json', 'caller', 'add', 'CERTEXIT\\poison', '--role', 'requester', '--group', 'Domain Admins'),
    ).token;
    const burst = JSON.parse(
      cli('--json', 'caller', 'add', 'CERTEXIT\\burst', '--role', 'requester', '--group', 'Domain Admins'),
    ).token;
    const keyPair = await generateKeyPair('ECDSA_P256');
    const request = toPem(
      await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: 'CN=isolation' }),
      'CERTIFICATE REQUEST',
    );
    const { child, url, output } = await startServe({ dir, children });
    const submit = (token: string) =>
      fetch(`${url}/v1/requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ request, attributes: ['CertificateTemplate:WebServer'] }),
      }).then((r) => r.status);

    expect(await submit(poison)).toBe(201);
    const db = new DatabaseSync(join(dir, 'certexit.db'), { readOnly: true });
    const poisonAttempts = () =>
      Number(
        db.prepare(`SELECT attempts FROM exit_outbox WHERE context = 1 AND prog_id = 'Test_Poisoned.Exit'`).get()
          ?.attempts ?? 0,
      );
    // It has failed more often than the breaker's threshold before the others come.
    await eventually(() => expect(poisonAttempts()).toBeGreaterThan(6), 30_000);
    const attemptsBeforeBurst = poisonAttempts();

    const statuses: number[] = [];
    for (let sent = 0; sent < 1_000; sent += 16) {
      statuses.push(...(await Promise.all(Array.from({ length: Math.min(16, 1_000 - sent) }, () => submit(burst)))));
    }
    expect(statuses.every((s) => s === 201)).toBe(true);
    const delivered = () =>
      existsSync(join(dir, 'delivered.log')) ? readFileSync(join(dir, 'delivered.log'), 'utf8').trim().split('\n') : [];
    await eventually(() => expect(delivered()).toHaveLength(1_000), 60_000);
    // The module writes its line inside Notify; the outcome is committed just after.
    await eventually(() =>
      expect(
        Number(
          db
            .prepare(`SELECT COUNT(*) AS n FROM exit_outbox WHERE prog_id = 'Test_Poisoned.Exit' AND status = 'done'`)
            .get()?.n,
        ),
      ).toBe(1_000),
    );

    // Each of the others went through on its first attempt; the failing one is still failing, on its own.
    const rows = db
      .prepare(
        `SELECT context, status, attempts FROM exit_outbox WHERE prog_id = 'Test_Poisoned.Exit' ORDER BY context`,
      )
      .all();
    const others = rows.filter((r) => Number(r.context) !== 1);
    expect(others).toHaveLength(1_000);
    expect(others.every((r) => r.status === 'done' && Number(r.attempts) === 1)).toBe(true);
    expect(rows.find((r) => Number(r.context) === 1)).toMatchObject({ status: 'pending' });
    // ...and it goes on being retried after the burst, on its own schedule.
    await eventually(() => expect(poisonAttempts()).toBeGreaterThan(attemptsBeforeBurst), 30_000);
    db.close();
    expect(new Set(delivered()).size).toBe(1_000);
    expect(output()).not.toMatch(/circuit breaker opened/);
    child.kill('SIGTERM');
  }, 180_000);
});
