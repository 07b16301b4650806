import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PropertyDefinition } from '@certexit/core';
import {
  CA_PROPERTIES,
  CERTIFICATE_PROPERTIES,
  CERTSRV_E_PROPERTY_EMPTY,
  CertexitError,
  createServerExit,
  E_INVALIDARG,
  isPropertyValueOfType,
  NAME_PROPERTIES,
  PROPTYPE_BINARY,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  REQUEST_PROPERTIES,
  REQUEST_SYSTEM_PROPERTIES,
} from '@certexit/core';
import { createCapturingLogger } from '@certexit/testing';
import { createCertificationRequest, generateKeyPair, subjectAltName, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ADMINISTRATOR, offerTemplates } from '../../test/support/policy-fixtures';
import { storeOption, TEST_STORES } from '../../test/support/test-stores';
import { CertificateAuthority } from '../engine/certificate-authority';
import { setupCa } from '../engine/setup-ca';
import { databaseDataSource } from './database-data-source';

/** Every property must answer a value of its type or CERTSRV_E_PROPERTY_EMPTY; these must have a value. */
const REQUIRED_FOR_ISSUED = {
  request: [
    'RequestID',
    'RawRequest',
    'RequestType',
    'RequestFlags',
    'StatusCode',
    'Disposition',
    'DispositionMessage',
    'SubmittedWhen',
    'ResolvedWhen',
    'RequesterName',
    'CallerName',
    'RequestAttributes',
    'RawCACertificate',
  ],
  certificate: [
    'RequestID',
    'RawCertificate',
    'CertificateHash',
    'CertificateTemplate',
    'EnrollmentFlags',
    'GeneralFlags',
    'PrivatekeyFlags',
    'SerialNumber',
    'NotBefore',
    'NotAfter',
    'SubjectKeyIdentifier',
    'RawPublicKey',
    'PublicKeyLength',
    'PublicKeyAlgorithm',
    'UPN',
  ],
  name: ['DistinguishedName', 'RawName', 'CommonName', 'Organization', 'Country'],
  ca: [
    'CAType',
    'SanitizedCAName',
    'SanitizedShortName',
    'MachineDNSName',
    'ModuleRegistryLocation',
    'fUseDS',
    'fDeltaCRLsDisabled',
    'ConfigDN',
    'DomainDN',
    'SessionCount',
    'CertCount',
    'RawCACertificate',
    'CertState',
    'CertSuffix',
    'CRLIndex',
    'CRLState',
    'CRLSuffix',
  ],
};

async function answer(read: () => unknown): Promise<unknown> {
  try {
    return await read();
  } catch (error) {
    return { hresult: CertexitError.hresultOf(error) };
  }
}

async function checkSurface(
  authority: CertificateAuthority,
  definitions: readonly PropertyDefinition[],
  required: readonly string[],
  read: (server: ReturnType<typeof createServerExit>, name: string, type: number) => unknown,
  context: number,
) {
  const server = createServerExit(databaseDataSource(authority.ca, 'X\\ExitModules\\Test.Exit'));
  await server.SetContext(context);
  for (const d of definitions) {
    const value = await answer(() => read(server, d.name, d.type));
    const empty =
      typeof value === 'object' && value !== null && 'hresult' in value && value.hresult === CERTSRV_E_PROPERTY_EMPTY;
    if (required.includes(d.name))
      expect(isPropertyValueOfType(value, d.type), `${d.name} = ${JSON.stringify(value)}`).toBe(true);
    else expect(empty || isPropertyValueOfType(value, d.type), `${d.name} = ${JSON.stringify(value)}`).toBe(true);
    const wrongType = d.type === PROPTYPE_LONG ? PROPTYPE_STRING : PROPTYPE_LONG;
    expect(await answer(() => read(server, d.name, wrongType)), d.name).toEqual({ hresult: E_INVALIDARG });
  }
}

