import type { ExitModuleServices, ICertExit2 } from '@certexit/core';
import {
  CERTSRV_E_PROPERTY_EMPTY,
  CertexitError,
  E_FAIL,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  PROPTYPE_BINARY,
  PROPTYPE_LONG,
  readEventId,
  runOnce,
  S_FALSE,
} from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { checkExitModule } from './check-exit-module';

/** A well-behaved module, with switches that break one rule each. */
function sample(services: ExitModuleServices, broken: Partial<Record<string, boolean>> = {}): ICertExit2 {
  const props: Record<string, string> = {
    name: 'Sample',
    description: 'Sample exit module',
    copyright: '(c) certexit',
    'file version': '1.0.0',
    'product version': '1.0.0',
  };
  return {
    Initialize: () =>
      broken.mask ? 0x1000 : EXITEVENT_CERTISSUED | EXITEVENT_CERTPENDING | EXITEVENT_CRLISSUED | EXITEVENT_SHUTDOWN,
    GetDescription: () => (broken.description ? '' : 'Sample exit module'),
    async Notify(event, context) {
      if (broken.unknownEvents && ![1, 2, 0x20, 0x40].includes(event)) throw new Error('unexpected event');
      const server = services.createServerExit();
      await server.SetContext(context);
      if (broken.write) (server as unknown as { SetCertificateProperty?: unknown }).SetCertificateProperty;
      if (event === EXITEVENT_CERTISSUED) {
        await server.GetRequestProperty('RequestID', PROPTYPE_LONG);
        try {
          await server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY);
        } catch (error) {
          if (broken.empty || CertexitError.hresultOf(error) !== CERTSRV_E_PROPERTY_EMPTY) return E_FAIL;
        }
      }
      if (event === EXITEVENT_CRLISSUED) await server.GetCertificateProperty('RawCRL.0', PROPTYPE_BINARY);
      // A side effect, made once per EventID through the host's idempotency store.
      const eventId = (await readEventId(server)) ?? '';
      if (broken.repeats) {
        await services.idempotency.begin(eventId, 'webhook');
        await services.idempotency.complete(eventId, 'webhook');
      } else if (broken.dangles) await services.idempotency.begin(`${eventId}/${Math.random()}`, 'webhook');
      else await runOnce(services.idempotency, { eventId, action: 'webhook' }, () => undefined);
    },
    GetManageModule: () => ({
      GetProperty: (_c, _s, name) => props[broken.caseSensitive ? name : name.toLowerCase()],
      SetProperty: () => {
        if (broken.setProperty) props.name = 'changed';
        return S_FALSE;
      },
      Configure: () => undefined,
    }),
  };
}

const failedChecks = async (broken: Partial<Record<string, boolean>>) =>
  (await checkExitModule({ module: (s) => sample(s, broken), callTimeoutMs: 500 })).results
    .filter((r) => r.status === 'failed')
    .map((r) => r.check);

describe('checkExitModule', () => {
  it('passes a module that keeps the contract', async () => {
    const report = await checkExitModule({ module: (s) => sample(s) });
    expect(report.results.map((r) => r.status)).toEqual(Array(8).fill('passed'));
    expect(() => report.assertOk()).not.toThrow();
  });

  it('accepts a package factory and refuses an unknown specification version', async () => {
    const factory = {
      specificationVersion: 'v1' as const,
      progId: 'X.Exit',
      version: '1.0.0',
      create: (s: ExitModuleServices) => sample(s),
    };
    expect((await checkExitModule({ module: factory })).ok).toBe(true);
    const report = await checkExitModule({ module: { ...factory, specificationVersion: 'v9' as 'v1' } });
    expect(report.ok).toBe(false);
    expect(report.results[0]?.message).toContain('specificationVersion "v9"');
  });

  it.each([
    [{ mask: true }, ['initialize-mask']],
    [{ description: true }, ['description']],
    [{ unknownEvents: true }, ['unknown-events']],
    [{ empty: true }, ['property-empty']],
    [{ write: true }, ['read-only']],
    [{ repeats: true }, ['idempotent-retry']],
    [{ dangles: true }, ['idempotent-retry']],
    [{ caseSensitive: true }, ['manage-module']],
    [{ setProperty: true }, ['manage-module']],
  ])('fails exactly the broken rule %o', async (broken, expected) => {
    expect(await failedChecks(broken)).toEqual(expected);
  });

  it('fails a module without ICertExit2 unless the opt-out is named', async () => {
    const bare = (s: ExitModuleServices) => {
      const { GetManageModule: _, ...rest } = sample(s);
      return rest;
    };
    const report = await checkExitModule({ module: bare });
    expect(report.results.find((r) => r.check === 'manage-module')).toMatchObject({ status: 'failed' });
    expect(() => report.assertOk()).toThrow(/manage-module: the module implements ICertExit only/);
    const skipped = await checkExitModule({ module: bare, skip: { 'manage-module': 'ICertExit only by design' } });
    expect(skipped.ok).toBe(true);
    expect(skipped.results.find((r) => r.check === 'manage-module')).toEqual({
      check: 'manage-module',
      status: 'skipped',
      message: 'ICertExit only by design',
    });
  });

  it('fails a module that hangs, naming the call', async () => {
    const report = await checkExitModule({
      module: (s) => ({ ...sample(s), Notify: () => new Promise<void>(() => {}) }),
      callTimeoutMs: 50,
    });
    expect(report.results.find((r) => r.check === 'notify-subscribed')?.message).toMatch(
      /Notify did not return within 50 ms/,
    );
  });

  it('fails an object that is not an ICertExit', async () => {
    const report = await checkExitModule({ module: () => ({ Initialize: () => 1 }) });
    expect(report.ok).toBe(false);
    expect(report.results[0]?.message).toContain('missing Notify, GetDescription');
  });
});
