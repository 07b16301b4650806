// A module written with the typed layer of @certexit/core (`defineExitModule`) keeps the whole contract the kit
// checks: it lives here because the kit depends on core, not the other way round.
import { defineExitModule, EXITEVENT_CERTISSUED, setting } from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { checkExitModule } from './check-exit-module';
import { createTestServices } from './create-test-services';

function everyEvent() {
  const seen: string[] = [];
  const factory = defineExitModule({
    progId: 'CertExit_Typed.Exit',
    description: 'Typed exit module',
    version: '1.0.0',
    settings: { prefix: setting.string('Prefix', { default: 'seen' }) },
    events: {
      async issued(ctx) {
        // Every certificate accessor, on every fixture context the kit sends (the sparse one included).
        const facts = await Promise.all([
          ctx.request.id,
          ctx.request.requesterName,
          ctx.certificate.serial,
          ctx.certificate.der,
          ctx.certificate.notAfter,
          ctx.certificate.template,
          ctx.certificate.subject.commonName,
          ctx.certificate.extensions,
          ctx.request.attributes,
          ctx.eventId,
        ]);
        await ctx.once('record', () => seen.push(`${ctx.settings.prefix} issued ${facts[0]} ${facts[2] ?? '-'}`));
      },
      async pending(ctx) {
        await ctx.once('record', async () => seen.push(`pending ${await ctx.request.id}`));
      },
      async denied(ctx) {
        await ctx.once('record', async () => seen.push(`denied ${await ctx.request.dispositionMessage}`));
      },
      async revoked(ctx) {
        await ctx.once('record', async () => seen.push(`revoked ${await ctx.request.revokedReason}`));
      },
      async imported(ctx) {
        await ctx.once('record', async () => seen.push(`imported ${await ctx.certificate.serial}`));
      },
      async retrievePending(ctx) {
        await ctx.once('record', async () => seen.push(`retrieved ${await ctx.request.id}`));
      },
      async crlIssued(ctx) {
        const crls = await ctx.crls;
        await ctx.once('record', () => seen.push(`crl ${crls.map((c) => c.base?.length).join(',')}`));
      },
      shutdown() {
        seen.push('shutdown');
      },
    },
  });
  return { factory, seen };
}

describe('defineExitModule against the conformance kit', () => {
  it('passes every check, handling each event of the fixture', async () => {
    const { factory, seen } = everyEvent();
    (await checkExitModule({ module: factory })).assertOk();
    expect(seen).toEqual(
      expect.arrayContaining([
        'seen issued 1 1a2b3c4d5e6f708192a3',
        'seen issued 6 -',
        'pending 2',
        'denied Denied by Policy Module',
        'revoked 1',
        'crl 201',
        'shutdown',
      ]),
    );
  });

  it('reads through one fresh callback per notification, set to its context', async () => {
    const { factory } = everyEvent();
    const services = createTestServices({ eventId: 'certexit Test CA/9' });
    const module = factory.create(services);
    await module.Initialize('certexit Test CA');
    await module.Notify(EXITEVENT_CERTISSUED, services.fixture.eventContexts.issued);
    await module.Notify(EXITEVENT_CERTISSUED, services.fixture.eventContexts.issued);
    expect(services.callLog.calls.filter((c) => c.method === 'SetContext')).toHaveLength(2);
    expect([...services.idempotency.completions.values()]).toEqual([1]);
  });
});
