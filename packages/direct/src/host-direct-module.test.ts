import type { ExitModuleServices, ICertExit } from '@certexit/core';
import {
  CERTSRV_E_PROPERTY_EMPTY,
  CertexitError,
  E_FAIL,
  E_INVALIDARG,
  E_UNEXPECTED,
  EXITEVENT_CERTISSUED,
  HRESULT_TIMEOUT,
  IID_ICertExit,
  IID_ICertExit2,
  S_FALSE,
  S_OK,
} from '@certexit/core';
import { checkExitModule, createTestServices } from '@certexit/testing';
import { describe, expect, it } from 'vitest';
import { hostDirectModule } from './host-direct-module';
import { isCertExit, isCertExit2, queryInterface } from './query-interface';

const base: ICertExit = { Initialize: () => EXITEVENT_CERTISSUED, Notify: () => S_OK, GetDescription: () => 'Test' };

describe('queryInterface', () => {
  it('detects ICertExit and ICertExit2 like QueryInterface', () => {
    const two = { ...base, GetManageModule: () => ({}) };
    expect(isCertExit(base)).toBe(true);
    expect(isCertExit2(base)).toBe(false);
    expect(isCertExit2(two)).toBe(true);
    expect(queryInterface(two, `{${IID_ICertExit2.toUpperCase()}}`)).toBe(two);
    expect(queryInterface(base, IID_ICertExit2)).toBeUndefined();
    expect(queryInterface(base, IID_ICertExit)).toBe(base);
    expect(isCertExit({ Initialize: 1, Notify: () => 0, GetDescription: () => '' })).toBe(false);
    expect(isCertExit(null)).toBe(false);
  });
});

describe('hostDirectModule', () => {
  it('passes the mask, description and HRESULTs through', async () => {
    const hosted = hostDirectModule({ ...base, Notify: () => S_FALSE }, { source: 'T.Exit' });
    expect(await hosted.doInitialize('CA')).toEqual({ ok: true, hresult: S_OK, value: EXITEVENT_CERTISSUED });
    expect(await hosted.doGetDescription()).toEqual({ ok: true, hresult: S_OK, value: 'Test' });
    expect(await hosted.doNotify(1, 1)).toEqual({ ok: true, hresult: S_FALSE, value: undefined });
    expect(await hosted.doGetManageModule()).toEqual({ ok: true, hresult: S_OK, value: undefined });
    expect(hosted.binding).toBe('direct');
  });

  it('contains throws, rejections and failure HRESULTs, keeping the HRESULT and naming the module', async () => {
    const thrown = await hostDirectModule(
      {
        ...base,
        Notify: () => {
          throw new CertexitError({ hresult: CERTSRV_E_PROPERTY_EMPTY, message: 'no cert' });
        },
      },
      { source: 'T.Exit' },
    ).doNotify(1, 1);
    expect(thrown).toMatchObject({ ok: false, hresult: CERTSRV_E_PROPERTY_EMPTY });
    const rejected = await hostDirectModule({ ...base, Notify: () => Promise.reject(new Error('net down')) }).doNotify(
      1,
      1,
    );
    expect(rejected).toMatchObject({ ok: false, hresult: E_FAIL });
    const returned = await hostDirectModule({ ...base, Notify: () => E_INVALIDARG | 0 }, { source: 'T.Exit' }).doNotify(
      1,
      1,
    );
    expect(returned.ok).toBe(false);
    expect(returned.hresult).toBe(E_INVALIDARG);
    expect(!returned.ok && returned.error.message).toContain('[T.Exit] Notify returned 0x80070057');
    const thrownString = await hostDirectModule({
      ...base,
      Notify: () => {
        throw 'plain string';
      },
    }).doNotify(1, 1);
    expect(!thrownString.ok && thrownString.error.message).toBe('plain string');
  });

  it('rejects garbage returns with E_UNEXPECTED and a clear message', async () => {
    const notify = await hostDirectModule({ ...base, Notify: () => 'ok' as unknown as number }).doNotify(1, 1);
    expect(notify).toMatchObject({ ok: false, hresult: E_UNEXPECTED });
    expect(!notify.ok && notify.error.message).toContain('returned the string "ok", not an HRESULT');
    const mask = await hostDirectModule({ ...base, Initialize: () => ({}) as unknown as number }).doInitialize('CA');
    expect(mask).toMatchObject({ ok: false, hresult: E_UNEXPECTED });
    const bits = await hostDirectModule({ ...base, Initialize: () => 0x1001 }).doInitialize('CA');
    expect(!bits.ok && bits.error.message).toContain('undefined bits 0x00001000');
    const description = await hostDirectModule({
      ...base,
      GetDescription: () => 42 as unknown as string,
    }).doGetDescription();
    expect(description).toMatchObject({ ok: false, hresult: E_UNEXPECTED });
    const manage = await hostDirectModule({
      ...base,
      GetManageModule: () => ({ GetProperty: 1 }),
    } as ICertExit).doGetManageModule();
    expect(manage).toMatchObject({ ok: false, hresult: E_UNEXPECTED });
  });

  it('abandons a call past its deadline as ERROR_TIMEOUT', async () => {
    const hung = hostDirectModule(
      { ...base, Notify: () => new Promise<void>(() => {}) },
      { notifyTimeoutMs: 30, source: 'Slow.Exit' },
    );
    const outcome = await hung.doNotify(1, 1);
    expect(outcome).toMatchObject({ ok: false, hresult: HRESULT_TIMEOUT });
    expect(!outcome.ok && outcome.error.message).toContain('[Slow.Exit] Notify did not return within 30 ms');
  });

  it('hosts a module that passes the conformance kit end to end', async () => {
    const create = (services: ExitModuleServices): ICertExit => ({
      Initialize: () => EXITEVENT_CERTISSUED,
      GetDescription: () => 'Reads the serial',
      async Notify(event, context) {
        if (event !== EXITEVENT_CERTISSUED) return;
        const server = services.createServerExit();
        await server.SetContext(context);
        try {
          services.logger.info({ serial: await server.GetCertificateProperty('SerialNumber', 4) }, 'issued');
        } catch (error) {
          // Absent is not an error: a sparse request has no serial yet.
          if (CertexitError.hresultOf(error) !== CERTSRV_E_PROPERTY_EMPTY) throw error;
        }
      },
    });
    const services = createTestServices();
    const hosted = hostDirectModule(create(services));
    expect((await hosted.doInitialize('CA')).ok).toBe(true);
    expect((await hosted.doNotify(EXITEVENT_CERTISSUED, services.fixture.eventContexts.issued)).ok).toBe(true);
    expect(services.logger.entries[0]?.fields).toEqual({ serial: '1a2b3c4d5e6f708192a3' });
    const report = await checkExitModule({ module: create, skip: { 'manage-module': 'ICertExit only' } });
    expect(report.ok).toBe(true);
  });
});
