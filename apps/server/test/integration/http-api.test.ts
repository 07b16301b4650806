import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CERTSRV_E_BAD_REQUESTSTATUS,
  CERTSRV_E_NO_REQUEST,
  DB_DISP_DENIED,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  E_ACCESSDENIED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
} from '@certexit/core';
import { setupCa } from '@certexit/engine';
import { createCertificationRequest, fromPem, generateKeyPair, parseCertificate, toPem } from '@certexit/x509';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeenEvent } from '../../../../packages/engine/test/support/recording-module';
import { recordingModule } from '../../../../packages/engine/test/support/recording-module';
import { eventually } from '../../../../tooling/test/eventually';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki } from '../../../../tooling/test/test-pki';
import { API_ROUTES } from '../../src/http/api-routes';
import type { RunningServer } from '../../src/http/start-server';
import { startServer } from '../../src/http/start-server';
import { httpsCall } from '../support/https-test-client';

/**
 * The HTTP API on a real HTTPS server (port 0, certificate for 127.0.0.1 from an openssl test CA), called with
 * node:https trusting that CA: authentication, roles, requester isolation, limits, errors, metrics, OpenAPI.
 */
describe('HTTP API over HTTPS', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-http-'));
  const seen: SeenEvent[] = [];
  const logLines: string[] = [];
  let pki: TestPki;
  let server: RunningServer;
  let alice: string;
  let bob: string;
  let manager: string;
  let officer: string;

  const call = (
    path: string,
    options: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => httpsCall(`${server.url}${path}`, { ca: pki.caPem, ...options });

  const csr = async (cn: string) => {
    const keyPair = await generateKeyPair('ECDSA_P256');
    return toPem(
      await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: `CN=${cn}` }),
      'CERTIFICATE REQUEST',
    );
  };

  beforeAll(async () => {
    pki = createTestPki();
    const dir = join(work, 'ca');
    await setupCa({
      dir,
      commonName: 'certexit HTTP Test CA',
      type: 'standalone-root',
      exitModules: ['Test_Http.Exit'],
    });
    server = await startServer({
      dir,
      listen: '127.0.0.1:0',
      tls: { cert: pki.certPem, key: pki.keyPem },
      logger: pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) }),
      builtins: { 'Test_Http.Exit': recordingModule({ progId: 'Test_Http.Exit', seen }) },
      processMetrics: false,
    });
    alice = server.callers.add('CERTEXIT\\alice', 'requester').token;
    bob = server.callers.add('CERTEXIT\\bob', 'requester').token;
    manager = server.callers.add('CERTEXIT\\officer', 'manager').token;
    officer = server.callers.add('CERTEXIT\\certmanager', 'officer').token;
  });

  afterAll(async () => {
    await server?.close();
    pki?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  describe('TLS', () => {
    it('serves HTTPS that a client trusting the test CA accepts', async () => {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await call('/healthz');
      expect(health.status).toBe(200);
      expect(health.json).toMatchObject({ status: 'ok', schemaVersion: expect.any(Number) });
    });

    it('fails the handshake for a client that trusts another CA', async () => {
      const other = createTestPki('Some Other CA');
      try {
        await expect(httpsCall(`${server.url}/healthz`, { ca: other.caPem })).rejects.toMatchObject({
          code: expect.stringMatching(
            /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT/,
          ),
        });
      } finally {
        other.remove();
      }
    });
  });

  describe('authentication and roles', () => {
    it('answers 401 without a token, with a bearer challenge', async () => {
      const answer = await call('/v1/ca');
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="certexit"');
      expect(answer.json).toMatchObject({
        error: 'unauthorized',
        hresult: E_ACCESSDENIED,
        message: expect.stringMatching(/bearer token/),
      });
    });

    it('answers 401 for a wrong token and for a header that is not Bearer', async () => {
      const wrong = await call('/v1/ca', { token: `cxt_${'A'.repeat(43)}` });
      expect(wrong.status).toBe(401);
      expect(wrong.json.message).toMatch(/not valid/);
      const basic = await call('/v1/ca', { headers: { authorization: 'Basic YWxpY2U6cGFzcw==' } });
      expect(basic.status).toBe(401);
    });

    it('lets any caller read the CA', async () => {
      const answer = await call('/v1/ca', { token: alice });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        name: 'certexit HTTP Test CA',
        type: 3,
        typeName: 'standalone-root',
        certIndex: 0,
        // CR_PROP_EXITCOUNT is the length, CR_PROP_EXITDESCRIPTION each description.
        exitModules: [{ progId: 'Test_Http.Exit', description: 'Recording Test_Http.Exit' }],
      });
      expect(answer.json.certificate).toBe(toPem(server.authority.ca.certificate.der, 'CERTIFICATE'));
    });

    it('refuses officer and manager routes to a requester with 403', async () => {
      const submitted = await call('/v1/requests', { token: alice, body: { request: await csr('alice-403') } });
      const approve = await call(`/v1/requests/${submitted.json.requestId}/approve`, { token: alice, method: 'POST' });
      expect(approve.status).toBe(403);
      expect(approve.json).toMatchObject({
        error: 'forbidden',
        message: expect.stringMatching(/CERTEXIT\\alice \(requester\).*officer/),
      });
      expect((await call('/v1/requests', { token: bob })).status).toBe(403);
      expect((await call('/v1/crls', { token: bob, body: {} })).status).toBe(403);
      const row = await server.authority.ca.store.getRequest(submitted.json.requestId);
      expect(row?.Disposition).toBe(DB_DISP_PENDING);
    });

    it("lets an officer (certificate manager) approve and view, but not change the CA's settings or publish CRLs", async () => {
      const submitted = await call('/v1/requests', { token: alice, body: { request: await csr('officer-view') } });
      expect((await call('/v1/requests', { token: officer })).status).toBe(200);
      expect((await call(`/v1/requests/${submitted.json.requestId}`, { token: officer })).status).toBe(200);
      expect((await call('/v1/crls', { token: officer, body: {} })).status).toBe(403);
      const change = await call('/v1/ca/properties/policy', { token: officer, body: { editFlags: 0 } });
      expect(change.status).toBe(403);
      expect(change.json.message).toMatch(/CERTEXIT\\certmanager \(officer\).*manager role/);
      expect((await call('/v1/ca/properties', { token: officer })).json.canChange).toBe(false);
      expect((await call('/v1/exit-queue/retry', { token: officer, body: { target: '1' } })).status).toBe(403);
    });

    it('never logs a token: the authorization header is redacted', async () => {
      const before = logLines.length;
      await call('/v1/ca', { token: manager });
      const all = logLines.join('');
      expect(all).toContain('"authorization":"[redacted]"');
      // One access-log line at info per request, with who called and how it ended; the headers only at debug.
      const lines = logLines.slice(before).map((line) => JSON.parse(line));
      const completed = lines.filter((l) => l.msg === 'request completed');
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({
        level: 30,
        req: { method: 'GET', url: '/v1/ca' },
        caller: 'CERTEXIT\\officer',
        res: { statusCode: 200 },
      });
      expect(completed[0].headers).toBeUndefined();
      expect(lines.find((l) => l.msg === 'incoming request')).toMatchObject({
        level: 20,
        headers: { authorization: '[redacted]' },
      });
      for (const token of [alice, bob, manager]) expect(all).not.toContain(token.slice(4));
    });

    // Issue 12: "a token sent in the query string is logged in clear".
    it('refuses a token in the query string, on any route and under any name, and never logs it', async () => {
      const before = logLines.length;
      for (const path of [
        `/v1/ca?access_token=${manager}`,
        `/v1/requests?token=${manager}`,
        `/v1/exit-queue?module=Test_Http.Exit&api_key=${manager}`,
        `/v1/requests?limit=5&x=${manager}`,
        `/healthz?auth=${manager}`,
        `/no/such/route?token=${manager}`,
      ]) {
        const answer = await call(path, { method: path.startsWith('/v1/requests?token') ? 'POST' : 'GET' });
        expect(answer.status, path).toBe(400);
        expect(answer.json.message).toMatch(/credentials are refused in the query string/);
        expect(JSON.stringify(answer.json)).not.toContain(manager.slice(4));
      }
      const logged = logLines.slice(before).join('');
      expect(logged).toContain('[redacted]');
      expect(logged).not.toContain(manager.slice(4));
      // The header still works, and ordinary query strings are fine.
      expect((await call('/v1/requests?limit=1', { token: manager })).status).toBe(200);
    });
  });

  describe('requests', () => {
    it('records the authenticated identity as requester, whatever the body says', async () => {
      const before = (await server.authority.ca.store.listRequests({})).length;
      const spoof = await call('/v1/requests', {
        token: alice,
        body: { request: await csr('spoof'), requesterName: 'CERTEXIT\\administrator' },
      });
      expect(spoof.status).toBe(400);
      expect(spoof.json.message).toMatch(/"requesterName", which is not accepted/);
      expect((await server.authority.ca.store.listRequests({})).length).toBe(before);

      const submitted = await call('/v1/requests', { token: alice, body: { request: await csr('alice') } });
      expect(submitted.status).toBe(201);
      expect(submitted.headers.location).toBe(`/v1/requests/${submitted.json.requestId}`);
      expect(submitted.json).toMatchObject({ disposition: DB_DISP_PENDING, statusCode: 0, dispositionText: 'Pending' });
      // The server never waits for exit modules: the outbox delivers after the response.
      expect(submitted.json.deliveries).toEqual([]);
      const { outbox } = server.authority.ca.store;
      const eventId = await outbox.latestEventId(EXITEVENT_CERTPENDING, submitted.json.requestId);
      await eventually(async () =>
        expect(await outbox.forEvent(eventId!)).toMatchObject([
          { progId: 'Test_Http.Exit', status: 'done', lastHresult: 0, attempts: 1 },
        ]),
      );
      const row = await server.authority.ca.store.getRequest(submitted.json.requestId);
      expect(row?.RequesterName).toBe('CERTEXIT\\alice');
      expect(row?.CallerName).toBe('CERTEXIT\\alice');
      expect(seen.some((e) => e.event === EXITEVENT_CERTPENDING && e.context === submitted.json.requestId)).toBe(true);
    });

    it('lets a requester see only their own requests (404 for another requester’s), managers all', async () => {
      const mine = await call('/v1/requests', { token: alice, body: { request: await csr('alice-own') } });
      const id = mine.json.requestId as number;
      const own = await call(`/v1/requests/${id}`, { token: alice });
      expect(own.status).toBe(200);
      expect(own.json).toMatchObject({ requestId: id, requesterName: 'CERTEXIT\\alice', disposition: DB_DISP_PENDING });

      const other = await call(`/v1/requests/${id}`, { token: bob });
      expect(other.status).toBe(404);
      expect(other.json).toMatchObject({ error: 'not_found', hresult: CERTSRV_E_NO_REQUEST });
      const missing = await call('/v1/requests/999999', { token: bob });
      expect(missing.json.message).toBe(other.json.message.replace(String(id), '999999'));
      expect((await call(`/v1/requests/${id}/certificate`, { token: bob })).status).toBe(404);

      const asManager = await call(`/v1/requests/${id}`, { token: manager });
      expect(asManager.status).toBe(200);
      expect(asManager.json.requesterName).toBe('CERTEXIT\\alice');
    });

    it('approves as the manager (the officer is the caller), serves the certificate, and refuses a second approval with 409', async () => {
      const submitted = await call('/v1/requests', {
        token: bob,
        body: { request: await csr('bob'), attributes: ['Note:from the API'] },
      });
      const id = submitted.json.requestId as number;
      expect((await call(`/v1/requests/${id}/certificate`, { token: bob })).json).toMatchObject({
        error: 'not_found',
        message: expect.stringMatching(/no certificate: it is pending/),
      });

      const approved = await call(`/v1/requests/${id}/approve`, { token: manager, method: 'POST' });
      expect(approved.status).toBe(200);
      expect(approved.json).toMatchObject({
        requestId: id,
        disposition: DB_DISP_ISSUED,
        serialNumber: expect.stringMatching(/^[0-9a-f]{16,}$/),
      });
      expect((await server.authority.ca.store.getRequest(id))?.Officer).toBe('CERTEXIT\\officer');

      const pem = await call(`/v1/requests/${id}/certificate`, { token: bob });
      expect(pem.status).toBe(200);
      expect(pem.headers['content-type']).toMatch(/^application\/x-pem-file/);
      const certificate = await parseCertificate(fromPem(pem.text).der);
      expect(certificate.serialNumberHex).toBe(approved.json.serialNumber);
      expect(certificate.subjectDn).toMatch(/CN=bob/);
      expect(approved.json.certificate).toBe(pem.text);

      // Issue 12: the requester GETs the formerly pending request again and again: one
      // EXITEVENT_CERTRETRIEVEPENDING (the first retrieval after issuance), not one per GET.
      for (let i = 0; i < 5; i++) expect((await call(`/v1/requests/${id}`, { token: bob })).status).toBe(200);
      const events = await server.authority.ca.store.listExitEvents();
      expect(events.filter((e) => e.event === EXITEVENT_CERTRETRIEVEPENDING && e.context === id)).toHaveLength(1);

      const again = await call(`/v1/requests/${id}/approve`, { token: manager, method: 'POST' });
      expect(again.status).toBe(409);
      expect(again.json).toMatchObject({ error: 'conflict', hresult: CERTSRV_E_BAD_REQUESTSTATUS });
      expect((await call('/v1/requests/424242/approve', { token: manager, method: 'POST' })).status).toBe(404);
    });

    it('denies a pending request', async () => {
      const submitted = await call('/v1/requests', { token: bob, body: { request: await csr('bob-deny') } });
      const denied = await call(`/v1/requests/${submitted.json.requestId}/deny`, { token: manager, method: 'POST' });
      expect(denied.status).toBe(200);
      expect(denied.json).toMatchObject({
        disposition: DB_DISP_DENIED,
        dispositionMessage: 'Denied by CERTEXIT\\officer',
      });
    });

    it('lists requests for managers, filtered by disposition and limited', async () => {
      const pending = await call('/v1/requests?disposition=pending&limit=2', { token: manager });
      expect(pending.status).toBe(200);
      expect(pending.json.requests).toHaveLength(2);
      for (const r of pending.json.requests) expect(r.disposition).toBe(DB_DISP_PENDING);
      const issued = await call('/v1/requests?disposition=20', { token: manager });
      expect(issued.json.requests.length).toBeGreaterThan(0);
      for (const r of issued.json.requests) {
        expect(r).toMatchObject({ disposition: DB_DISP_ISSUED, serialNumber: expect.stringMatching(/^[0-9a-f]+$/) });
      }
      const bad = await call('/v1/requests?disposition=bogus', { token: manager });
      expect(bad.status).toBe(400);
      expect(bad.json.message).toMatch(/querystring\.disposition/);
    });
  });

  describe('certificates and CRLs', () => {
    const issue = async (cn: string) => {
      const submitted = await call('/v1/requests', { token: bob, body: { request: await csr(cn) } });
      const approved = await call(`/v1/requests/${submitted.json.requestId}/approve`, {
        token: manager,
        method: 'POST',
      });
      return { requestId: approved.json.requestId as number, serial: approved.json.serialNumber as string };
    };

    it('puts a certificate on hold and releases it, as the manager, refusing requesters and wrong states', async () => {
      const { requestId, serial } = await issue('bob-hold');
      const body = { reason: 'CertificateHold', effectiveWhen: '2030-01-02T03:04:05.000Z' };
      expect((await call(`/v1/certificates/${serial}/revoke`, { token: bob, body })).status).toBe(403);

      const held = await call(`/v1/certificates/${serial.toUpperCase()}/revoke`, { token: manager, body });
      expect(held.status).toBe(200);
      expect(held.json).toMatchObject({
        requestId,
        disposition: 21,
        dispositionMessage: 'Revoked by CERTEXIT\\officer',
      });
      expect(held.json.deliveries).toEqual([]);
      await eventually(() =>
        expect(seen.some((e) => e.event === EXITEVENT_CERTREVOKED && e.context === requestId)).toBe(true),
      );
      const row = await server.authority.ca.store.getRequest(requestId);
      expect(row).toMatchObject({ RevokedReason: 6, RevokedEffectiveWhen: new Date(body.effectiveWhen) });
      expect((await call(`/v1/requests/${requestId}`, { token: bob })).json).toMatchObject({
        disposition: 21,
        revokedReason: 6,
        revokedEffectiveWhen: body.effectiveWhen,
      });

      const released = await call(`/v1/certificates/${serial}/unrevoke`, { token: manager, method: 'POST' });
      expect(released.status).toBe(200);
      expect(released.json.disposition).toBe(DB_DISP_ISSUED);
      const again = await call(`/v1/certificates/${serial}/unrevoke`, { token: manager, method: 'POST' });
      expect(again.status).toBe(409);
      expect(again.json).toMatchObject({
        error: 'conflict',
        hresult: CERTSRV_E_BAD_REQUESTSTATUS,
        message: expect.stringMatching(/not revoked/),
      });
    });

    it('revokes for good (409 the second time), 404 for an unknown serial, 400 for a reason that is not one', async () => {
      const { serial } = await issue('bob-revoke');
      const revoked = await call(`/v1/certificates/${serial}/revoke`, { token: manager, body: { reason: 1 } });
      expect(revoked.json).toMatchObject({ disposition: 21, serialNumber: serial });
      const twice = await call(`/v1/certificates/${serial}/revoke`, {
        token: manager,
        body: { reason: 'KeyCompromise' },
      });
      expect(twice.status).toBe(409);
      expect(twice.json.message).toMatch(/already revoked \(KeyCompromise\)/);
      const unknown = await call('/v1/certificates/0badc0ffee/revoke', { token: manager, body: { reason: 0 } });
      expect(unknown.status).toBe(404);
      expect(unknown.json).toMatchObject({
        hresult: CERTSRV_E_NO_REQUEST,
        message: expect.stringMatching(/no certificate with serial number/),
      });
      const removeFromCrl = await call(`/v1/certificates/${serial}/revoke`, { token: manager, body: { reason: 8 } });
      expect(removeFromCrl.status).toBe(400);
      expect(removeFromCrl.json.message).toMatch(/body\.reason/);
      const bad = await call('/v1/certificates/not-hex/revoke', { token: manager, body: { reason: 0 } });
      expect(bad.json.message).toMatch(/params\.serial/);
    });

    it('publishes a base CRL that openssl reads, listing a revoked serial; a delta when enabled, 409 when not', async () => {
      const { serial } = await issue('bob-crl');
      await call(`/v1/certificates/${serial}/revoke`, { token: manager, body: { reason: 'Superseded' } });
      expect((await call('/v1/crls', { token: bob, body: {} })).status).toBe(403);

      const base = await call('/v1/crls', { token: manager, body: {} });
      expect(base.status).toBe(200);
      const crl = base.json.crls.find((c: { isDelta: boolean }) => !c.isDelta);
      expect(crl).toMatchObject({ keyIndex: 0, entries: expect.any(Number), size: expect.any(Number) });
      expect(crl.entries).toBeGreaterThanOrEqual(1);
      expect(base.json.deliveries).toEqual([]);
      await eventually(() => expect(seen.some((e) => e.event === EXITEVENT_CRLISSUED)).toBe(true));
      const file = crl.files.find((f: string) => f.endsWith('.crl'));
      const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', file, '-noout', '-text'], {
        encoding: 'utf8',
      });
      expect(text.toLowerCase().replaceAll(':', '')).toContain(serial.replace(/^00/, ''));
      expect(text).toMatch(new RegExp(`X509v3 CRL Number: *\\n *${crl.crlNumber}\\b`));

      const delta = await call('/v1/crls', { token: manager, body: { delta: true } });
      expect(delta.status).toBe(200);
      expect(delta.json.crls.every((c: { isDelta: boolean }) => c.isDelta)).toBe(true);

      const registry = server.authority.ca.registry;
      const path = `${server.authority.ca.registryPath}\\CRLDeltaPeriodUnits`;
      const units = registry.getValue(path)!;
      registry.setValue(path, 0);
      try {
        const disabled = await call('/v1/crls', { token: manager, body: { delta: true } });
        expect(disabled.status).toBe(409);
        expect(disabled.json.message).toMatch(/delta CRLs are disabled/);
      } finally {
        registry.setValue(path, units);
      }
    });
  });

  describe('bad input', () => {
    it('answers 400 with a clear message for a garbage CSR, and keeps serving', async () => {
      const garbage = await call('/v1/requests', {
        token: alice,
        body: { request: 'this is not a certificate request' },
      });
      expect(garbage.status).toBe(400);
      expect(garbage.json.error).toBe('bad_request');
      expect(garbage.json.message).toMatch(/pars|PEM|base64|DER/i);
      expect(garbage.text).not.toMatch(/\n\s+at /);
      expect((await call('/healthz')).status).toBe(200);
    });

    it('answers 413 for a body over 64 KiB without reading it', async () => {
      const big = await call('/v1/requests', { token: alice, body: { request: 'A'.repeat(70 * 1024) } });
      expect(big.status).toBe(413);
      expect(big.json).toMatchObject({ error: 'payload_too_large' });
    });

    it('answers 400 for bad JSON, bad attributes and a bad id', async () => {
      const json = await call('/v1/requests', { token: alice, body: '{"request":' });
      expect(json.status).toBe(400);
      const attributes = await call('/v1/requests', {
        token: alice,
        body: { request: await csr('x'), attributes: ['no colon here'] },
      });
      expect(attributes.status).toBe(400);
      expect(attributes.json.message).toMatch(/body\.attributes: .*not Name:Value/);
      const id = await call('/v1/requests/abc', { token: manager });
      expect(id.status).toBe(400);
      expect(id.json.message).toMatch(/params\.id/);
    });

    it('answers 404 in the error shape for an unknown route', async () => {
      const answer = await call('/v2/nothing', { token: manager });
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({
        error: 'not_found',
        message: expect.stringMatching(/no route GET \/v2\/nothing/),
      });
    });
  });

  describe('operations', () => {
    it('shows, retries and drops exit-outbox items for managers only, with queue gauges on /metrics', async () => {
      expect((await call('/v1/exit-queue', { token: alice })).status).toBe(403);
      const queue = await call('/v1/exit-queue?module=Test_Http.Exit', { token: manager });
      expect(queue.status).toBe(200);
      expect(queue.json.counts.length).toBeGreaterThan(0);
      expect(queue.json.counts.every((c: { progId: string }) => c.progId === 'Test_Http.Exit')).toBe(true);
      expect(queue.json.counts.map((c: { status: string }) => c.status)).toContain('done');
      const retried = await call('/v1/exit-queue/retry', { token: manager, body: { target: 'Test_Http.Exit' } });
      expect(retried).toMatchObject({ status: 200, json: { retried: 0, ids: [] } });
      expect((await call('/v1/exit-queue/retry', { token: manager, body: {} })).status).toBe(400);
      // Issue 12: an unknown ProgID or id fails instead of "0 due again".
      const nope = await call('/v1/exit-queue/retry', { token: manager, body: { target: 'Nope.Exit' } });
      expect(nope.status).toBe(404);
      expect(nope.json.message).toMatch(/"Nope\.Exit" is not a registered exit module/);
      expect((await call('/v1/exit-queue/retry', { token: manager, body: { target: '999999' } })).status).toBe(404);
      const missing = await call('/v1/exit-queue/999999/drop', { token: manager, method: 'POST' });
      expect(missing.status).toBe(404);
      expect(missing.json.message).toMatch(/outbox item 999999 does not exist/);
      const [done] = await server.authority.ca.store.outbox.list({ status: 'done', limit: 1 });
      const dropped = await call(`/v1/exit-queue/${done!.id}/drop`, { token: manager, method: 'POST' });
      expect(dropped).toMatchObject({ status: 200, json: { id: done!.id, dropped: true } });
      const metrics = (await call('/metrics')).text;
      expect(metrics).toMatch(/certexit_exit_queue_depth\{module="Test_Http\.Exit"\} \d+/);
      expect(metrics).toMatch(/certexit_exit_queue_oldest_age_seconds\{module="Test_Http\.Exit"\} [\d.]+/);
    });

    // Issue 12, Delivery: replay, offered to managers over HTTP.
    it('replays past events to a module for managers only, with their original EventIDs, bounded', async () => {
      const first = (await server.authority.ca.store.listExitEvents()).find((e) => e.event !== 0x40)!;
      const body = {
        module: 'Test_Http.Exit',
        since: `certexit HTTP Test CA/${first.id}`,
        events: 'EXITEVENT_CERTISSUED',
        limit: 2,
      };
      expect((await call('/v1/exit-queue/replay', { token: alice, body })).status).toBe(403);
      expect(
        (await call('/v1/exit-queue/replay', { token: manager, body: { ...body, module: 'Nope.Exit' } })).status,
      ).toBe(404);
      expect((await call('/v1/exit-queue/replay', { token: manager, body: { ...body, since: 'soon' } })).status).toBe(
        400,
      );
      const seenBefore = seen.length;
      const replay = await call('/v1/exit-queue/replay', { token: manager, body });
      expect(replay.status).toBe(201);
      expect(replay.json).toMatchObject({ progId: 'Test_Http.Exit', events: 2, eventMask: ['EXITEVENT_CERTISSUED'] });
      expect(replay.json.continueSince).toMatch(/^certexit HTTP Test CA\/\d+$/);
      const queue = await call('/v1/exit-queue?module=Test_Http.Exit', { token: manager });
      expect(queue.json.replays[0]).toMatchObject({
        replayId: replay.json.replayId,
        count: 2,
        requestedBy: 'CERTEXIT\\officer',
      });
      // The server delivers them (the replayed events are issued ones, delivered again).
      await eventually(() => expect(seen.slice(seenBefore).filter((e) => e.event === 0x1)).toHaveLength(2));
      await eventually(async () => {
        const now = await call('/v1/exit-queue?module=Test_Http.Exit', { token: manager });
        expect(now.json.replays[0]).toMatchObject({ open: 0, done: 2 });
      });
    });

    it('shows the counters moving after a submission on /metrics (open to loopback)', async () => {
      const value = (text: string, series: string) => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        return line ? Number(line.slice(series.length + 1)) : 0;
      };
      const outcome = 'certexit_request_outcomes_total{operation="submit",disposition="pending"}';
      const delivery =
        'certexit_exit_deliveries_total{module="Test_Http.Exit",event="EXITEVENT_CERTPENDING",outcome="ok"}';
      const http = 'certexit_http_requests_total{method="POST",route="/v1/requests",status="201"}';
      const before = await call('/metrics');
      expect(before.status).toBe(200);
      expect(before.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      await call('/v1/requests', { token: alice, body: { request: await csr('metrics') } });
      const after = (await call('/metrics')).text;
      expect(value(after, outcome)).toBe(value(before.text, outcome) + 1);
      await eventually(async () =>
        expect(value((await call('/metrics')).text, delivery)).toBe(value(before.text, delivery) + 1),
      );
      expect(value(after, http)).toBe(value(before.text, http) + 1);
      expect(after).toMatch(
        /certexit_exit_delivery_duration_seconds_count\{module="Test_Http.Exit",event="EXITEVENT_CERTPENDING"\} \d+/,
      );
      expect(after).toMatch(/certexit_issuance_duration_seconds_count\{operation="approve"\} [1-9]/);
    });

    it('serves an OpenAPI 3.1 document with every path', async () => {
      const answer = await call('/openapi.json');
      expect(answer.status).toBe(200);
      const document = JSON.parse(answer.text);
      expect(document.openapi).toBe('3.1.0');
      const expected = [
        ['post', '/v1/requests'],
        ['get', '/v1/requests'],
        ['get', '/v1/requests/{id}'],
        ['get', '/v1/requests/{id}/certificate'],
        ['post', '/v1/requests/{id}/approve'],
        ['post', '/v1/requests/{id}/deny'],
        ['post', '/v1/certificates/{serial}/revoke'],
        ['post', '/v1/certificates/{serial}/unrevoke'],
        ['post', '/v1/crls'],
        ['get', '/v1/ca'],
        ['get', '/healthz'],
        ['get', '/metrics'],
        ['get', '/openapi.json'],
      ];
      for (const [method, path] of expected)
        expect(document.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
      expect(Object.values(document.paths).flatMap((p) => Object.keys(p as object))).toHaveLength(API_ROUTES.length);
      expect(document.paths['/v1/requests'].post.requestBody.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/SubmitRequest',
      });
      expect(document.components.schemas.SubmitRequest.properties).not.toHaveProperty('requesterName');
      expect(document.paths['/v1/requests/{id}/approve'].post.security).toEqual([{ bearerAuth: [] }]);
      expect(document.paths['/healthz'].get.security).toEqual([]);
      const refs = JSON.stringify(document).match(/#\/components\/schemas\/\w+/g) ?? [];
      for (const ref of refs) expect(document.components.schemas).toHaveProperty(ref.split('/').at(-1)!);
    });
  });
});
