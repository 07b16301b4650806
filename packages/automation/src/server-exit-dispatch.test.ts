import type { ICertServerExit } from '@certexit/core';
import {
  CERTSRV_E_NO_REQUEST,
  CERTSRV_E_PROPERTY_EMPTY,
  CertexitError,
  DISP_E_EXCEPTION,
  DISP_E_OVERFLOW,
  DISP_E_TYPEMISMATCH,
  DISP_E_UNKNOWNNAME,
  E_INVALIDARG,
  E_UNEXPECTED,
  EXTENSION_CRITICAL_FLAG,
  EXTENSION_ORIGIN_POLICY,
  PROPTYPE_BINARY,
  PROPTYPE_DATE,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
} from '@certexit/core';
import { createMemoryServerExit, createServerExitCallLog, defaultFixture } from '@certexit/testing';
import { describe, expect, it } from 'vitest';
import { byteStringToBytes } from './byte-string';
import { callByName } from './call-by-name';
import { DispatchError } from './dispatch-error';
import { dispatchToServerExit } from './dispatch-server-exit';
import { oleDateFromDate } from './ole-date';
import { serverExitToDispatch } from './server-exit-dispatch';
import { VT_BSTR, VT_DATE, VT_EMPTY, VT_I4 } from './variant';

const fixture = defaultFixture();
const issued = fixture.contexts[fixture.eventContexts.issued]!;
const newServer = () => createMemoryServerExit(fixture);

async function raised(call: Promise<unknown>): Promise<DispatchError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!DispatchError.isInstance(error)) throw new Error(`expected a DispatchError, got ${String(error)}`);
  return error;
}

describe('serverExitToDispatch', () => {
  it('returns each property as a VARIANT of its PROPTYPE, binary as a byte string', async () => {
    const server = serverExitToDispatch(newServer());
    await callByName(server, 'SetContext', [fixture.eventContexts.issued]);
    expect(await callByName(server, 'GetRequestProperty', ['RequestID', PROPTYPE_LONG])).toEqual({
      vt: VT_I4,
      value: 1,
    });
    expect(await callByName(server, 'GetRequestProperty', ['RequesterName', PROPTYPE_STRING])).toEqual({
      vt: VT_BSTR,
      value: 'CERTEXIT\\alice',
    });
    const notAfter = issued.certificate?.NotAfter as Date;
    expect(await callByName(server, 'GetCertificateProperty', ['NotAfter', PROPTYPE_DATE])).toEqual({
      vt: VT_DATE,
      value: oleDateFromDate(notAfter),
    });
    const der = await callByName(server, 'getcertificateproperty', ['RawCertificate', PROPTYPE_BINARY]);
    expect(der).toMatchObject({ vt: VT_BSTR, binary: true });
    expect(byteStringToBytes(der.value as string)).toEqual(issued.certificate?.RawCertificate);
  });

  it('reads extensions with their flags as VT_I4 and enumerates to ""', async () => {
    const server = serverExitToDispatch(newServer());
    await callByName(server, 'SetContext', [1]);
    const ku = await callByName(server, 'GetCertificateExtension', ['2.5.29.15', PROPTYPE_BINARY]);
    expect(byteStringToBytes(ku.value as string)).toEqual(Uint8Array.of(3, 2, 7, 0x80));
    expect(await callByName(server, 'GetCertificateExtensionFlags')).toEqual({
      vt: VT_I4,
      value: EXTENSION_ORIGIN_POLICY | EXTENSION_CRITICAL_FLAG,
    });

    await callByName(server, 'EnumerateExtensionsSetup', [0]);
    const oids: string[] = [];
    // Bounded, so a cursor that never ends fails the test instead of hanging it.
    for (let i = 0; i < 50; i++) {
      const next = await callByName(server, 'EnumerateExtensions');
      expect(next.vt).toBe(VT_BSTR);
      if (next.value === '') break;
      oids.push(next.value as string);
    }
    await callByName(server, 'EnumerateExtensionsClose');
    expect(oids).toEqual(issued.extensions?.map((e) => e.oid));

    await callByName(server, 'EnumerateAttributesSetup', [0]);
    const names: string[] = [];
    for (let next = await callByName(server, 'EnumerateAttributes'); next.value !== '' && names.length < 50; ) {
      names.push(next.value as string);
      next = await callByName(server, 'EnumerateAttributes');
    }
    expect(names).toEqual(Object.keys(issued.attributes ?? {}));
    expect(await callByName(server, 'GetRequestAttribute', ['certificate-template'])).toEqual({
      vt: VT_BSTR,
      value: 'User',
    });
    expect(await callByName(server, 'EnumerateAttributesClose')).toEqual({ vt: VT_EMPTY });
  });

  it('raises server errors as DISP_E_EXCEPTION whose scode is the server HRESULT', async () => {
    const server = serverExitToDispatch(newServer());
    await callByName(server, 'SetContext', [fixture.eventContexts.pending]);
    const empty = await raised(callByName(server, 'GetCertificateProperty', ['RawCertificate', PROPTYPE_BINARY]));
    expect(empty.hresult).toBe(DISP_E_EXCEPTION);
    expect(empty.excepInfo).toMatchObject({
      source: 'CertificateAuthority.ServerExit',
      scode: CERTSRV_E_PROPERTY_EMPTY,
    });
    expect(empty.excepInfo?.description).toContain('RawCertificate');
    expect(DispatchError.errNumber(empty)).toBe(CERTSRV_E_PROPERTY_EMPTY);

    const unknown = await raised(callByName(server, 'GetRequestProperty', ['NoSuchColumn', PROPTYPE_STRING]));
    expect(unknown.excepInfo?.scode).toBe(E_INVALIDARG);
    const wrongType = await raised(callByName(server, 'GetRequestProperty', ['RequestID', PROPTYPE_STRING]));
    expect(wrongType.excepInfo?.scode).toBe(E_INVALIDARG);
    const noRequest = await raised(callByName(server, 'SetContext', [4711]));
    expect(noRequest.excepInfo?.scode).toBe(CERTSRV_E_NO_REQUEST);
    const order = await raised(callByName(server, 'EnumerateExtensions'));
    expect(order.excepInfo?.scode).toBe(E_UNEXPECTED);
  });

  it('offers only the read methods: no setter can be looked up', async () => {
    const log = createServerExitCallLog();
    const server = serverExitToDispatch(createMemoryServerExit(fixture, { log }));
    for (const name of ['SetCertificateProperty', 'SetCertificateExtension']) {
      expect((await raised(callByName(server, name, ['x', 1]))).hresult).toBe(DISP_E_UNKNOWNNAME);
    }
    expect(log.writeAttempts).toEqual([]);
  });

  it('refuses a value of the wrong shape from a faulty server with DISP_E_TYPEMISMATCH as scode', async () => {
    const faulty = { ...newServer(), GetCertificateProperty: async () => 'not bytes' } as unknown as ICertServerExit;
    const error = await raised(
      callByName(serverExitToDispatch(faulty), 'GetCertificateProperty', ['RawCertificate', PROPTYPE_BINARY]),
    );
    expect(error.excepInfo?.scode).toBe(DISP_E_TYPEMISMATCH);
  });
});

