import {
  CERTSRV_E_NO_REQUEST,
  CERTSRV_E_PROPERTY_EMPTY,
  CertexitError,
  E_INVALIDARG,
  E_UNEXPECTED,
  EXTENSION_DISABLE_FLAG,
  EXTENSION_ORIGIN_MASK,
  EXTENSION_ORIGIN_POLICY,
  HRESULT_FILE_NOT_FOUND,
  PROPTYPE_BINARY,
  PROPTYPE_DATE,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
} from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { createMemoryServerExit } from './create-memory-server-exit';
import { defaultFixture } from './default-fixture';

const hresultOf = async (p: unknown) => {
  try {
    await p;
  } catch (error) {
    expect(CertexitError.isInstance(error)).toBe(true);
    return CertexitError.hresultOf(error);
  }
  throw new Error('expected a failure');
};

describe('in-memory ICertServerExit (the engine semantics)', () => {
  const fixture = defaultFixture();

  it('starts at CA scope and reads CA properties, indexed and current', async () => {
    const server = createMemoryServerExit(fixture, { moduleRegistryLocation: 'X\\ExitModules\\M' });
    expect(await server.GetCertificateProperty('CAType', PROPTYPE_LONG)).toBe(0);
    expect(await server.GetCertificateProperty('ModuleRegistryLocation', PROPTYPE_STRING)).toBe('X\\ExitModules\\M');
    const current = await server.GetCertificateProperty('RawCACertificate', PROPTYPE_BINARY);
    expect(await server.GetCertificateProperty('RawCACertificate.0', PROPTYPE_BINARY)).toEqual(current);
    expect(current[0]).toBe(0x30);
    expect(await hresultOf(server.GetCertificateProperty('RawCRL.7', PROPTYPE_BINARY))).toBe(CERTSRV_E_PROPERTY_EMPTY);
  });

  it('answers ERROR_FILE_NOT_FOUND for the delta CRL only when deltas are disabled', async () => {
    const server = createMemoryServerExit(fixture);
    expect(await hresultOf(server.GetCertificateProperty('RawDeltaCRL.0', PROPTYPE_BINARY))).toBe(
      HRESULT_FILE_NOT_FOUND,
    );
    const enabled = createMemoryServerExit({ ...fixture, ca: { ...fixture.ca, fDeltaCRLsDisabled: 0 } });
    expect(await hresultOf(enabled.GetCertificateProperty('RawDeltaCRL.0', PROPTYPE_BINARY))).toBe(
      CERTSRV_E_PROPERTY_EMPTY,
    );
  });

  it('refuses request reads at CA scope and unknown contexts', async () => {
    const server = createMemoryServerExit(fixture);
    expect(await hresultOf(server.GetRequestProperty('RequestID', PROPTYPE_LONG))).toBe(E_UNEXPECTED);
    expect(await hresultOf(server.GetRequestAttribute('CertificateTemplate'))).toBe(E_UNEXPECTED);
    expect(await hresultOf(server.SetContext(999))).toBe(CERTSRV_E_NO_REQUEST);
  });

  it('reads request, name and certificate properties with their types', async () => {
    const server = createMemoryServerExit(fixture);
    await server.SetContext(fixture.eventContexts.issued);
    expect(await server.GetRequestProperty('Request.RequesterName', PROPTYPE_STRING)).toBe('CERTEXIT\\alice');
    expect(await server.GetRequestProperty('SubmittedWhen', PROPTYPE_DATE)).toEqual(new Date('2026-01-05T10:00:00Z'));
    expect(await server.GetRequestProperty('Subject.CommonName', PROPTYPE_STRING)).toBe('alice\nUsers');
    expect(await server.GetCertificateProperty('CN', PROPTYPE_STRING)).toBe('alice\nUsers');
    expect(await server.GetCertificateProperty('SerialNumber', PROPTYPE_STRING)).toMatch(/^[0-9a-f]+$/);
    expect(await server.GetCertificateProperty('UserDN', PROPTYPE_STRING)).toContain('CN=alice');
    expect(await server.GetCertificateProperty('SanitizedCAName', PROPTYPE_STRING)).toBe('certexit Test CA');
  });

  it('returns copies, so a module cannot change stored data', async () => {
    const server = createMemoryServerExit(fixture);
    await server.SetContext(1);
    const der = await server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY);
    der[0] = 0;
    expect((await server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY))[0]).toBe(0x30);
  });

  it('fails unknown names and type mismatches with E_INVALIDARG, empty ones with PROPERTY_EMPTY', async () => {
    const server = createMemoryServerExit(fixture);
    await server.SetContext(fixture.eventContexts.pending);
    expect(await hresultOf(server.GetRequestProperty('NoSuchThing', PROPTYPE_LONG))).toBe(E_INVALIDARG);
    expect(await hresultOf(server.GetRequestProperty('RequestID', PROPTYPE_STRING))).toBe(E_INVALIDARG);
    expect(await hresultOf(server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY))).toBe(
      CERTSRV_E_PROPERTY_EMPTY,
    );
    expect(await hresultOf(server.GetRequestAttribute('CertFile'))).toBe(CERTSRV_E_PROPERTY_EMPTY);
    expect(await hresultOf(server.GetCertificateProperty('CertificateType', PROPTYPE_STRING))).toBe(
      CERTSRV_E_PROPERTY_EMPTY,
    );
  });

  it('matches attribute names ignoring case, spaces and hyphens', async () => {
    const server = createMemoryServerExit(fixture);
    await server.SetContext(1);
    expect(await server.GetRequestAttribute('certificate-template')).toBe('User');
    expect(await server.GetRequestAttribute('Certificate Template')).toBe('User');
  });

  it('enumerates extensions (disabled ones included) and attributes, and keeps the last flags', async () => {
    const server = createMemoryServerExit(fixture);
    await server.SetContext(1);
    expect(await hresultOf(Promise.resolve().then(() => server.EnumerateExtensions()))).toBe(E_UNEXPECTED);
    await server.EnumerateExtensionsSetup(0);
    const oids: string[] = [];
    for (let oid = await server.EnumerateExtensions(); oid !== undefined; oid = await server.EnumerateExtensions())
      oids.push(oid);
    await server.EnumerateExtensionsClose();
    expect(oids).toContain('1.3.6.1.5.5.7.1.1');
    expect(await server.GetCertificateExtension('1.3.6.1.5.5.7.1.1', PROPTYPE_BINARY)).toEqual(Uint8Array.of(0x30, 0));
    expect((await server.GetCertificateExtensionFlags()) & EXTENSION_DISABLE_FLAG).toBe(EXTENSION_DISABLE_FLAG);
    expect(await server.GetCertificateExtension('1.3.6.1.4.1.311.20.2', PROPTYPE_STRING)).toBe('User');
    expect((await server.GetCertificateExtensionFlags()) & EXTENSION_ORIGIN_MASK).toBe(EXTENSION_ORIGIN_POLICY);
    expect(await hresultOf(server.GetCertificateExtension('1.2.3.4', PROPTYPE_BINARY))).toBe(CERTSRV_E_PROPERTY_EMPTY);
    expect(await server.GetCertificateExtensionFlags()).toBe(0);
    await server.EnumerateAttributesSetup(0);
    expect([
      await server.EnumerateAttributes(),
      await server.EnumerateAttributes(),
      await server.EnumerateAttributes(),
    ]).toEqual(['CertificateTemplate', 'ccm', undefined]);
  });

  it('keeps state per object', async () => {
    const a = createMemoryServerExit(fixture);
    const b = createMemoryServerExit(fixture);
    await a.SetContext(1);
    expect(await a.GetRequestProperty('RequestID', PROPTYPE_LONG)).toBe(1);
    expect(await hresultOf(b.GetRequestProperty('RequestID', PROPTYPE_LONG))).toBe(E_UNEXPECTED);
  });
});
