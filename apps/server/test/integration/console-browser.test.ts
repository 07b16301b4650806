import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExitModuleFactoryV1 } from '@certexit/core';
import {
  CertexitError,
  DB_DISP_DENIED,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  DB_DISP_REVOKED,
  E_FAIL,
  EXITEVENT_ALL_DEFINED,
  EXITEVENT_STARTUP,
  PROGID_DEFAULT_EXIT,
} from '@certexit/core';
import { caRegistryPaths, RegistryFile, sanitizeCaName, setupCa } from '@certexit/engine';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki, opensslOk } from '../../../../tooling/test/test-pki';
import { builtinExitModules } from '../../src/builtin-exit-modules';
import type { RunningServer } from '../../src/http/start-server';
import { startServer } from '../../src/http/start-server';
import type { ConsoleProfile } from '../support/console-browser';
import { openConsoleProfile } from '../support/console-browser';
import { httpsCall } from '../support/https-test-client';

const FLAKY = 'Test_Flaky.Exit';
const CA_NAME = 'certexit Console Test CA';
/** `CERTEXIT_CONSOLE_SCREENSHOTS=docs/console` writes the main screens there (docs/console.md shows them). */
const SCREENSHOTS = process.env.CERTEXIT_CONSOLE_SCREENSHOTS;

/**
 * The Certification Authority console in headless Chromium (Debian's, through playwright-core), against a real
 * `certexit serve` over HTTPS: sign-in with a token and with a TLS client certificate, the role limits, approving,
 * revoking and releasing a hold, the certificate dialog and its downloads, retrying a dead notification, changing
 * a CA property into the audit log, CSRF attempts refused; and no console error, CSP violation or uncaught
 * exception on any page.
 */
