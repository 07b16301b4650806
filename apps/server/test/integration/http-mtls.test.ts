import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki } from '../../../../tooling/test/test-pki';
import { runCli } from '../../src/cli/main';
import type { RunningServer } from '../../src/http/start-server';
import { startServer } from '../../src/http/start-server';
import { httpsCall } from '../support/https-test-client';

/**
 * Mutual TLS: a caller bound to a client certificate (`caller add --certificate`) authenticates with it alone,
 * when the certificate verifies against the server's client CA; bearer-token callers still connect without one.
 */
describe('HTTP API with TLS client certificates', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-mtls-'));
  const dir = join(work, 'ca');
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
  let pki: TestPki;
  let foreign: TestPki;
  let server: RunningServer;
  let alice: { certPem: string; keyPem: string };
  let stranger: { certPem: string; keyPem: string };
  let mallory: { certPem: string; keyPem: string };
  let managerToken: string;

  beforeAll(async () => {
    pki = createTestPki();
    foreign = createTestPki('Foreign Client CA');
    alice = pki.issueClientCertificate('alice');
    stranger = pki.issueClientCertificate('stranger');
    mallory = foreign.issueClientCertificate('mallory');
    writeFileSync(join(work, 'alice.pem'), alice.certPem);
    writeFileSync(join(work, 'mallory.pem'), mallory.certPem);
    expect(
      await runCli(['--dir', dir, 'setup', '--name', 'certexit mTLS Test CA', '--type', 'enterprise-root'], io),
    ).toBe(0);
    const add = (identity: string, file: string) =>
      runCli(['--dir', dir, 'caller', 'add', identity, '--role', 'requester', '--certificate', file], io);
    expect(await add('CERTEXIT\\alice', join(work, 'alice.pem'))).toBe(0);
    expect(lines.at(-1)).toBe('The TLS client certificate "CN=alice" also authenticates it.');
    expect(await add('CERTEXIT\\mallory', join(work, 'mallory.pem'))).toBe(0);
    server = await startServer({
      dir,
      listen: '127.0.0.1:0',
      tls: { cert: pki.certPem, key: pki.keyPem, clientCa: pki.caPem },
      logger: pino({ level: 'silent' }),
      builtins: {},
      processMetrics: false,
    });
    managerToken = server.callers.add('CERTEXIT\\officer', 'manager').token;
  });

  afterAll(async () => {
    await server?.close();
    pki?.remove();
    foreign?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  const call = (path: string, options: Omit<Parameters<typeof httpsCall>[1], 'ca'>) =>
    httpsCall(`${server.url}${path}`, { ca: pki.caPem, ...options });

  it('authenticates a bound client certificate without a token, and records its identity', async () => {
    expect((await call('/v1/ca', { clientCertificate: alice })).status).toBe(200);
    const keyPair = await generateKeyPair('ECDSA_P256');
    const request = toPem(
      await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: 'CN=alice' }),
      'CERTIFICATE REQUEST',
    );
    const submitted = await call('/v1/requests', {
      clientCertificate: alice,
      body: { request, attributes: ['CertificateTemplate:User'] },
    });
    expect(submitted.status).toBe(201);
    expect((await server.authority.ca.store.getRequest(submitted.json.requestId))?.RequesterName).toBe(
      'CERTEXIT\\alice',
    );
    expect(
      (await call(`/v1/requests/${submitted.json.requestId}/approve`, { clientCertificate: alice, method: 'POST' }))
        .status,
    ).toBe(403);
  });

  it('refuses a verified certificate bound to nobody, and a bound one from another CA', async () => {
    const unbound = await call('/v1/ca', { clientCertificate: stranger });
    expect(unbound.status).toBe(401);
    expect(unbound.json.message).toMatch(/not bound to a caller/);
    const untrusted = await call('/v1/ca', { clientCertificate: mallory });
    expect(untrusted.status).toBe(401);
    expect(untrusted.json.message).toMatch(/did not verify/);
  });

  it('still serves bearer-token callers that present no certificate', async () => {
    const answer = await call('/v1/requests?limit=1', { token: managerToken });
    expect(answer.status).toBe(200);
    expect(answer.json.requests[0].requesterName).toBe('CERTEXIT\\alice');
    expect((await call('/v1/ca', {})).status).toBe(401);
  });

  it('lists the bound certificate by its SHA-256, never a secret', async () => {
    lines.length = 0;
    expect(await runCli(['--dir', dir, '--json', 'caller', 'list'], io)).toBe(0);
    const { callers } = JSON.parse(lines[0]!) as { callers: Array<{ identity: string; certificateSha256?: string }> };
    expect(callers.find((c) => c.identity === 'CERTEXIT\\alice')?.certificateSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(callers.find((c) => c.identity === 'CERTEXIT\\officer')).not.toHaveProperty('certificateSha256');
    expect(lines[0]).not.toMatch(/cxt_|TokenHash/);
  });
});
