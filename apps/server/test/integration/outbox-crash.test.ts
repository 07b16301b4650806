import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DB_DISP_ISSUED } from '@certexit/core';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import { assertBuiltCli, runBuiltCli, startServe } from '../support/served-ca';

/** A file-loaded module that appends `<event> <RequestID> <EventID>` per notification, a little slowly. */
const CRASH_MODULE = `import { appendFileSync } from 'node:fs';
const log = new URL('./deliveries.log', import.meta.url);
export default {
  specificationVersion: 'v1',
  progId: 'Test_Crash.Exit',
  version: '0.0.0',
  create: (services) => ({
    Initialize: () => 0x1,
    GetDescription: () => 'records deliveries for the crash test',
    async Notify(event, context) {
      const server = services.createServerExit();
      await server.SetContext(context);
      const requestId = await server.GetRequestProperty('RequestID', 1);
      const eventId = await server.GetCertificateProperty('EventID', 4);
      await new Promise((r) => setTimeout(r, 15));
      appendFileSync(log, event + ' ' + requestId + ' ' + eventId + '\\n');
    },
  }),
};
`;

/**
 * The outbox survives `kill -9`: a server takes a burst of issuances over HTTP and is killed in the middle; after
 * a restart, every certificate the database holds as issued reached the module, each notification with one
 * stable EventID (a duplicate only for a call that was in flight at the kill).
 */
describe('exit outbox crash test (kill -9 mid-burst)', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-crash-'));
  const dir = join(work, 'ca');
  const children: ChildProcess[] = [];
  const cli = (...args: string[]) => runBuiltCli(dir, ...args);
  const serve = () => startServe({ dir, args: ['--log-level', 'silent'], children });

  beforeAll(() => {
    assertBuiltCli();
    cli('setup', '--name', 'Crash Test CA', '--type', 'enterprise-root');
    writeFileSync(join(dir, 'crash-module.mjs'), CRASH_MODULE);
    cli('module', 'register', 'Test_Crash.Exit', join(dir, 'crash-module.mjs'));
  }, 60_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('delivers every issued certificate to the module after a kill -9 in the middle of a burst', async () => {
    // The burst's requester is a web administrator (WebServer takes the subject from the request; the CA offers it).
    cli('catemplates', '+WebServer');
    const token = JSON.parse(
      cli('--json', 'caller', 'add', 'CERTEXIT\\burst', '--role', 'requester', '--group', 'Domain Admins'),
    ).token as string;
    const requests = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const keyPair = await generateKeyPair('ECDSA_P256');
        return toPem(
          await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: `CN=burst${i}` }),
          'CERTIFICATE REQUEST',
        );
      }),
    );
    const first = await serve();
    let answered = 0;
    const burst = requests.map((request) =>
      fetch(`${first.url}/v1/requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ request, attributes: ['CertificateTemplate:WebServer'] }),
      })
        .then((r) => {
          if (r.status === 201) answered++;
          return r.status;
        })
        .catch(() => 0),
    );
    const lines = () =>
      existsSync(join(dir, 'deliveries.log'))
        ? readFileSync(join(dir, 'deliveries.log'), 'utf8').trim().split('\n').filter(Boolean)
        : [];
    // Kill once part of the burst is answered and delivery has begun: some notifications done, others in flight
    // or still queued, more requests on the wire.
    await eventually(() => {
      expect(answered).toBeGreaterThanOrEqual(15);
      expect(lines().length).toBeGreaterThanOrEqual(3);
    }, 30_000);
    const deliveredBeforeKill = lines().length;
    first.child.kill('SIGKILL');
    await Promise.all(burst);
    await first.exited();
    expect(first.child.signalCode).toBe('SIGKILL');

    const db = new DatabaseSync(join(dir, 'certexit.db'), { readOnly: true });
    const issued = db
      .prepare('SELECT request_id FROM requests WHERE disposition = ? ORDER BY request_id')
      .all(DB_DISP_ISSUED)
      .map((r) => Number(r.request_id));
    const leftOpen = Number(
      db.prepare(`SELECT COUNT(*) AS n FROM exit_outbox WHERE status IN ('pending', 'delivering')`).get()?.n,
    );
    db.close();
    expect(issued.length).toBeGreaterThanOrEqual(answered);

    const second = await serve();
    await eventually(() => {
      const queue = JSON.parse(cli('--json', 'module', 'queue', 'Test_Crash.Exit'));
      expect(queue.items).toEqual([]);
    }, 60_000);
    second.child.kill('SIGTERM');

    // `<event> <RequestID> <EventID>`; the EventID holds the CA name, which has spaces.
    const delivered = lines().map((l) => /^(\d+) (\d+) (.+)$/.exec(l)?.slice(1) ?? [l]);
    const byRequest = new Map<number, Set<string>>();
    for (const [event, requestId, eventId] of delivered) {
      expect(event).toBe('1');
      expect(eventId).toMatch(/^Crash Test CA\/\d+$/);
      const ids = byRequest.get(Number(requestId)) ?? new Set();
      ids.add(eventId!);
      byRequest.set(Number(requestId), ids);
    }
    // Every issued certificate reached the module, under one EventID each.
    for (const id of issued) expect(byRequest.get(id)?.size, `request ${id}`).toBe(1);
    // Duplicates only for calls in flight at the kill: at most the module's concurrency bound (4).
    expect(delivered.length - byRequest.size).toBeLessThanOrEqual(4);
    console.log(
      `crash test: ${issued.length} issued (${answered} answered before kill -9), ${deliveredBeforeKill}+ delivered before it, ${leftOpen} notifications left open, ${delivered.length} deliveries, ${delivered.length - byRequest.size} duplicate(s)`,
    );
  }, 120_000);
});