describe('the Certification Authority console in Chromium', { timeout: 60_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-console-'));
  let pki: TestPki;
  let server: RunningServer;
  const tokens: Record<'manager' | 'officer' | 'alice' | 'bob', string> = {
    manager: '',
    officer: '',
    alice: '',
    bob: '',
  };
  let aliceCertificate: { certPem: string; keyPem: string };
  const flaky = { failing: true, calls: 0 };
  const profiles: ConsoleProfile[] = [];

  const api = (path: string, options: { token?: string; method?: string; body?: unknown } = {}) =>
    httpsCall(`${server.url}${path}`, { ca: pki.caPem, ...options });
  const submit = async (token: string, cn: string) => {
    const keyPair = await generateKeyPair('ECDSA_P256');
    const request = toPem(
      await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: `CN=${cn}` }),
      'CERTIFICATE REQUEST',
    );
    const answer = await api('/v1/requests', { token, body: { request } });
    expect(answer.status, answer.text).toBe(201);
    return answer.json as { requestId: number; disposition: number };
  };
  const issue = async (cn: string) => {
    const { requestId } = await submit(tokens.alice, cn);
    const approved = await api(`/v1/requests/${requestId}/approve`, { token: tokens.manager, method: 'POST' });
    expect(approved.status, approved.text).toBe(200);
    return { requestId, serial: approved.json.serialNumber as string };
  };
  const profile = async (clientCertificate?: { certPem: string; keyPem: string }) => {
    const opened = await openConsoleProfile({
      caPem: pki.caPem,
      origin: server.url,
      ...(clientCertificate && {
        clientCertificate: { ...clientCertificate, issuerCommonName: 'certexit HTTP Test CA' },
      }),
    });
    profiles.push(opened);
    return opened;
  };
  const signIn = async (p: ConsoleProfile, token: string) => {
    await p.page.goto(`${server.url}/console/`);
    await p.page.getByLabel('Caller token').fill(token);
    await p.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await p.page.getByTestId('who').waitFor();
  };
  const folder = async (p: ConsoleProfile, name: string) => {
    await p.page.getByRole('navigation', { name: 'Folders' }).getByRole('link', { name, exact: true }).click();
    await p.page.getByRole('heading', { name, exact: true }).waitFor();
  };
  const row = (p: ConsoleProfile, requestId: number) => p.page.locator(`tr[data-request-id="${requestId}"]`);
  const screenshot = async (p: ConsoleProfile, name: string) => {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await p.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  };

  beforeAll(async () => {
    pki = createTestPki();
    aliceCertificate = pki.issueClientCertificate('alice-browser');
    const dir = join(work, 'ca');
    await setupCa({ dir, commonName: CA_NAME, type: 'standalone-root', exitModules: [FLAKY, PROGID_DEFAULT_EXIT] });
    // One attempt, then a dead letter: the operator's retry is what delivers it.
    const registry = new RegistryFile(join(dir, 'registry.json'));
    // The default module publishes nothing here; the Exit Module tab changes its flags for the next start.
    registry.setValue(
      `${caRegistryPaths.exitModule(sanitizeCaName(CA_NAME), PROGID_DEFAULT_EXIT)}\\PublishCertFlags`,
      0,
    );
    const flakyKey = caRegistryPaths.exitModule(sanitizeCaName(CA_NAME), FLAKY);
    registry.setValue(`${flakyKey}\\MaxAttempts`, 1);
    // Its failures must not open the breaker: the retry is to reach the module at once.
    registry.setValue(`${flakyKey}\\BreakerThreshold`, 1_000_000);
    server = await startServer({
      dir,
      listen: '127.0.0.1:0',
      tls: { cert: pki.certPem, key: pki.keyPem, clientCa: pki.caPem },
      logger: pino({ level: 'silent' }),
      builtins: { ...builtinExitModules(), [FLAKY]: _flakyModule(flaky) },
      processMetrics: false,
    });
    tokens.manager = server.callers.add('CERTEXIT\\pkiadmin', 'manager').token;
    tokens.officer = server.callers.add('CERTEXIT\\certmanager', 'officer').token;
    const certificateDer = Buffer.from(aliceCertificate.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    tokens.alice = server.callers.add('CERTEXIT\\alice', 'requester', { certificate: certificateDer }).token;
    tokens.bob = server.callers.add('CERTEXIT\\bob', 'requester').token;
  }, 60_000);

  afterEach(async () => {
    // No page may log an error or warning, throw, or violate the Content-Security-Policy.
    const errors = profiles.flatMap((p) => p.errors.splice(0));
    for (const p of profiles.splice(0)) await p.close();
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await server?.close();
    pki?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('signs in with a token into a secure, HttpOnly, SameSite=Strict session under a strict CSP, and signs out', async () => {
    const p = await profile();
    const page = await p.page.goto(`${server.url}/console/`);
    const csp = page?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    await screenshot(p, 'sign-in');
    await p.page.getByLabel('Caller token').fill(tokens.manager);
    await p.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => p.page.getByTestId('who').textContent()).toContain('CERTEXIT\\pkiadmin · CA Administrator');
    const [cookie, ...others] = await p.context.cookies(server.url);
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({
      name: '__Host-certexit-session',
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: '/',
    });
    expect(
      await p.page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
    ).toBe('');
    // Every folder of the snap-in, and the operators' pages.
    for (const name of [
      'Revoked Certificates',
      'Issued Certificates',
      'Pending Requests',
      'Failed Requests',
      'Certificate Templates',
      'Exit Modules',
      'Properties',
      'Audit Log',
    ])
      await expect.poll(() => p.page.getByRole('navigation').getByRole('link', { name, exact: true }).count()).toBe(1);
    // A new sign-in rotates the session id; the old one is worth nothing.
    const first = cookie!.value;
    await p.page.evaluate(async (token) => {
      await fetch('/console/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
    }, tokens.manager);
    const rotated = (await p.context.cookies(server.url))[0]!.value;
    expect(rotated).not.toBe(first);
    const withCookie = (value: string) =>
      httpsCall(`${server.url}/v1/views/issued`, {
        ca: pki.caPem,
        headers: { cookie: `__Host-certexit-session=${value}` },
      });
    expect((await withCookie(first)).status).toBe(401);
    expect((await withCookie(rotated)).status).toBe(200);
    // The page holds the new session's CSRF token after a reload; then it signs out.
    await p.page.reload();
    await p.page.getByTestId('who').waitFor();
    await p.page.getByRole('button', { name: 'Sign out' }).click();
    await p.page.getByText('You have signed out.').waitFor();
    expect(await p.context.cookies(server.url)).toEqual([]);
    expect((await withCookie(rotated)).status).toBe(401);
  });

  it('refuses a wrong token, and signs in with a TLS client certificate bound to a caller', async () => {
    const stranger = await profile();
    await stranger.page.goto(`${server.url}/console/`);
    await stranger.page.getByLabel('Caller token').fill(`cxt_${'A'.repeat(43)}`);
    await stranger.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await stranger.page.getByRole('alert').getByText('does not belong to a caller').waitFor();
    expect(stranger.expectErrors(/status of 401/)).toHaveLength(1);
    expect(await stranger.page.getByRole('button', { name: 'Sign in with my certificate' }).isDisabled()).toBe(true);

    const p = await profile(aliceCertificate);
    await p.page.goto(`${server.url}/console/`);
    await p.page.getByText('Your browser presented a client certificate (alice-browser).').waitFor();
    await p.page.getByRole('button', { name: 'Sign in with my certificate' }).click();
    await expect.poll(() => p.page.getByTestId('who').textContent()).toBe('CERTEXIT\\alice · Requester · certificate');
  });

  it('keeps a requester to its own requests and refuses its attempts to act', async () => {
    const own = await submit(tokens.alice, 'alice-own');
    const others = await submit(tokens.bob, 'bob-other');
    const p = await profile();
    await signIn(p, tokens.alice);
    await folder(p, 'Pending Requests');
    await row(p, own.requestId).waitFor();
    expect(await row(p, others.requestId).count()).toBe(0);
    expect(await p.page.getByRole('button', { name: 'Issue' }).count()).toBe(0);
    for (const name of ['Exit Modules', 'Properties', 'Audit Log'])
      expect(await p.page.getByRole('navigation').getByRole('link', { name, exact: true }).count()).toBe(0);
    // Acting anyway, with the session's own CSRF token: refused by role on the server.
    const statuses = await p.page.evaluate(
      async ({ mine, theirs }) => {
        const { csrfToken } = (await (await fetch('/console/session')).json()) as { csrfToken: string };
        const post = (path: string) =>
          fetch(path, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
            body: '{}',
          });
        return [
          (await post(`/v1/requests/${mine}/approve`)).status,
          (await post(`/v1/requests/${theirs}/deny`)).status,
          (await fetch(`/v1/requests/${theirs}`)).status,
          (await fetch('/v1/ca/properties')).status,
        ];
      },
      { mine: own.requestId, theirs: others.requestId },
    );
    expect(statuses).toEqual([403, 403, 404, 403]);
    expect(p.expectErrors(/status of 40[34]/)).toHaveLength(4);
    for (const id of [own.requestId, others.requestId])
      expect((await server.authority.ca.store.getRequest(id))?.Disposition).toBe(DB_DISP_PENDING);
    await screenshot(p, 'requester-pending');
  });

  it('approves and denies pending requests as a certificate manager, who cannot change the CA', async () => {
    const pending = await submit(tokens.bob, 'approve-me');
    const refused = await submit(tokens.bob, 'deny-me');
    const p = await profile();
    await signIn(p, tokens.officer);
    await folder(p, 'Pending Requests');
    await screenshot(p, 'pending-requests');
    await row(p, pending.requestId).getByRole('button', { name: 'Issue' }).click();
    await p.page.getByRole('status').getByText(`Request ${pending.requestId} was issued.`).waitFor();
    const stored = await server.authority.ca.store.getRequest(pending.requestId);
    expect(stored).toMatchObject({ Disposition: DB_DISP_ISSUED, Officer: 'CERTEXIT\\certmanager' });
    await row(p, refused.requestId).getByRole('button', { name: 'Deny' }).click();
    await p.page.getByRole('status').getByText(`Request ${refused.requestId} was denied.`).waitFor();
    expect(await server.authority.ca.store.getRequest(refused.requestId)).toMatchObject({
      Disposition: DB_DISP_DENIED,
      Officer: 'CERTEXIT\\certmanager',
    });
    // The list reloads after an action: both requests leave Pending Requests.
    await expect.poll(() => row(p, refused.requestId).count()).toBe(0);
    expect(await row(p, pending.requestId).count()).toBe(0);
    // The denied request moves to Failed Requests, with its disposition; no certificate was issued for it.
    await folder(p, 'Failed Requests');
    await row(p, refused.requestId).getByText('Denied', { exact: true }).waitFor();
    expect(await row(p, refused.requestId).getByRole('button', { name: 'Open' }).count()).toBe(0);
    expect(await server.authority.ca.store.getCertificate(refused.requestId)).toBeUndefined();
    await screenshot(p, 'failed-requests');
    await folder(p, 'Issued Certificates');
    await row(p, pending.requestId).waitFor();
    await p.page.getByRole('navigation').getByRole('link', { name: 'Properties', exact: true }).click();
    await p.page.getByText('Read only: CA administrators (managers) change these.').waitFor();
    expect(await p.page.getByRole('button', { name: 'Apply' }).count()).toBe(0);
  });

  it('revokes with a reason, shows it under Revoked Certificates, and releases a hold', async () => {
    const { requestId, serial } = await issue('revoke-me');
    const p = await profile();
    await signIn(p, tokens.officer);
    await folder(p, 'Issued Certificates');
    await screenshot(p, 'issued-certificates');
    await row(p, requestId).getByRole('button', { name: 'Revoke…' }).click();
    await p.page.getByLabel('Reason code').selectOption('CertificateHold');
    await screenshot(p, 'revoke-dialog');
    await p.page.getByRole('button', { name: 'Yes' }).click();
    await p.page.getByRole('status').getByText(`Certificate ${serial} was revoked (CertificateHold).`).waitFor();
    expect(await server.authority.ca.store.getRequest(requestId)).toMatchObject({
      Disposition: DB_DISP_REVOKED,
      RevokedReason: 6,
    });
    await folder(p, 'Revoked Certificates');
    await row(p, requestId).getByText('CertificateHold').waitFor();
    await screenshot(p, 'revoked-certificates');
    await row(p, requestId).getByRole('button', { name: 'Unrevoke' }).click();
    await p.page.getByRole('status').getByText(`Certificate ${serial} was released from hold.`).waitFor();
    expect((await server.authority.ca.store.getRequest(requestId))?.Disposition).toBe(DB_DISP_ISSUED);

    const forGood = await issue('revoke-for-good');
    await folder(p, 'Issued Certificates');
    await row(p, forGood.requestId).getByRole('button', { name: 'Revoke…' }).click();
    await p.page.getByLabel('Reason code').selectOption('KeyCompromise');
    await p.page.getByRole('button', { name: 'Yes' }).click();
    await p.page.getByRole('status').waitFor();
    await folder(p, 'Revoked Certificates');
    await row(p, forGood.requestId).getByText('KeyCompromise').waitFor();
    expect(await row(p, forGood.requestId).getByRole('button', { name: 'Unrevoke' }).count()).toBe(0);
  });

  it('opens a certificate like Windows’ certificate dialog and downloads it as DER and PEM', async () => {
    const { requestId, serial } = await issue('dialog.contoso.test');
    const p = await profile();
    await signIn(p, tokens.officer);
    await folder(p, 'Issued Certificates');
    await row(p, requestId).getByRole('button', { name: 'Open' }).click();
    const dialog = p.page.getByTestId('certificate-dialog');
    await expect.poll(() => dialog.getByTestId('issued-to').textContent()).toBe('dialog.contoso.test');
    await dialog.getByText('This certificate is OK.').waitFor();
    await screenshot(p, 'certificate-general');
    await dialog.getByRole('tab', { name: 'Details' }).click();
    await dialog.locator('tr[data-field="Serial number"]').click();
    expect(await dialog.getByTestId('field-detail').textContent()).toBe(serial);
    await dialog.locator('tr[data-field="Subject Key Identifier"]').waitFor();
    await screenshot(p, 'certificate-details');
    await dialog.getByRole('tab', { name: 'Certification Path' }).click();
    await dialog.getByText(CA_NAME).waitFor();
    await screenshot(p, 'certificate-path');
    const stored = (await server.authority.ca.store.getCertificate(requestId))!.RawCertificate;
    const [der] = await Promise.all([
      p.page.waitForEvent('download'),
      dialog.getByRole('link', { name: 'Download DER (.cer)' }).click(),
    ]);
    expect(der.suggestedFilename()).toBe(`${serial}.cer`);
    expect(Buffer.from(readFileSync((await der.path())!)).equals(Buffer.from(stored))).toBe(true);
    const [pem] = await Promise.all([
      p.page.waitForEvent('download'),
      dialog.getByRole('link', { name: 'Download PEM (.crt)' }).click(),
    ]);
    const text = opensslOk(['x509', '-in', (await pem.path())!, '-noout', '-serial', '-subject']);
    expect(text.toLowerCase()).toContain(`serial=${serial}`);
    expect(text).toMatch(/subject=CN ?= ?dialog\.contoso\.test/);
  });

  it('shows a dead notification with its error, retries it to delivery, and charts deliveries', async () => {
    flaky.failing = true;
    const { requestId } = await submit(tokens.bob, 'notify-me');
    const { outbox } = server.authority.ca.store;
    await eventually(async () =>
      expect(
        (await outbox.list({ progId: FLAKY, limit: 100 })).some((r) => r.context === requestId && r.status === 'dead'),
      ).toBe(true),
    );
    const p = await profile();
    await signIn(p, tokens.manager);
    await p.page.getByRole('navigation').getByRole('link', { name: 'Exit Modules', exact: true }).click();
    const card = p.page.locator(`article[data-module="${FLAKY}"]`);
    await card.getByText('Flaky test module').waitFor();
    await expect.poll(async () => Number(await card.locator('[data-count="dead"]').textContent())).toBeGreaterThan(0);
    await card.getByText(/Last error .*the flaky module is failing/).waitFor();
    await card.getByTestId('delivery-chart').waitFor();
    await screenshot(p, 'exit-modules');
    flaky.failing = false;
    const item = (await outbox.list({ progId: FLAKY, limit: 100 })).find(
      (r) => r.context === requestId && r.status === 'dead',
    )!;
    await card.locator(`tr[data-item="${item.id}"]`).getByRole('button', { name: 'Retry' }).click();
    await p.page.getByRole('status').getByText(`Item ${item.id} is due again.`).waitFor();
    await eventually(async () => expect((await outbox.get(item.id))?.status).toBe('done'));
    // Another dead letter is dropped: never delivered again.
    const other = (await outbox.list({ progId: FLAKY, limit: 100 })).find((r) => r.status === 'dead')!;
    await p.page.getByRole('button', { name: 'Refresh' }).click();
    await card.locator(`tr[data-item="${other.id}"]`).getByRole('button', { name: 'Drop' }).click();
    await p.page.getByRole('status').getByText(`Item ${other.id} was dropped.`).waitFor();
    expect(await outbox.get(other.id)).toBeUndefined();
    // The chart counts the failure and the delivery of this minute.
    const history = await api('/v1/exit-modules/history?minutes=5', { token: tokens.manager });
    const points = history.json.modules.find((m: { progId: string }) => m.progId === FLAKY).points;
    expect(points.reduce((n: number, pt: { failures: number }) => n + pt.failures, 0)).toBeGreaterThan(0);
    expect(points.reduce((n: number, pt: { count: number }) => n + pt.count, 0)).toBeGreaterThan(1);
  });

  it('changes a CA property as a CA administrator, and the audit log names who, from what to what', async () => {
    const p = await profile();
    await signIn(p, tokens.manager);
    await p.page.goto(`${server.url}/console/#/properties/crl-schedule`);
    await p.page.getByLabel('Delta CRL publication interval (0: no deltas)', { exact: true }).fill('4');
    await p.page.getByRole('button', { name: 'Apply' }).click();
    await p.page.getByRole('status').getByText('1 value changed and recorded in the audit log.').waitFor();
    // Extensions: a new CDP URL, put in the CDP extension of issued certificates; the next certificate carries it.
    const cdp = `http://pki-${process.pid}.console.test/CertEnroll/%3%8%9.crl`;
    await p.page.goto(`${server.url}/console/#/properties/extensions`);
    await p.page.getByRole('list', { name: 'Locations' }).getByRole('button').first().waitFor();
    await p.page.getByLabel('New location').fill(cdp);
    await p.page.getByRole('button', { name: 'Add…' }).click();
    await p.page.getByRole('list', { name: 'Locations' }).getByRole('button', { name: cdp }).waitFor();
    await p.page.getByLabel(/Include in the CDP extension of issued certificates/).check();
    await screenshot(p, 'properties-extensions');
    await p.page.getByRole('button', { name: 'Apply' }).click();
    await p.page.getByRole('status').getByText('1 value changed and recorded in the audit log.').waitFor();
    const urls = server.authority.ca.registry.getValue(`${server.authority.ca.registryPath}\\CRLPublicationURLs`);
    expect(urls).toContain(`2:${cdp}`);
    const { requestId: withCdp } = await issue('cdp.contoso.test');
    const certificate = (await server.authority.ca.store.getCertificate(withCdp))!.RawCertificate;
    const derFile = join(work, 'cdp.cer');
    writeFileSync(derFile, certificate);
    const text = opensslOk(['x509', '-inform', 'DER', '-in', derFile, '-noout', '-ext', 'crlDistributionPoints']);
    expect(text).toContain(`URI:http://pki-${process.pid}.console.test/CertEnroll/`);
    // Exit Module: the default module's PublishCertFlags.
    await p.page.goto(`${server.url}/console/#/properties/exit-module`);
    const defaultModule = p.page.getByRole('group').filter({ hasText: PROGID_DEFAULT_EXIT });
    await defaultModule.getByLabel(/Allow certificates to be published to the file system/).check();
    await screenshot(p, 'properties-exit-module');
    await defaultModule.getByRole('button', { name: 'Apply' }).click();
    await p.page.getByRole('status').getByText('1 value changed and recorded in the audit log.').waitFor();
    expect(
      server.authority.ca.registry.getNumber(
        `${caRegistryPaths.exitModule(sanitizeCaName(CA_NAME), PROGID_DEFAULT_EXIT)}\\PublishCertFlags`,
      ),
    ).toBe(1);
    await p.page.goto(`${server.url}/console/#/properties/policy`);
    await p.page.getByLabel(/Allow the SAN request attribute/).check();
    await p.page.getByRole('button', { name: 'Apply' }).click();
    await p.page.getByRole('status').waitFor();
    // Publishing a CRL is the CA administrator's too.
    const before = await server.authority.ca.store.getLatestCrlInfo(server.authority.ca.keyIndex, false);
    await folder(p, 'Revoked Certificates');
    await p.page.getByRole('button', { name: 'Publish CRL' }).click();
    await p.page.getByRole('status').getByText('A new base CRL was published.').waitFor();
    const after = await server.authority.ca.store.getLatestCrlInfo(server.authority.ca.keyIndex, false);
    expect(after!.crlNumber).toBeGreaterThan(before?.crlNumber ?? -1);
    await p.page.getByRole('navigation').getByRole('link', { name: 'Audit Log', exact: true }).click();
    const log = p.page.getByTestId('audit-log');
    await log.getByText('CRLDeltaPeriodUnits').waitFor();
    await log.getByText(/EditFlags/).waitFor();
    await log.getByText(/CRLPublicationURLs/).waitFor();
    await log.getByText(/PublishCertFlags/).waitFor();
    expect(await log.locator('tbody tr').first().textContent()).toContain('CERTEXIT\\pkiadmin (manager)');
    await screenshot(p, 'audit-log');
    const entries = (await server.authority.ca.store.listAudit()).filter((e) =>
      e.target.endsWith('CRLDeltaPeriodUnits'),
    );
    expect(entries[0]).toMatchObject({ identity: 'CERTEXIT\\pkiadmin', role: 'manager', oldValue: '1', newValue: '4' });
  });

  it('refuses a cross-origin form post and a change without the CSRF token', async () => {
    const target = await submit(tokens.bob, 'csrf-target');
    const p = await profile();
    await signIn(p, tokens.manager);
    // Another site's page posts a form at the CA while the manager is signed in.
    const attacker = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(
        `<!doctype html><form method="post" enctype="text/plain" action="${server.url}/v1/requests/${target.requestId}/approve"><input name="x" value="y"><button>Win a prize</button></form>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, 'localhost', resolve));
    try {
      const page = await p.context.newPage();
      await page.goto(`http://localhost:${(attacker.address() as AddressInfo).port}/`);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/approve')),
        page.getByRole('button', { name: 'Win a prize' }).click(),
      ]);
      expect(answer.status()).toBe(403);
      expect(await answer.text()).toMatch(/another site|another origin/);
      p.expectErrors(/status of 403/);
      await page.close();
    } finally {
      attacker.close();
    }
    // The console's own origin, with the session cookie but without the token; then with it (the control).
    const statuses = await p.page.evaluate(async (id) => {
      const post = (headers: Record<string, string>) =>
        fetch(`/v1/requests/${id}/approve`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: '{}',
        });
      const without = (await post({})).status;
      const wrong = (await post({ 'x-csrf-token': 'not-the-token' })).status;
      const { csrfToken } = (await (await fetch('/console/session')).json()) as { csrfToken: string };
      const right = (await post({ 'x-csrf-token': csrfToken })).status;
      return [without, wrong, right];
    }, target.requestId);
    expect(statuses.slice(0, 2)).toEqual([403, 403]);
    expect(p.expectErrors(/status of 403/)).toHaveLength(2);
    expect(statuses[2]).toBe(200);
    expect((await server.authority.ca.store.getRequest(target.requestId))?.Officer).toBe('CERTEXIT\\pkiadmin');
  });

  it('lists the templates on the CA’s list under Certificate Templates', async () => {
    const added = await api('/v1/ca/templates', { token: tokens.manager, body: { edits: ['+WebServer'] } });
    expect(added.status, added.text).toBe(200);
    const p = await profile();
    await signIn(p, tokens.alice);
    await folder(p, 'Certificate Templates');
    const table = p.page.getByTestId('folder-templates');
    const webServer = table.locator('tbody tr').filter({ hasText: 'Web Server' });
    await webServer.getByText('Server Authentication').waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(added.json.templates.length);
    await screenshot(p, 'certificate-templates');
    // Off the list, out of the folder.
    const removed = await api('/v1/ca/templates', { token: tokens.manager, body: { edits: ['-WebServer'] } });
    expect(removed.status, removed.text).toBe(200);
    await p.page.reload();
    await folder(p, 'Certificate Templates');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(removed.json.templates.length);
    expect(await webServer.count()).toBe(0);
  });

  it('pages, sorts and filters a folder on the server', async () => {
    const made: number[] = [];
    for (let i = 0; i < 30; i++)
      made.push((await submit(i % 2 ? tokens.alice : tokens.bob, `page-${String(i).padStart(2, '0')}`)).requestId);
    const p = await profile();
    await signIn(p, tokens.officer);
    await folder(p, 'Pending Requests');
    await p.page.getByLabel('Rows per page').selectOption('25');
    const ids = async () =>
      await p.page
        .locator('table.list tbody tr')
        .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-request-id'))));
    await expect.poll(async () => (await ids()).length).toBe(25);
    const firstPage = await ids();
    await p.page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(async () => (await ids())[0]).not.toBe(firstPage[0]);
    const secondPage = await ids();
    expect(Math.min(...secondPage)).toBeGreaterThan(Math.max(...firstPage));
    await p.page.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(ids).toEqual(firstPage);
    await p.page.getByRole('button', { name: 'Request ID' }).click();
    await expect.poll(async () => (await ids())[0]).toBe(Math.max(...made));
    await p.page.getByLabel('Filter Request Common Name').fill('page-1');
    await p.page.getByLabel('Filter Request Common Name').press('Enter');
    await expect.poll(async () => (await ids()).length).toBe(10);
    expect(new Set(await ids())).toEqual(new Set(made.slice(10, 20)));
  });
});

/** A module that fails every notification while `state.failing`, then delivers. */
function _flakyModule(state: { failing: boolean; calls: number }): ExitModuleFactoryV1 {
  return {
    specificationVersion: 'v1',
    progId: FLAKY,
    version: '0.0.0',
    create: () => ({
      Initialize: () => EXITEVENT_ALL_DEFINED & ~EXITEVENT_STARTUP,
      GetDescription: () => 'Flaky test module',
      async Notify() {
        state.calls++;
        if (state.failing) throw new CertexitError({ hresult: E_FAIL, message: 'the flaky module is failing' });
      },
    }),
  };
}
