import type { MaybePromise } from '@certexit/core';
import {
  CERTSRV_E_PROPERTY_EMPTY,
  CertexitError,
  DISP_E_TYPEMISMATCH,
  DISP_E_UNKNOWNNAME,
  E_INVALIDARG,
  E_NOINTERFACE,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTREVOKED,
  HRESULT_TIMEOUT,
  S_OK,
} from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { CERT_MANAGE_MODULE_METHODS } from './automation-signatures';
import { createDispatch } from './create-dispatch';
import type { IDispatch } from './dispatch';
import { DispatchError } from './dispatch-error';
import { hostAutomationModule } from './hosted-automation-module';
import type { Variant } from './variant';
import { VT_BOOL, VT_BSTR, VT_DISPATCH, VT_EMPTY, VT_I4 } from './variant';

/** A hand-written late-bound module answering raw VARIANTs; `lookups` counts GetIDsOfNames calls. */
function rawModule(members: Record<string, (args: Variant[]) => MaybePromise<unknown>>) {
  const names = Object.keys(members);
  const lookups: string[] = [];
  const disp: IDispatch = {
    GetIDsOfNames(requested) {
      lookups.push(requested[0] ?? '');
      const index = names.findIndex((n) => n.toLowerCase() === requested[0]?.toLowerCase());
      if (index < 0) throw new DispatchError({ hresult: DISP_E_UNKNOWNNAME, message: `no ${requested[0]}` });
      return [index + 1];
    },
    Invoke: (dispId, _flags, args) => members[names[dispId - 1] ?? '']?.(args) as MaybePromise<Variant>,
  };
  return { disp, lookups };
}

const ok = {
  Initialize: () => ({ vt: VT_I4, value: EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED }),
  Notify: () => ({ vt: VT_EMPTY }),
  GetDescription: () => ({ vt: VT_BSTR, value: 'Hosted script' }),
};

