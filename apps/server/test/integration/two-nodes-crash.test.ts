import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_ISSUED } from '@certexit/core';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import { dropSchemas, psql, readPostgresEnv, uniqueSchema } from '../../../../tooling/test/postgres-env';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki } from '../../../../tooling/test/test-pki';
import { httpsCall } from '../support/https-test-client';
import { assertBuiltCli, runBuiltCli, startServe } from '../support/served-ca';

const MODULES = ['Test_NodeA.Exit', 'Test_NodeB.Exit'];

/** A file-loaded module that appends `<ProgID> <pid> <event> <RequestID> <EventID>` per notification, slowly. */
const moduleSource = (progId: string) => `import { appendFileSync } from 'node:fs';
const log = new URL('./deliveries.log', import.meta.url);
export default {
  specificationVersion: 'v1',
  progId: '${progId}',
  version: '0.0.0',
  create: (services) => ({
    Initialize: () => 0x1 | 0x8,
    GetDescription: () => 'records which node delivered what',
    async Notify(event, context) {
      const server = services.createServerExit();
      await server.SetContext(context);
      const requestId = await server.GetRequestProperty('RequestID', 1);
      const eventId = await server.GetCertificateProperty('EventID', 4);
      await new Promise((r) => setTimeout(r, 10));
      appendFileSync(log, '${progId} ' + process.pid + ' ' + event + ' ' + requestId + ' ' + eventId + '\\n');
    },
  }),
};
`;

/**
 * Two `certexit serve` nodes on one PostgreSQL database, over HTTPS, sharing the CA folder. A burst of issuances goes
 * to both (the client sends a request that failed on a dead node to the other, as a load balancer would); some
 * issued certificates are revoked at once through the other node; CRLs are published on both at the same time; and
 * one node is killed with SIGKILL in the middle. Afterwards every acknowledged certificate is in the database and was
 * delivered to both modules, each notification under one EventID, a request's revocation never before its issuance
 * whichever node delivered them, the CRL numbers strictly increase, no serial or RequestID is repeated, the survivor
 * took over the dead node's leases and the CRL schedule.
 */
