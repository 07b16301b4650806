import type { ICertExit2 } from '@certexit/core';
import { EXITEVENT_CERTISSUED, S_OK } from '@certexit/core';
import { checkExitModule, createTestServices } from '@certexit/testing';
import { describe, expect, it } from 'vitest';
import { createWebhookExitModule, WEBHOOK_PROGID } from './index';

// Deliveries to real endpoints are tested in test/integration (a real HTTPS receiver, and a real CA's outbox).
describe('CertExit_Webhook.Exit', () => {
  it('passes the conformance kit without endpoints (loads, subscribes to nothing, warns)', async () => {
    (await checkExitModule({ module: createWebhookExitModule() })).assertOk();
  });

  it('describes itself with its ProgID and build-time version', () => {
    expect(createWebhookExitModule()).toMatchObject({ specificationVersion: 'v1', progId: WEBHOOK_PROGID });
    expect(createWebhookExitModule().version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('without endpoints subscribes to nothing and says where to add one', async () => {
    const services = createTestServices({ progId: WEBHOOK_PROGID });
    const module = (await createWebhookExitModule().create(services)) as ICertExit2;
    expect(await module.Initialize('certexit Test CA')).toBe(0);
    expect(services.logger.entries.at(-1)?.msg).toMatch(/no usable endpoint under .*CertExit_Webhook\.Exit\\Endpoints/);
    expect(await module.Notify(EXITEVENT_CERTISSUED, services.fixture.eventContexts.issued)).toBe(S_OK);
  });
});
