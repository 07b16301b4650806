/**
 * The web hook on a real CA (the engine, its SQLite store and exit outbox) delivering to a real HTTPS receiver:
 * issuance, revocation and release from hold reach every endpoint as verified CloudEvents; an endpoint that fails
 * first is retried by the host's outbox (the module never retries itself), and the retry resends only to it.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_ISSUED } from '@certexit/core';
import type { CertificateAuthority } from '@certexit/engine';
import {
  CertificateAuthority as Authority,
  caRegistryPaths,
  editCaTemplateNames,
  PRINCIPALS,
  RegistryFile,
  setupCa,
} from '@certexit/engine';
import { createCapturingLogger } from '@certexit/testing';
import { createCertificationRequest, generateKeyPair, subjectAltName, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki } from '../../../../tooling/test/test-pki';
import { createWebhookExitModule, generateWebhookSecret, WEBHOOK_EVENT_TYPES, WEBHOOK_PROGID } from '../../src';
import type { WebhookReceiver } from '../support/webhook-receiver';
import { startWebhookReceiver } from '../support/webhook-receiver';

describe('web hook on a real CA: retries through the outbox', { timeout: 60_000 }, () => {
  let pki: TestPki;
  let receiver: WebhookReceiver;
  let work: string;
  let authority: CertificateAuthority;
  const delivered: { context: number; ok: boolean; attempt?: number }[] = [];

  beforeAll(async () => {
    pki = createTestPki('certexit Webhook Outbox CA');
    receiver = await startWebhookReceiver(pki);
    work = mkdtempSync(join(tmpdir(), 'certexit-webhook-ca-'));
    const dir = join(work, 'ca');
    const { sanitizedName } = await setupCa({
      dir,
      commonName: 'Webhook CA',
      type: 'enterprise-root',
      exitModules: [WEBHOOK_PROGID],
    });
    const secret = generateWebhookSecret();
    const secretFile = join(work, 'hook.secret');
    writeFileSync(secretFile, `${secret}\n`);
    chmodSync(secretFile, 0o600);
    receiver.path('/steady', [secret]);
    // The flaky endpoint answers 503 twice, then accepts.
    receiver.path('/flaky', [secret]).failNext.push(503, 503);
    const registry = new RegistryFile(join(dir, 'registry.json'));
    const key = caRegistryPaths.exitModule(sanitizedName, WEBHOOK_PROGID);
    registry.setValue(`${key}\\RetryBaseMs`, 100);
    registry.setValue(`${key}\\RetryMaxMs`, 400);
    for (const name of ['steady', 'flaky']) {
      registry.setValue(`${key}\\Endpoints\\${name}\\Url`, receiver.url(`/${name}`));
      registry.setValue(`${key}\\Endpoints\\${name}\\SecretFile`, secretFile);
      registry.setValue(`${key}\\Endpoints\\${name}\\CAFile`, pki.files.ca);
    }
    authority = await Authority.open({
      dir,
      logger: createCapturingLogger(),
      builtins: { [WEBHOOK_PROGID]: createWebhookExitModule() },
      delivery: 'background',
      onDelivered: (r) => delivered.push({ context: r.context, ok: r.ok }),
    });
    // WebServer (the enrollee supplies the subject) is offered; the test submits as the CA's administrators.
    editCaTemplateNames(authority.ca, ['+WebServer']);
  });

  afterAll(async () => {
    await authority?.stop({ sendShutdownEvent: false });
    await receiver.close();
    pki.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('delivers issuance, revocation and release to both endpoints; the flaky one through retries, once', async () => {
    const keyPair = await generateKeyPair('ECDSA_P256');
    const request = toPem(
      await createCertificationRequest({
        keyPair,
        keyAlgorithm: 'ECDSA_P256',
        subject: 'CN=www.certexit.test',
        extensions: [subjectAltName({ dns: ['www.certexit.test'] })],
      }),
      'CERTIFICATE REQUEST',
    );
    const outcome = await authority.submit({
      request,
      attributes: 'CertificateTemplate:WebServer',
      requesterGroups: [PRINCIPALS.administrators],
    });
    expect(outcome.disposition, outcome.message).toBe(DB_DISP_ISSUED);
    const serial = outcome.serialNumber!;
    const types = (path: string) => receiver.accepted.filter((d) => d.path === path).map((d) => d.event.type);

    await eventually(() => expect(types('/flaky')).toEqual([WEBHOOK_EVENT_TYPES.issued]), 20_000);
    expect(types('/steady')).toEqual([WEBHOOK_EVENT_TYPES.issued]);
    // The host retried (two failed attempts, then success); the steady endpoint was not sent the event again.
    expect(receiver.arrivals.filter((a) => a.path === '/flaky')).toHaveLength(3);
    expect(receiver.arrivals.filter((a) => a.path === '/steady')).toHaveLength(1);
    expect(delivered.filter((d) => d.context === outcome.requestId).map((d) => d.ok)).toEqual([false, false, true]);

    const issued = receiver.accepted.find((d) => d.path === '/steady')!;
    expect(issued.event).toMatchObject({
      id: expect.stringMatching(/^Webhook CA\/\d+$/),
      source: 'urn:certexit:ca:Webhook%20CA',
      subject: serial,
      data: { requestId: outcome.requestId, serialNumber: serial, template: 'WebServer' },
    });
    const flakyIds = receiver.arrivals.filter((a) => a.path === '/flaky').map((a) => a.webhookId);
    expect(new Set(flakyIds)).toEqual(new Set([issued.headers['webhook-id']]));

    await authority.revoke(serial, { reason: 6 });
    // The module reads the row as it is when the notification is delivered (as on AD CS): wait for the revocation
    // to be delivered before releasing the hold, or it would already read as released.
    await eventually(() => expect(types('/flaky')).toContain(WEBHOOK_EVENT_TYPES.revoked));
    await authority.unrevoke(serial);
    await eventually(() =>
      expect(types('/steady')).toEqual([
        WEBHOOK_EVENT_TYPES.issued,
        WEBHOOK_EVENT_TYPES.revoked,
        WEBHOOK_EVENT_TYPES.unrevoked,
      ]),
    );
    await eventually(() => expect(types('/flaky')).toEqual(types('/steady')));
    const revoked = receiver.accepted.filter((d) => d.path === '/steady')[1]!;
    expect(revoked.event.data).toMatchObject({ revocation: { reason: 6 } });
    // Every event has its own id.
    const ids = receiver.accepted.filter((d) => d.path === '/steady').map((d) => d.event.id);
    expect(new Set(ids).size).toBe(3);
  });
});