describe('two nodes on one PostgreSQL database: kill -9 one in the middle of a burst', () => {
  const env = readPostgresEnv();
  const schema = uniqueSchema('nodes');
  const work = mkdtempSync(join(tmpdir(), 'certexit-two-nodes-'));
  const dir = join(work, 'ca');
  const children: ChildProcess[] = [];
  let pki: TestPki;
  const cli = (...args: string[]) => runBuiltCli(dir, ...args);
  const sql = (text: string) => psql(`SET search_path = "${schema}"; ${text}`, env);

  const serve = () =>
    startServe({
      dir,
      args: ['--tls-cert', pki.files.cert, '--tls-key', pki.files.key, '--log-level', 'info'],
      children,
    });

  beforeAll(() => {
    assertBuiltCli();
    pki = createTestPki('certexit Two Nodes Test CA');
    cli(
      'setup',
      '--name',
      'Two Nodes CA',
      '--type',
      'enterprise-root',
      '--store',
      `${env.url}?sslmode=verify-full`,
      '--schema',
      schema,
      '--password-file',
      env.passwordFile,
      '--tls-ca',
      env.caFile,
    );
    for (const progId of MODULES) {
      writeFileSync(join(dir, `${progId}.mjs`), moduleSource(progId));
      cli('module', 'register', progId, join(dir, `${progId}.mjs`));
    }
  }, 60_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    dropSchemas([schema], env);
    rmSync(work, { recursive: true, force: true });
  });

  it('loses no acknowledged certificate or notification, repeats no number, and keeps each request in order', async () => {
    // The burst's caller is a web administrator (WebServer takes the subject from the request; the CA offers it).
    cli('catemplates', '+WebServer');
    const token = JSON.parse(
      cli('--json', 'caller', 'add', 'CERTEXIT\\burst', '--role', 'manager', '--group', 'Domain Admins'),
    ).token as string;
    const requests = await Promise.all(
      Array.from({ length: 240 }, async (_, i) => {
        const keyPair = await generateKeyPair('ECDSA_P256');
        return toPem(
          await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: `CN=node${i}` }),
          'CERTIFICATE REQUEST',
        );
      }),
    );
    const a = await serve();
    const b = await serve();
    const call = (node: { url: string }, path: string, body?: unknown) =>
      httpsCall(`${node.url}${path}`, { ca: pki.caPem, token, ...(body !== undefined && { body }) });
    let killed = false;
    const acknowledged: Array<{ requestId: number; serialNumber: string; via: 'a' | 'b' }> = [];
    const revoked: number[] = [];
    const crlCalls: Array<Promise<unknown>> = [];
    let next = 0;
    // 12 clients; each request goes to node a or b in turn, and to b when a is gone (a load balancer's retry).
    const client = async () => {
      for (let i = next++; i < requests.length; i = next++) {
        let via: 'a' | 'b' = i % 2 === 0 && !killed ? 'a' : 'b';
        let answer = await call(via === 'a' ? a : b, '/v1/requests', {
          request: requests[i],
          attributes: ['CertificateTemplate:WebServer'],
        }).catch(() => undefined);
        if (!answer && via === 'a') {
          via = 'b';
          answer = await call(b, '/v1/requests', {
            request: requests[i],
            attributes: ['CertificateTemplate:WebServer'],
          });
        }
        expect(answer?.status, answer?.text).toBe(201);
        const outcome = answer!.json as { requestId: number; serialNumber: string; disposition: number };
        expect(outcome.disposition).toBe(DB_DISP_ISSUED);
        acknowledged.push({ requestId: outcome.requestId, serialNumber: outcome.serialNumber, via });
        // Every eighth certificate a issued is revoked at once through b: b must not notify the revocation before
        // the issuance, which a (or b, after the kill) may still be delivering.
        if (via === 'a' && acknowledged.length % 8 === 0) {
          const r = await call(b, `/v1/certificates/${outcome.serialNumber}/revoke`, { reason: 'KeyCompromise' });
          expect(r.status, r.text).toBe(200);
          revoked.push(outcome.requestId);
        }
        // Both nodes publish CRLs at the same moment, twice during the burst.
        if (acknowledged.length === 30 || acknowledged.length === 150) {
          crlCalls.push(
            call(a, '/v1/crls', {}).catch(() => undefined),
            call(b, '/v1/crls', {}),
          );
        }
      }
    };
    const lines = () =>
      existsSync(join(dir, 'deliveries.log'))
        ? readFileSync(join(dir, 'deliveries.log'), 'utf8').trim().split('\n').filter(Boolean)
        : [];
    const burst = Promise.all(Array.from({ length: 12 }, client));
    // Mid-burst: leases by node are visible to operators, then a dies.
    await eventually(() => {
      expect(acknowledged.length).toBeGreaterThanOrEqual(60);
      expect(lines().length).toBeGreaterThanOrEqual(20);
    }, 60_000);
    const queue = JSON.parse(cli('--json', 'module', 'queue')) as { leases: Array<{ node: string; module: string }> };
    const leasing = new Set(queue.leases.map((l) => l.node));
    for (const node of leasing)
      expect([`${hostname()}:${a.child.pid}`, `${hostname()}:${b.child.pid}`]).toContain(node);
    killed = true;
    a.child.kill('SIGKILL');
    await burst;
    await Promise.all(crlCalls);
    // The burst can end before the parent hears of the child's death.
    await a.exited();
    expect(a.child.signalCode).toBe('SIGKILL');

    // b takes over a's leases and delivers everything.
    await eventually(() => {
      expect(sql(`SELECT count(*) FROM exit_outbox WHERE status <> 'done'`)).toBe('0');
    }, 90_000);
    const metrics = await httpsCall(`${b.url}/metrics`, { ca: pki.caPem, token });
    expect(metrics.text).toMatch(/certexit_exit_queue_leases|# HELP certexit_exit_queue_leases/);

    // Every acknowledged certificate is in the database, issued or revoked as acknowledged; none repeated.
    expect(acknowledged).toHaveLength(requests.length);
    expect(new Set(acknowledged.map((x) => x.requestId)).size).toBe(acknowledged.length);
    expect(new Set(acknowledged.map((x) => x.serialNumber)).size).toBe(acknowledged.length);
    const stored = new Map(
      sql('SELECT request_id, serial_number FROM certificates ORDER BY request_id')
        .split('\n')
        .map((l) => l.split('|'))
        .map(([id, serial]) => [Number(id), serial!]),
    );
    for (const x of acknowledged) expect(stored.get(x.requestId), `request ${x.requestId}`).toBe(x.serialNumber);
    expect(sql('SELECT count(*) - count(DISTINCT serial_number) FROM certificates')).toBe('0');
    expect(Number(sql('SELECT count(*) FROM requests'))).toBeGreaterThanOrEqual(acknowledged.length);

    // Every certificate the database holds (acknowledged or not) reached both modules, under one EventID each;
    // both nodes delivered; a revocation never reached a module before the issuance it follows.
    const delivered = lines().map((l) => {
      const m = /^(\S+) (\d+) (\d+) (\d+) (.+)$/.exec(l)!;
      return { module: m[1]!, pid: Number(m[2]), event: Number(m[3]), requestId: Number(m[4]), eventId: m[5]! };
    });
    const ids = new Map<string, Set<string>>();
    for (const d of delivered) {
      const key = `${d.module} ${d.event} ${d.requestId}`;
      ids.set(key, (ids.get(key) ?? new Set()).add(d.eventId));
    }
    for (const requestId of stored.keys())
      for (const module of MODULES) expect(ids.get(`${module} 1 ${requestId}`)?.size, `${module} ${requestId}`).toBe(1);
    for (const requestId of revoked) {
      for (const module of MODULES) {
        const mine = delivered
          .map((d, i) => ({ ...d, i }))
          .filter((d) => d.module === module && d.requestId === requestId);
        const lastIssued = Math.max(...mine.filter((d) => d.event === 1).map((d) => d.i));
        const firstRevoked = Math.min(...mine.filter((d) => d.event === 8).map((d) => d.i));
        expect(Number.isFinite(firstRevoked), `${module} got the revocation of ${requestId}`).toBe(true);
        expect(lastIssued, `${module} ${requestId}: issued before revoked`).toBeLessThan(firstRevoked);
      }
    }
    const pids = new Set(delivered.map((d) => d.pid));
    expect(pids).toContain(a.child.pid);
    expect(pids).toContain(b.child.pid);
    // Repeats only for calls in flight at the kill (bounded by the modules' concurrency on a, per module).
    const repeats = delivered.length - [...ids.values()].reduce((n, s) => n + s.size, 0);
    expect(repeats).toBeLessThanOrEqual(2 * 16);

    // CRL numbers: per key, strictly increasing in the order the CRLs were stored, never twice.
    const crls = sql('SELECT key_index, crl_number FROM crls ORDER BY crl_id')
      .split('\n')
      .map((l) => l.split('|').map(Number) as [number, number]);
    expect(crls.length).toBeGreaterThanOrEqual(4);
    const last = new Map<number, number>();
    for (const [key, number] of crls) {
      expect(number, `CRL number ${number} of key ${key}`).toBeGreaterThan(last.get(key) ?? 0);
      last.set(key, number);
    }

    // The CRL schedule ran on one node; the survivor took it over.
    expect(`${a.output()}\n${b.output()}`).toMatch(/another node runs the CRL schedule/);
    await eventually(() => expect(b.output()).toMatch(/this node runs the CRL schedule/), 40_000);
    b.child.kill('SIGTERM');
    console.log(
      `two nodes: ${acknowledged.length} acknowledged (${acknowledged.filter((x) => x.via === 'a').length} by the killed node), ${stored.size} stored, ${revoked.length} revoked across nodes, ${delivered.length} deliveries (${repeats} repeated), ${crls.length} CRLs, leases seen for ${leasing.size} node(s)`,
    );
  }, 240_000);
});