describe('hostAutomationModule', () => {
  it('drives a late-bound module with the automation binding', async () => {
    const manage = createDispatch(
      { GetProperty: () => 'Hosted script', SetProperty: () => undefined, Configure: () => undefined },
      { methods: CERT_MANAGE_MODULE_METHODS },
    );
    const hosted = hostAutomationModule(
      rawModule({ ...ok, GetManageModule: () => ({ vt: VT_DISPATCH, value: manage }) }).disp,
    );
    expect(hosted.specificationVersion).toBe('v1');
    expect(hosted.binding).toBe('automation');
    expect(await hosted.doInitialize('CA')).toEqual({
      ok: true,
      hresult: S_OK,
      value: EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED,
    });
    expect(await hosted.doNotify(EXITEVENT_CERTISSUED, 1)).toEqual({ ok: true, hresult: S_OK, value: undefined });
    expect(await hosted.doGetDescription()).toEqual({ ok: true, hresult: S_OK, value: 'Hosted script' });
    const outcome = await hosted.doGetManageModule();
    expect(outcome.ok).toBe(true);
    expect(outcome.ok && (await outcome.value?.GetProperty('c', 's', 'Name', 0))).toBe('Hosted script');
  });

  it('answers no manage module for an ICertExit-only module', async () => {
    expect(await hostAutomationModule(rawModule(ok).disp).doGetManageModule()).toEqual({
      ok: true,
      hresult: S_OK,
      value: undefined,
    });
  });

  it('never throws: a raised script error becomes an outcome with its scode', async () => {
    const hosted = hostAutomationModule(
      rawModule({
        ...ok,
        Notify: () => {
          throw DispatchError.exception({
            source: 'Script.Exit',
            description: 'CertFile is empty',
            scode: CERTSRV_E_PROPERTY_EMPTY,
          });
        },
      }).disp,
      { source: 'Script.Exit' },
    );
    const outcome = await hosted.doNotify(EXITEVENT_CERTISSUED, 1);
    expect(outcome).toMatchObject({ ok: false, hresult: CERTSRV_E_PROPERTY_EMPTY });
    expect(!outcome.ok && CertexitError.isInstance(outcome.error)).toBe(true);
    expect(!outcome.ok && outcome.error.message).toContain('Notify: CertFile is empty');
  });

  it('fails a mask outside the defined bits with E_INVALIDARG naming the bits', async () => {
    const hosted = hostAutomationModule(rawModule({ ...ok, Initialize: () => ({ vt: VT_I4, value: 0x1001 }) }).disp, {
      source: 'Script.Exit',
    });
    const outcome = await hosted.doInitialize('CA');
    expect(outcome).toMatchObject({ ok: false, hresult: E_INVALIDARG });
    expect(!outcome.ok && outcome.error.message).toMatch(
      /\[Script\.Exit\] Initialize returned mask 0x00001001 with undefined bits 0x00001000/,
    );
    // VBScript's True is -1: every bit.
    const allBits = await hostAutomationModule(
      rawModule({ ...ok, Initialize: () => ({ vt: VT_BOOL, value: true }) }).disp,
    ).doInitialize('CA');
    expect(allBits).toMatchObject({
      ok: false,
      hresult: E_INVALIDARG,
      error: { message: expect.stringContaining('undefined bits 0xfffffd00') },
    });
  });

  it('fails garbage returns with DISP_E_TYPEMISMATCH', async () => {
    const garbage = hostAutomationModule(
      rawModule({
        ...ok,
        Initialize: () => ({ vt: VT_BSTR, value: 'issued please' }),
        GetDescription: () => ({ description: 'x' }),
      }).disp,
    );
    expect(await garbage.doInitialize('CA')).toMatchObject({ ok: false, hresult: DISP_E_TYPEMISMATCH });
    expect(await garbage.doGetDescription()).toMatchObject({
      ok: false,
      hresult: DISP_E_TYPEMISMATCH,
      error: { message: expect.stringContaining('GetDescription result is not a VARIANT') },
    });
  });

  it('reports a missing method or a non-dispatch object, and looks the names up again later', async () => {
    const { Notify: _, ...noNotify } = ok;
    const module = rawModule(noNotify);
    const hosted = hostAutomationModule(module.disp);
    expect(await hosted.doInitialize('CA')).toMatchObject({ ok: false, hresult: DISP_E_UNKNOWNNAME });
    expect(await hosted.doGetDescription()).toMatchObject({ ok: false, hresult: DISP_E_UNKNOWNNAME });
    expect(module.lookups.filter((name) => name === 'Initialize')).toHaveLength(2);
    const notDispatch = hostAutomationModule({} as IDispatch);
    expect(await notDispatch.doNotify(1, 1)).toMatchObject({ ok: false, hresult: E_NOINTERFACE });
  });

  it('looks the names up once when they are there', async () => {
    const module = rawModule(ok);
    const hosted = hostAutomationModule(module.disp);
    await hosted.doInitialize('CA');
    await hosted.doNotify(1, 1);
    await hosted.doNotify(1, 2);
    await hosted.doGetDescription();
    expect(module.lookups).toEqual(['Initialize', 'Notify', 'GetDescription', 'GetManageModule']);
  });

  it('gives up on a hung call with HRESULT_FROM_WIN32(ERROR_TIMEOUT)', async () => {
    const hosted = hostAutomationModule(rawModule({ ...ok, Notify: () => new Promise(() => undefined) }).disp, {
      source: 'Slow.Exit',
      notifyTimeoutMs: 20,
    });
    const outcome = await hosted.doNotify(EXITEVENT_CERTISSUED, 1);
    expect(outcome).toMatchObject({ ok: false, hresult: HRESULT_TIMEOUT, error: { isRetryable: true } });
    expect(!outcome.ok && outcome.error.message).toContain('Notify did not return within 20 ms');
    // Other calls keep their own (longer) deadline.
    expect(await hosted.doGetDescription()).toMatchObject({ ok: true, value: 'Hosted script' });
  });
});
