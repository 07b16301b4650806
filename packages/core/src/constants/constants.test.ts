import { describe, expect, it } from 'vitest';
import * as core from '../index';
import * as hresults from './hresults';

describe('SDK constants', () => {
  it('carry the SDK values of the reference', () => {
    expect(core.EXITEVENT_CERTISSUED).toBe(0x1);
    expect(core.EXITEVENT_CERTIMPORTED).toBe(0x200);
    expect(core.EXITEVENT_ALL_DEFINED).toBe(0x2ff);
    expect(core.PROPTYPE_BINARY).toBe(3);
    expect(core.PROPFLAGS_INDEXED).toBe(0x10000);
    expect(core.EXTENSION_ORIGIN_CACERT).toBe(0x90000);
    expect(core.DB_DISP_DENIED).toBe(31);
    expect(core.CR_IN_PKCS10 | core.CR_IN_MACHINE).toBe(0x100100);
    expect(core.CR_FLG_PUBLISHERROR).toBe(0x80000000);
    expect(core.ENUM_STANDALONE_SUBCA).toBe(4);
    expect(core.CRL_REASON_REMOVE_FROM_CRL).toBe(8);
    expect(core.CSURL_SERVERPUBLISH | core.CSURL_SERVERPUBLISHDELTA).toBe(65);
    expect(core.CT_FLAG_PUBLISH_TO_DS).toBe(0x8);
    expect(core.CT_FLAG_MACHINE_TYPE).toBe(0x40);
    expect(core.CMM_REFRESHONLY).toBe(1);
  });

  it('computes HRESULT_FROM_WIN32 as winerror.h does', () => {
    expect(core.HRESULT_FROM_WIN32(core.ERROR_FILE_NOT_FOUND)).toBe(0x80070002);
    expect(core.HRESULT_FROM_WIN32(core.ERROR_TIMEOUT)).toBe(0x800705b4);
    expect(core.HRESULT_FROM_WIN32(0)).toBe(0);
    expect(core.HRESULT_FROM_WIN32(core.E_FAIL)).toBe(core.E_FAIL);
  });

  it('treats signed and unsigned HRESULTs alike', () => {
    expect(core.sameHResult(core.CERTSRV_E_PROPERTY_EMPTY | 0, core.CERTSRV_E_PROPERTY_EMPTY)).toBe(true);
    expect(core.FAILED(core.E_INVALIDARG | 0)).toBe(true);
    expect(core.SUCCEEDED(core.S_FALSE)).toBe(true);
    expect(core.hresultName(core.CERTSRV_E_PROPERTY_EMPTY | 0)).toBe('CERTSRV_E_PROPERTY_EMPTY');
    expect(core.formatHResult(-2146877436)).toBe('0x80094004');
  });

  it('names every HRESULT it defines, HRESULT_FROM_WIN32 ones as such', () => {
    const failures = Object.entries(hresults).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number' && core.FAILED(entry[1]),
    );
    expect(failures.length).toBeGreaterThan(60);
    for (const [name, value] of failures) {
      const shown = core.hresultName(value);
      if (name.startsWith('HRESULT_')) expect(shown, name).toMatch(/^HRESULT_FROM_WIN32\((ERROR|RPC_S)_[A-Z_]+\)$/);
      else expect(shown, name).toBe(name);
    }
    expect(core.hresultName(core.HRESULT_DS_SERVER_DOWN)).toBe('HRESULT_FROM_WIN32(ERROR_DS_SERVER_DOWN)');
    expect(core.HRESULT_DS_SERVER_DOWN).toBe(0x8007203a);
    expect(core.HRESULT_RPC_CALL_FAILED).toBe(0x800706be);
    expect(core.E_ACCESSDENIED).toBe(core.HRESULT_FROM_WIN32(core.ERROR_ACCESS_DENIED));
    // One value, two names: the SDK's own name wins.
    expect(core.hresultName(core.HRESULT_FROM_WIN32(core.ERROR_INVALID_PARAMETER))).toBe('E_INVALIDARG');
    expect(core.hresultName(0x80040001)).toBe('0x80040001');
  });

  it('names events and masks', () => {
    expect(core.exitEventName(core.EXITEVENT_CRLISSUED)).toBe('EXITEVENT_CRLISSUED');
    expect(core.exitEventName(0x100)).toBe('EXITEVENT_0x100');
    expect(core.exitEventMaskNames(0x27f)).toHaveLength(8);
    expect(core.isRequestScopedEvent(core.EXITEVENT_CERTREVOKED)).toBe(true);
    expect(core.isRequestScopedEvent(core.EXITEVENT_SHUTDOWN)).toBe(false);
    expect(core.isRequestScopedEvent(core.EXITEVENT_CERTISSUED | core.EXITEVENT_SHUTDOWN)).toBe(false);
  });

  it('checks property value shapes, int32 bounds included', () => {
    expect(core.isPropertyValueOfType(0x7fffffff, core.PROPTYPE_LONG)).toBe(true);
    expect(core.isPropertyValueOfType(0x80000000, core.PROPTYPE_LONG)).toBe(false);
    expect(core.isPropertyValueOfType(1.5, core.PROPTYPE_LONG)).toBe(false);
    expect(core.isPropertyValueOfType(new Date(Number.NaN), core.PROPTYPE_DATE)).toBe(false);
    expect(core.isPropertyValueOfType(new Uint8Array(1), core.PROPTYPE_BINARY)).toBe(true);
    expect(core.isPropertyValueOfType('x', core.PROPTYPE_BINARY)).toBe(false);
  });
});
