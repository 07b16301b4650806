import { describe, expectTypeOf, it } from 'vitest';
import type { RunOnceOutcome } from '../idempotency/run-once';
import type { ICertServerExit } from '../interfaces/cert-server-exit';
import type { ExitModuleFactoryV1 } from '../interfaces/exit-module-factory';
import { defineExitModule } from './define-exit-module';
import type { ExtensionView, PublishedCrl } from './exit-context-views';
import { setting } from './exit-setting';

describe('defineExitModule types', () => {
  it('returns an ExitModuleFactoryV1', () => {
    const factory = defineExitModule({ progId: 'A.Exit', description: 'd', events: { issued() {} } });
    expectTypeOf(factory).toExtend<ExitModuleFactoryV1>();
    expectTypeOf(factory.eventMask).toEqualTypeOf<number>();
  });

  it('types the request views lazily, with empty properties as undefined', () => {
    defineExitModule({
      progId: 'A.Exit',
      description: 'd',
      events: {
        async issued(ctx) {
          expectTypeOf(ctx.event).toEqualTypeOf<'issued'>();
          expectTypeOf(ctx.request.id).toEqualTypeOf<Promise<number>>();
          expectTypeOf(ctx.request.requesterName).toEqualTypeOf<Promise<string | undefined>>();
          expectTypeOf(ctx.certificate.serial).toEqualTypeOf<Promise<string | undefined>>();
          expectTypeOf(ctx.certificate.der).toEqualTypeOf<Promise<Uint8Array | undefined>>();
          expectTypeOf(ctx.certificate.notAfter).toEqualTypeOf<Promise<Date | undefined>>();
          expectTypeOf(ctx.certificate.subject.commonName).toEqualTypeOf<Promise<string | undefined>>();
          expectTypeOf(ctx.certificate.extensions).toEqualTypeOf<Promise<readonly ExtensionView[]>>();
          expectTypeOf(ctx.request.attributes).toEqualTypeOf<Promise<Readonly<Record<string, string>>>>();
          expectTypeOf(ctx.ca.name).toEqualTypeOf<string>();
          expectTypeOf(ctx.eventId).toEqualTypeOf<Promise<string | undefined>>();
          expectTypeOf(ctx.server).toEqualTypeOf<ICertServerExit>();
          expectTypeOf(await ctx.request.property('RequestID', 0x1 as const)).toEqualTypeOf<number | undefined>();
          expectTypeOf(await ctx.once('post', () => 42)).toEqualTypeOf<RunOnceOutcome<number>>();
          // @ts-expect-error CRLs belong to crlIssued.
          ctx.crls;
        },
        crlIssued(ctx) {
          expectTypeOf(ctx.crls).toEqualTypeOf<Promise<readonly PublishedCrl[]>>();
          // @ts-expect-error a CRL event has no request.
          ctx.request;
        },
        shutdown(ctx) {
          expectTypeOf(ctx.event).toEqualTypeOf<'shutdown'>();
          // @ts-expect-error shutdown is CA scope: no certificate.
          ctx.certificate;
        },
      },
    });
  });

  it('infers settings from a schema: optional, defaulted, required, unions, lists', () => {
    defineExitModule({
      progId: 'A.Exit',
      description: 'd',
      settings: {
        optional: setting.string('Optional'),
        withDefault: setting.string('WithDefault', { default: 'x' }),
        required: setting.path('Required', { required: true }),
        timeoutMs: setting.dword('TimeoutMs', { default: 5000, min: 1 }),
        limit: setting.dword('Limit'),
        mode: setting.oneOf('Mode', ['a', 'b'], { default: 'a' }),
        verbose: setting.flag('Verbose', { default: false }),
        urls: setting.multiString('Urls'),
        secret: setting.binary('Secret'),
      },
      eventMask: (settings) => (settings.verbose ? 0x1 : 0),
      events: {
        denied(ctx) {
          expectTypeOf(ctx.settings.optional).toEqualTypeOf<string | undefined>();
          expectTypeOf(ctx.settings.withDefault).toEqualTypeOf<string>();
          expectTypeOf(ctx.settings.required).toEqualTypeOf<string>();
          expectTypeOf(ctx.settings.timeoutMs).toEqualTypeOf<number>();
          expectTypeOf(ctx.settings.limit).toEqualTypeOf<number | undefined>();
          expectTypeOf(ctx.settings.mode).toEqualTypeOf<'a' | 'b'>();
          expectTypeOf(ctx.settings.verbose).toEqualTypeOf<boolean>();
          expectTypeOf(ctx.settings.urls).toEqualTypeOf<readonly string[]>();
          expectTypeOf(ctx.settings.secret).toEqualTypeOf<Uint8Array | undefined>();
          // @ts-expect-error not a declared setting.
          ctx.settings.other;
        },
      },
    });
  });

  it('infers settings from a parse function', () => {
    defineExitModule({
      progId: 'A.Exit',
      description: 'd',
      settings: (key) => ({ port: Number(key.getValue('Port') ?? 443), host: String(key.getValue('Host')) }),
      initialize: ({ settings }) => {
        expectTypeOf(settings).toEqualTypeOf<{ port: number; host: string }>();
      },
      events: {
        revoked(ctx) {
          expectTypeOf(ctx.settings.port).toEqualTypeOf<number>();
        },
      },
    });
  });

  it('refuses unknown handlers and wrong handler results', () => {
    defineExitModule({
      progId: 'A.Exit',
      description: 'd',
      events: {
        // @ts-expect-error `issue` is no event (the events are issued, pending, ...).
        issue() {},
      },
    });
    defineExitModule({
      progId: 'A.Exit',
      description: 'd',
      events: {
        // @ts-expect-error a handler returns nothing or an HRESULT.
        issued: () => 'done',
      },
    });
  });
});
