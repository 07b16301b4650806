import { EXITEVENT_CERTISSUED, EXITEVENT_CERTPENDING, S_OK } from '@certexit/core';
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
  it('subscribes to issued certificates only', async () => {
    const module = createTemplateExitModule().create(createTestServices());
    expect(await module.Initialize('certexit Test CA')).toBe(EXITEVENT_CERTISSUED);
  });

  it('logs the RequestID and serial number of an issued certificate', async () => {
    const services = createTestServices();
    const module = createTemplateExitModule().create(services);
    await module.Initialize('certexit Test CA');

    const { issued, pending } = services.fixture.eventContexts;
    expect(await module.Notify(EXITEVENT_CERTISSUED, issued)).toBe(S_OK);
    expect(services.logger.entries.at(-1)).toMatchObject({
      level: 'info',
      msg: 'certificate issued',
      fields: { requestId: issued, serialNumber: services.fixture.contexts[issued]?.certificate?.SerialNumber },
    });

    // An event it did not subscribe to is answered S_OK and does nothing.
    const logged = services.logger.entries.length;
    expect(await module.Notify(EXITEVENT_CERTPENDING, pending)).toBe(S_OK);
    expect(services.logger.entries).toHaveLength(logged);
  });

  // 3. Settings come from the module's key, with the defaults its `settings` declare.
  it('logs only the RequestID when LogSerialNumber is 0', async () => {
    const services = createTestServices({ config: { LogSerialNumber: 0 } });
    const module = createTemplateExitModule().create(services);
    await module.Initialize('certexit Test CA');
    const { issued } = services.fixture.eventContexts;
    await module.Notify(EXITEVENT_CERTISSUED, issued);
    expect(services.logger.entries.at(-1)).toMatchObject({ msg: 'certificate issued', fields: { requestId: issued } });
    expect(services.logger.entries.at(-1)?.fields).not.toHaveProperty('serialNumber');
  });

  it('declares LogSerialNumber for certexit getreg/setreg', () => {
    expect(createTemplateExitModule().configuration?.values).toEqual({
      LogSerialNumber: expect.objectContaining({ name: 'LogSerialNumber', type: 'REG_DWORD', default: 1, max: 1 }),
    });
  });
});
