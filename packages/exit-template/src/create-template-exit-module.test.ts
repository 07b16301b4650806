import type { ICertExit2 } from '@certexit/core';
import { EXITEVENT_CERTISSUED } from '@certexit/core';
import { checkExitModule, createTestServices } from '@certexit/testing';
import { describe, expect, it } from 'vitest';
import { createTemplateExitModule } from './index';

describe('CertExit_Template.Exit', () => {
  // 1. The conformance kit: the contract every exit module must meet (mask, Notify on every subscribed event,
  //    unknown events, empty properties, read-only callback, manage module). Pass `config` for your settings; an
  //    opt-out must be named with its reason: `skip: { 'manage-module': 'ICertExit only' }`.
  it('passes the conformance kit', async () => {
    (await checkExitModule({ module: createTemplateExitModule() })).assertOk();
  });

  // 2. Then what makes your module yours: drive it with the kit's services and fixture and assert its effects.
  it('logs the RequestID and serial number of an issued certificate', async () => {
    const services = createTestServices();
    const module = (await createTemplateExitModule().create(services)) as ICertExit2;
    await module.Initialize('certexit Test CA');

    const { issued } = services.fixture.eventContexts;
    await module.Notify(EXITEVENT_CERTISSUED, issued);

    expect(services.logger.entries.at(-1)).toMatchObject({
      level: 'info',
      msg: 'certificate issued',
      fields: { requestId: issued, serialNumber: services.fixture.contexts[issued]?.certificate?.SerialNumber },
    });
  });

  // 3. Settings come from the module's key, with the defaults of MODULE_VALUES.
  it('logs only the RequestID when LogSerialNumber is 0', async () => {
    const services = createTestServices({ config: { LogSerialNumber: 0 } });
    const module = (await createTemplateExitModule().create(services)) as ICertExit2;
    await module.Initialize('certexit Test CA');
    const { issued } = services.fixture.eventContexts;
    await module.Notify(EXITEVENT_CERTISSUED, issued);
    expect(services.logger.entries.at(-1)).toMatchObject({ msg: 'certificate issued', fields: { requestId: issued } });
    expect(services.logger.entries.at(-1)?.fields).not.toHaveProperty('serialNumber');
  });
});