describe('dispatchToServerExit', () => {
  it('reads back exactly what the direct interface reads', async () => {
    const direct = newServer();
    const late = dispatchToServerExit(serverExitToDispatch(newServer()));
    for (const server of [direct, late]) await server.SetContext(fixture.eventContexts.issued);
    const reads: [string, number][] = [
      ['RequestID', PROPTYPE_LONG],
      ['StatusCode', PROPTYPE_LONG],
      ['SubmittedWhen', PROPTYPE_DATE],
      ['RawRequest', PROPTYPE_BINARY],
      ['RequesterName', PROPTYPE_STRING],
    ];
    for (const [name, type] of reads) {
      expect(await late.GetRequestProperty(name, type), name).toEqual(await direct.GetRequestProperty(name, type));
    }
    for (const [name, type] of [
      ['RawCertificate', PROPTYPE_BINARY],
      ['NotBefore', PROPTYPE_DATE],
      ['SerialNumber', PROPTYPE_STRING],
    ] as const) {
      expect(await late.GetCertificateProperty(name, type), name).toEqual(
        await direct.GetCertificateProperty(name, type),
      );
    }
    expect(await late.GetCertificateExtension('1.3.6.1.4.1.311.20.2', PROPTYPE_BINARY)).toEqual(
      await direct.GetCertificateExtension('1.3.6.1.4.1.311.20.2', PROPTYPE_BINARY),
    );
    expect(await late.GetCertificateExtensionFlags()).toBe(await direct.GetCertificateExtensionFlags());
    for (const server of [direct, late]) await server.EnumerateAttributesSetup(0);
    for (let i = 0; i < 50; i++) {
      const [a, b] = [await direct.EnumerateAttributes(), await late.EnumerateAttributes()];
      expect(b).toBe(a);
      if (a === undefined) break;
    }
  });

  it('throws the server HRESULT, not DISP_E_EXCEPTION', async () => {
    const late = dispatchToServerExit(serverExitToDispatch(newServer()));
    await late.SetContext(fixture.eventContexts.pending);
    const error = await Promise.resolve(late.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY)).catch(
      (e: unknown) => e,
    );
    expect(CertexitError.isInstance(error)).toBe(true);
    expect(CertexitError.hresultOf(error)).toBe(CERTSRV_E_PROPERTY_EMPTY);
    expect((error as Error).message).toContain('GetCertificateProperty');
    // A context is a LONG: one beyond int32 is refused before any call, not wrapped into another context.
    await expect(late.SetContext(0x80000000)).rejects.toMatchObject({ hresult: DISP_E_OVERFLOW });
  });
});