describe.each(TEST_STORES)('ICertServerExit over the database on $name: the whole property surface', (store) => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-surface-'));
  let authority: CertificateAuthority;
  let requestId = 0;

  beforeAll(async () => {
    await setupCa({
      ...storeOption(store),
      dir: work,
      commonName: 'Surface CA',
      type: 'enterprise-root',
      domainDn: 'DC=x,DC=test',
      configDn: 'CN=Configuration,DC=x,DC=test',
      exitModules: [],
    });
    offerTemplates(work, 'WebServer');
    authority = await CertificateAuthority.open({ dir: work, logger: createCapturingLogger() });
    const keyPair = await generateKeyPair('ECDSA_P256');
    const request = await createCertificationRequest({
      keyPair,
      keyAlgorithm: 'ECDSA_P256',
      subject: 'CN=carol, O=certexit, C=DE',
      extensions: [subjectAltName({ upn: ['carol@x.test'] })],
    });
    requestId = (
      await authority.submit({
        request: toPem(request, 'CERTIFICATE REQUEST'),
        attributes: 'CertificateTemplate:WebServer',
        ...AS_ADMINISTRATOR,
      })
    ).requestId;
  });
  afterAll(async () => {
    await authority.stop({ sendShutdownEvent: false });
    rmSync(work, { recursive: true, force: true });
  });

  it('request properties', () =>
    checkSurface(
      authority,
      REQUEST_PROPERTIES,
      REQUIRED_FOR_ISSUED.request,
      (s, n, t) => s.GetRequestProperty(n, t),
      requestId,
    ));
  it('requested name properties (Subject.)', () =>
    checkSurface(
      authority,
      NAME_PROPERTIES,
      REQUIRED_FOR_ISSUED.name,
      (s, n, t) => s.GetRequestProperty(`Subject.${n}`, t),
      requestId,
    ));
  it('certificate properties', () =>
    checkSurface(
      authority,
      CERTIFICATE_PROPERTIES,
      REQUIRED_FOR_ISSUED.certificate,
      (s, n, t) => s.GetCertificateProperty(n, t),
      requestId,
    ));
  it('issued name properties', () =>
    checkSurface(
      authority,
      NAME_PROPERTIES,
      REQUIRED_FOR_ISSUED.name,
      (s, n, t) => s.GetCertificateProperty(n, t),
      requestId,
    ));
  it('request-context system properties', () =>
    checkSurface(authority, REQUEST_SYSTEM_PROPERTIES, [], (s, n, t) => s.GetCertificateProperty(n, t), requestId));
  it('CA properties at context 0, unindexed and .0', async () => {
    await checkSurface(
      authority,
      CA_PROPERTIES,
      REQUIRED_FOR_ISSUED.ca,
      (s, n, t) => s.GetCertificateProperty(n, t),
      0,
    );
    const indexed = CA_PROPERTIES.filter((d) => d.indexed);
    await checkSurface(
      authority,
      indexed,
      ['RawCACertificate', 'CertState', 'CertSuffix', 'CRLIndex', 'CRLState', 'CRLSuffix'],
      (s, n, t) => s.GetCertificateProperty(`${n}.0`, t),
      0,
    );
  });
  it('answers the values the CA has', async () => {
    const server = createServerExit(databaseDataSource(authority.ca, 'X\\ExitModules\\Test.Exit'));
    expect(await server.GetCertificateProperty('CertSuffix.0', PROPTYPE_STRING)).toBe('');
    expect(await server.GetCertificateProperty('CertCount', PROPTYPE_LONG)).toBe(1);
    expect(await server.GetCertificateProperty('RawCACertificate.0', PROPTYPE_BINARY)).toEqual(
      authority.ca.certificate.der,
    );
    await server.SetContext(requestId);
    expect(await server.GetCertificateProperty('Country', PROPTYPE_STRING)).toBe('DE');
    expect(await server.GetCertificateProperty('UPN', PROPTYPE_STRING)).toBe('carol@x.test');
    expect(await server.GetRequestProperty('Request.RequesterName', PROPTYPE_STRING)).toMatch(/\\/);
  });
});
