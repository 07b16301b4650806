import type { ICertManageModule, PropertyValue } from '@certexit/core';
import {
  CertexitError,
  CMM_REFRESHONLY,
  DISP_E_TYPEMISMATCH,
  DISP_E_UNKNOWNNAME,
  E_ACCESSDENIED,
} from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { callByName } from './call-by-name';
import { createDispatch } from './create-dispatch';
import type { DispatchError } from './dispatch-error';
import { dispatchToManageModule } from './dispatch-manage-module';
import { manageModuleToDispatch } from './manage-module-dispatch';
import { VT_BSTR, VT_DATE, VT_DISPATCH, VT_EMPTY, VT_I4, VT_VARIANT } from './variant';

const CONFIG = 'CA01\\certexit Test CA';
const STORAGE = 'SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\certexit Test CA\\ExitModules\\T.Exit';

function sampleManage() {
  const calls: unknown[][] = [];
  const values: Record<string, PropertyValue> = {
    name: 'Sample',
    'file version': '1.2.3',
    built: new Date('2026-01-05T10:00:00.123Z'),
    thumbprint: Uint8Array.of(0, 0x7f, 0x80, 0xff),
    ismultithreaded: 1,
  };
  const manage: ICertManageModule = {
    GetProperty: async (config, storage, name, flags) => {
      calls.push(['GetProperty', config, storage, name, flags]);
      return values[name.toLowerCase()];
    },
    SetProperty: (_config, _storage, name, flags, value) => {
      calls.push(['SetProperty', name, flags, value]);
      return name === 'Locked' ? E_ACCESSDENIED : undefined;
    },
    Configure: (config, storage, flags) => {
      calls.push(['Configure', config, storage, flags]);
      if (flags === 0) throw new CertexitError({ hresult: E_ACCESSDENIED, message: 'no UI here' });
    },
  };
  return { manage, calls };
}

describe('manageModuleToDispatch', () => {
  it('answers GetProperty late-bound: strings as VT_BSTR, Empty for an unknown name', async () => {
    const { manage, calls } = sampleManage();
    const disp = manageModuleToDispatch(manage);
    expect(await callByName(disp, 'GetProperty', [CONFIG, STORAGE, 'File Version', 0])).toEqual({
      vt: VT_BSTR,
      value: '1.2.3',
    });
    expect(await callByName(disp, 'getproperty', [CONFIG, STORAGE, 'Unknown', 0])).toEqual({ vt: VT_EMPTY });
    expect(await callByName(disp, 'GetProperty', [CONFIG, STORAGE, 'IsMultiThreaded', 0])).toEqual({
      vt: VT_I4,
      value: 1,
    });
    expect(await callByName(disp, 'GetProperty', [CONFIG, STORAGE, 'Built', 0])).toMatchObject({ vt: VT_DATE });
    expect(calls[0]).toEqual(['GetProperty', CONFIG, STORAGE, 'File Version', 0]);
  });

  it('raises a failure HRESULT returned by SetProperty, and errors thrown by Configure', async () => {
    const { manage, calls } = sampleManage();
    const disp = manageModuleToDispatch(manage, 'T.ExitManage');
    expect(await callByName(disp, 'SetProperty', [CONFIG, STORAGE, 'Name', 0, 'x'])).toEqual({ vt: VT_EMPTY });
    const locked = (await callByName(disp, 'SetProperty', [CONFIG, STORAGE, 'Locked', 0, 1]).catch(
      (e: unknown) => e,
    )) as DispatchError;
    expect(locked.excepInfo).toMatchObject({ source: 'T.ExitManage', scode: E_ACCESSDENIED });
    const configure = (await callByName(disp, 'Configure', [CONFIG, STORAGE, 0]).catch(
      (e: unknown) => e,
    )) as DispatchError;
    expect(configure.excepInfo).toEqual({ source: 'T.ExitManage', description: 'no UI here', scode: E_ACCESSDENIED });
    expect(await callByName(disp, 'Configure', [CONFIG, STORAGE, CMM_REFRESHONLY])).toEqual({ vt: VT_EMPTY });
    expect(calls.filter((c) => c[0] === 'Configure').map((c) => c[3])).toEqual([0, CMM_REFRESHONLY]);
  });
});

describe('dispatchToManageModule', () => {
  it('reads GetProperty through dispatch with the same values as the direct object', async () => {
    const { manage } = sampleManage();
    const late = dispatchToManageModule(manageModuleToDispatch(manage));
    for (const name of ['Name', 'FILE VERSION', 'Built', 'Thumbprint', 'IsMultiThreaded', 'Unknown']) {
      expect(await late.GetProperty(CONFIG, STORAGE, name, 0), name).toEqual(
        await manage.GetProperty(CONFIG, STORAGE, name, 0),
      );
    }
    expect(await late.GetProperty(CONFIG, STORAGE, 'Built', 0)).toEqual(new Date('2026-01-05T10:00:00.123Z'));
    expect(await late.GetProperty(CONFIG, STORAGE, 'Thumbprint', 0)).toEqual(Uint8Array.of(0, 0x7f, 0x80, 0xff));
  });

  it('passes SetProperty values and flags through and throws the raised HRESULT', async () => {
    const { manage, calls } = sampleManage();
    const late = dispatchToManageModule(manageModuleToDispatch(manage));
    await late.SetProperty(CONFIG, STORAGE, 'Name', 0, Uint8Array.of(1, 2));
    await late.SetProperty(CONFIG, STORAGE, 'Name', 0, undefined);
    expect(calls).toEqual([
      ['SetProperty', 'Name', 0, Uint8Array.of(1, 2)],
      ['SetProperty', 'Name', 0, undefined],
    ]);
    await expect(late.SetProperty(CONFIG, STORAGE, 'Locked', 0, 'x')).rejects.toMatchObject({
      hresult: E_ACCESSDENIED,
    });
    await expect(late.Configure(CONFIG, STORAGE, 0)).rejects.toMatchObject({ hresult: E_ACCESSDENIED });
    await late.Configure(CONFIG, STORAGE, CMM_REFRESHONLY);
  });

  it('still answers GetProperty when the object has no SetProperty, and refuses results with no property value', async () => {
    const partial = createDispatch(
      {
        GetProperty: (_config: string, _storage: string, name: string) =>
          name === 'Bad' ? { vt: VT_DISPATCH, value: null } : 'Partial',
      },
      { methods: { GetProperty: { params: [VT_BSTR, VT_BSTR, VT_BSTR, VT_I4], returns: VT_VARIANT } } },
    );
    const late = dispatchToManageModule(partial);
    expect(await late.GetProperty(CONFIG, STORAGE, 'Name', 0)).toBe('Partial');
    await expect(late.GetProperty(CONFIG, STORAGE, 'Bad', 0)).rejects.toMatchObject({
      hresult: DISP_E_TYPEMISMATCH,
      message: expect.stringContaining('GetProperty returned'),
    });
    await expect(late.SetProperty(CONFIG, STORAGE, 'Name', 0, 'x')).rejects.toMatchObject({
      hresult: DISP_E_UNKNOWNNAME,
    });
  });
});
