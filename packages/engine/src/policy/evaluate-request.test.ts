import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CERTSRV_E_SUBJECT_DIRECTORY_GUID_REQUIRED,
  CERTSRV_E_SUBJECT_DNS_REQUIRED,
  CERTSRV_E_SUBJECT_EMAIL_REQUIRED,
  CERTSRV_E_SUBJECT_UPN_REQUIRED,
  CERTSRV_E_TEMPLATE_CONFLICT,
  CERTSRV_E_TEMPLATE_DENIED,
  CERTSRV_E_UNSUPPORTED_CERT_TYPE,
  CRYPT_E_ASN1_CORRUPT,
  CT_FLAG_SUBJECT_ALT_REQUIRE_DIRECTORY_GUID,
  CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS,
  CT_FLAG_SUBJECT_ALT_REQUIRE_SPN,
  CT_FLAG_SUBJECT_REQUIRE_COMMON_NAME,
  DB_DISP_DENIED,
  DB_DISP_ERROR,
  EDITF_ATTRIBUTEEKU,
  EDITF_ATTRIBUTESUBJECTALTNAME2,
  EDITF_DEFAULT_ENTERPRISE,
  EDITF_DISABLEEXTENSIONLIST,
  EDITF_EMAILOPTIONAL,
  HRESULT_DS_SERVER_DOWN,
} from '@certexit/core';
import { createCapturingLogger } from '@certexit/testing';
import type { ParsedCertificationRequest, X509Extension } from '@certexit/x509';
import {
  createCertificationRequest,
  decodeGeneralNames,
  EXTENSION_OID,
  generateKeyPair,
  nameToString,
  parseCertificationRequest,
  subjectAltName,
} from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOid, encodeSequence, encodeTlv } from '../../../../tooling/test/der-builder';
import type { CaContext } from '../ca/ca-context';
import { openCa } from '../ca/open-ca';
import { setupCa } from '../engine/setup-ca';
import { editCaTemplateNames } from './ca-template-list';
import type { PolicyVerdict } from './evaluate-request';
import { evaluateRequest } from './evaluate-request';
import { policyModuleKey } from './policy-settings';
import type { RequesterDirectoryEntry, RequesterLookup } from './requester-lookup';
import { copyTemplate, setTemplateField } from './template-administration';

const ALICE: RequesterDirectoryEntry = {
  dn: 'CN=Alice Example,CN=Users,DC=certexit,DC=test',
  samAccountName: 'alice',
  cn: 'Alice Example',
  userPrincipalName: 'alice@certexit.test',
  mail: 'alice@mail.certexit.test',
  dnsHostName: undefined,
  objectGuid: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
  servicePrincipalNames: ['HTTP/app.certexit.test', 'HTTP/app'],
  groups: ['Domain Users', 'Web Operators'],
  isComputer: false,
  domainDnsName: 'certexit.test',
};
const WS01: RequesterDirectoryEntry = {
  ...ALICE,
  dn: 'CN=WS01,CN=Computers,DC=certexit,DC=test',
  samAccountName: 'WS01$',
  cn: 'WS01',
  userPrincipalName: undefined,
  mail: undefined,
  dnsHostName: 'ws01.certexit.test',
  groups: ['Domain Computers'],
  isComputer: true,
};

describe('evaluateRequest: the policy module on an enterprise CA (directory answers given)', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-policy-'));
  let ca: CaContext;
  const directory = new Map<string, RequesterLookup>();
  const logger = createCapturingLogger();
  const evaluate = (
    request: ParsedCertificationRequest,
    attributes: Array<[string, string]>,
    requesterName = 'CERTEXIT\\alice',
    requesterGroups: string[] = [],
  ) =>
    evaluateRequest(
      {
        ca,
        logger,
        findRequester: async (name) => directory.get(name.toLowerCase()) ?? { status: 'not-found', filter: name },
      },
      { request, attributes, requesterName, requesterGroups },
    );

  const csr = async (subject: string, extensions: X509Extension[] = []) => {
    const keyPair = await generateKeyPair('ECDSA_P256');
    return parseCertificationRequest(
      await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject, extensions }),
    );
  };
  const refusal = (verdict: PolicyVerdict) => (verdict.outcome === 'refuse' ? verdict.refusal : undefined);
  const altNames = (verdict: PolicyVerdict) =>
    verdict.outcome === 'refuse' || !verdict.plan.names.subjectAltName
      ? []
      : decodeGeneralNames(verdict.plan.names.subjectAltName.value).map((n) =>
          n.kind === 'upn'
            ? `upn:${new TextDecoder().decode(n.value)}`
            : n.kind === 'guid'
              ? 'guid'
              : `${n.kind}:${'value' in n ? n.value : ''}`,
        );
  const editFlags = (value: number) => ca.registry.setValue(`${policyModuleKey(ca)}\\EditFlags`, value);

  beforeAll(async () => {
    await setupCa({ dir: work, commonName: 'Policy Unit CA', type: 'enterprise-root', exitModules: [] });
    ca = await openCa(work);
    directory.set('certexit\\alice', { status: 'found', entry: ALICE, server: 'ldaps://dc' });
    directory.set('certexit\\ws01$', { status: 'found', entry: WS01, server: 'ldaps://dc' });
  });
  afterAll(async () => {
    await ca.store.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('builds a User certificate’s names from the directory, whatever the request asks (no ESC1 through User)', async () => {
    const request = await csr('CN=Administrator, O=Evil', [
      subjectAltName({ upn: ['administrator@certexit.test'], dns: ['dc1.certexit.test'] }),
    ]);
    const verdict = await evaluate(request, [['CertificateTemplate', 'User']]);
    expect(verdict.outcome).toBe('issue');
    if (verdict.outcome === 'refuse') return;
    expect(nameToString(verdict.plan.names.subjectDer)).toBe(
      'E=alice@mail.certexit.test, CN=Alice Example, CN=Users, DC=certexit, DC=test',
    );
    expect(altNames(verdict)).toEqual(['upn:alice@certexit.test', 'email:alice@mail.certexit.test']);
    expect(verdict.plan.names).toMatchObject({ subjectSource: 'directory', altNameSource: 'directory' });
    // The requested SAN is recorded but never copied.
    expect(verdict.plan.requestExtensions.find((c) => c.extension.oid === EXTENSION_OID.subjectAltName)?.copy).toBe(
      false,
    );
  });

  it('refuses a User certificate when the directory lacks what the template requires, with AD CS’s HRESULTs', async () => {
    const request = await csr('CN=x');
    directory.set('certexit\\nomail', { status: 'found', entry: { ...ALICE, mail: undefined }, server: 'x' });
    directory.set('certexit\\noupn', {
      status: 'found',
      entry: { ...ALICE, userPrincipalName: undefined },
      server: 'x',
    });
    expect(refusal(await evaluate(request, [['CertificateTemplate', 'User']], 'CERTEXIT\\nomail'))).toMatchObject({
      disposition: DB_DISP_DENIED,
      statusCode: CERTSRV_E_SUBJECT_EMAIL_REQUIRED | 0,
    });
    expect(refusal(await evaluate(request, [['CertificateTemplate', 'User']], 'CERTEXIT\\noupn'))?.statusCode).toBe(
      CERTSRV_E_SUBJECT_UPN_REQUIRED | 0,
    );
    // EDITF_EMAILOPTIONAL waives the e-mail name.
    editFlags(EDITF_DEFAULT_ENTERPRISE | EDITF_EMAILOPTIONAL);
    try {
      const verdict = await evaluate(request, [['CertificateTemplate', 'User']], 'CERTEXIT\\nomail');
      expect(verdict.outcome).toBe('issue');
      expect(altNames(verdict)).toEqual(['upn:alice@certexit.test']);
    } finally {
      editFlags(EDITF_DEFAULT_ENTERPRISE);
    }
    // A requester the directory does not know gets nothing from a template that builds names from it.
    expect(refusal(await evaluate(request, [['CertificateTemplate', 'User']], 'CERTEXIT\\ghost'))?.message).toMatch(
      /CERTEXIT\\ghost has none/,
    );
  });

  it('builds a Machine certificate from dNSHostName, and refuses a requester without one', async () => {
    const request = await csr('CN=evil.example.com', [subjectAltName({ dns: ['evil.example.com'] })]);
    const verdict = await evaluate(request, [['CertificateTemplate', 'Machine']], 'CERTEXIT\\WS01$');
    expect(verdict.outcome).toBe('issue');
    if (verdict.outcome !== 'refuse') expect(nameToString(verdict.plan.names.subjectDer)).toBe('CN=ws01.certexit.test');
    expect(altNames(verdict)).toEqual(['dns:ws01.certexit.test']);
    // alice is not a computer: she may not enroll for Machine (Domain Computers), and has no dNSHostName anyway.
    expect(refusal(await evaluate(request, [['CertificateTemplate', 'Machine']]))?.statusCode).toBe(
      CERTSRV_E_TEMPLATE_DENIED | 0,
    );
    expect(
      refusal(await evaluate(request, [['CertificateTemplate', 'Machine']], 'CERTEXIT\\alice', ['Domain Admins']))
        ?.statusCode,
    ).toBe(CERTSRV_E_SUBJECT_DNS_REQUIRED | 0);
  });

  it('adds the directory GUID, SPN hosts and domain names the name flags ask for', async () => {
    copyTemplate(ca, 'CodeSigning', 'NameFlagsTest');
    setTemplateField(
      ca,
      'NameFlagsTest',
      'nameFlags',
      String(
        CT_FLAG_SUBJECT_REQUIRE_COMMON_NAME |
          CT_FLAG_SUBJECT_ALT_REQUIRE_DIRECTORY_GUID |
          CT_FLAG_SUBJECT_ALT_REQUIRE_SPN |
          CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS,
      ),
    );
    setTemplateField(ca, 'NameFlagsTest', 'Enroll', '+Domain Users');
    editCaTemplateNames(ca, ['+NameFlagsTest']);
    const verdict = await evaluate(await csr('CN=x'), [['CertificateTemplate', 'NameFlagsTest']]);
    expect(verdict.outcome).toBe('issue');
    if (verdict.outcome !== 'refuse') expect(nameToString(verdict.plan.names.subjectDer)).toBe('CN=Alice Example');
    expect(altNames(verdict)).toEqual(['guid', 'dns:app.certexit.test', 'dns:certexit.test', 'dns:CERTEXIT']);
    directory.set('certexit\\noguid', { status: 'found', entry: { ...ALICE, objectGuid: undefined }, server: 'x' });
    expect(
      refusal(await evaluate(await csr('CN=x'), [['CertificateTemplate', 'NameFlagsTest']], 'CERTEXIT\\noguid'))
        ?.statusCode,
    ).toBe(CERTSRV_E_SUBJECT_DIRECTORY_GUID_REQUIRED | 0);
  });

  it('enforces the template list and the template’s ACL: groups from the caller and the directory, deny wins', async () => {
    const request = await csr('CN=www.certexit.test');
    expect(refusal(await evaluate(request, [['CertificateTemplate', 'WebServer']]))).toMatchObject({
      statusCode: CERTSRV_E_UNSUPPORTED_CERT_TYPE | 0,
      message: expect.stringMatching(/not offered by this CA/),
    });
    expect(refusal(await evaluate(request, [['CertificateTemplate', 'NoSuchTemplate']]))?.statusCode).toBe(
      CERTSRV_E_UNSUPPORTED_CERT_TYPE | 0,
    );
    expect(refusal(await evaluate(request, []))?.message).toMatch(/names no certificate template/);
    editCaTemplateNames(ca, ['+WebServer', '+SubCA']);
    expect(refusal(await evaluate(request, [['CertificateTemplate', 'WebServer']]))?.statusCode).toBe(
      CERTSRV_E_TEMPLATE_DENIED | 0,
    );
    expect(refusal(await evaluate(request, [['CertificateTemplate', 'SubCA']]))?.statusCode).toBe(
      CERTSRV_E_TEMPLATE_DENIED | 0,
    );
    // A group given by the caller's record, or one from the directory, opens it.
    expect(
      (await evaluate(request, [['CertificateTemplate', 'WebServer']], 'CERTEXIT\\alice', ['Domain Admins'])).outcome,
    ).toBe('issue');
    setTemplateField(ca, 'WebServer', 'Enroll', '+Web Operators');
    expect((await evaluate(request, [['CertificateTemplate', 'WebServer']])).outcome).toBe('issue');
    setTemplateField(ca, 'WebServer', 'DenyEnroll', '+CERTEXIT\\alice');
    expect(
      refusal(await evaluate(request, [['CertificateTemplate', 'WebServer']], 'CERTEXIT\\alice', ['Domain Admins']))
        ?.statusCode,
    ).toBe(CERTSRV_E_TEMPLATE_DENIED | 0);
    setTemplateField(ca, 'WebServer', 'DenyEnroll', '-CERTEXIT\\alice');
    setTemplateField(ca, 'WebServer', 'Enroll', '-Web Operators');
  });

  it('takes names from the request only for enrollee-supplied templates, and the san attribute only under EDITF_ATTRIBUTESUBJECTALTNAME2', async () => {
    const request = await csr('CN=www.certexit.test', [subjectAltName({ dns: ['www.certexit.test'] })]);
    const admin = (attributes: Array<[string, string]>) =>
      evaluate(request, attributes, 'CERTEXIT\\alice', ['Domain Admins']);
    const plain = await admin([
      ['CertificateTemplate', 'WebServer'],
      ['san', 'dns=other.certexit.test&upn=administrator@certexit.test'],
    ]);
    expect(altNames(plain)).toEqual(['dns:www.certexit.test']);
    editFlags(EDITF_DEFAULT_ENTERPRISE | EDITF_ATTRIBUTESUBJECTALTNAME2);
    try {
      const before = logger.entries.length;
      const honoured = await admin([
        ['CertificateTemplate', 'WebServer'],
        ['san', 'dns=other.certexit.test&upn=administrator@certexit.test'],
      ]);
      expect(altNames(honoured)).toEqual(['dns:other.certexit.test', 'upn:administrator@certexit.test']);
      expect(
        logger.entries
          .slice(before)
          .map((e) => e.msg)
          .join('\n'),
      ).toMatch(/EDITF_ATTRIBUTESUBJECTALTNAME2.*ESC6/);
    } finally {
      editFlags(EDITF_DEFAULT_ENTERPRISE);
    }
  });

  it('copies request extensions only from the allow-lists, never those the policy owns', async () => {
    const nameConstraints = {
      oid: '2.5.29.30',
      critical: true,
      value: encodeSequence(
        encodeTlv(0xa0, encodeSequence(encodeTlv(0x82, new TextEncoder().encode('certexit.test')))),
      ),
    };
    const unknownCritical = { oid: '1.2.3.4.5', critical: true, value: Uint8Array.of(0x05, 0x00) };
    const smime = {
      oid: '1.2.840.113549.1.9.15',
      critical: false,
      value: encodeSequence(encodeSequence(encodeOid('2.16.840.1.101.3.4.1.42'))),
    };
    const request = await csr('CN=www.certexit.test', [nameConstraints, unknownCritical, smime]);
    const verdict = await evaluate(request, [['CertificateTemplate', 'WebServer']], 'CERTEXIT\\alice', [
      'Domain Admins',
    ]);
    if (verdict.outcome === 'refuse') throw new Error(verdict.refusal.message);
    expect(verdict.plan.requestExtensions.map((c) => [c.extension.oid, c.copy])).toEqual([
      ['2.5.29.30', false],
      ['1.2.3.4.5', false],
      ['1.2.840.113549.1.9.15', true],
    ]);
    ca.registry.setValue(`${policyModuleKey(ca)}\\DisableExtensionList`, ['1.2.840.113549.1.9.15']);
    editFlags(EDITF_DEFAULT_ENTERPRISE | EDITF_DISABLEEXTENSIONLIST);
    try {
      const disabled = await evaluate(request, [['CertificateTemplate', 'WebServer']], 'CERTEXIT\\alice', [
        'Domain Admins',
      ]);
      if (disabled.outcome !== 'refuse') expect(disabled.plan.requestExtensions.every((c) => !c.copy)).toBe(true);
    } finally {
      editFlags(EDITF_DEFAULT_ENTERPRISE);
      ca.registry.setValue(`${policyModuleKey(ca)}\\DisableExtensionList`, []);
    }
  });

  it('narrows the EKU to what CertificateUsage asks under EDITF_ATTRIBUTEEKU, never beyond the template', async () => {
    const request = await csr('CN=www.certexit.test');
    editFlags(EDITF_DEFAULT_ENTERPRISE | EDITF_ATTRIBUTEEKU);
    try {
      const beyond = await evaluate(
        request,
        [
          ['CertificateTemplate', 'WebServer'],
          ['CertificateUsage', '1.3.6.1.5.5.7.3.2'],
        ],
        'CERTEXIT\\alice',
        ['Domain Admins'],
      );
      expect(refusal(beyond)?.statusCode).toBe(CERTSRV_E_TEMPLATE_CONFLICT | 0);
    } finally {
      editFlags(EDITF_DEFAULT_ENTERPRISE);
    }
  });

  it('fails a request whose extensions are not strict DER (a SAN with trailing bytes)', async () => {
    const request = await csr('CN=x');
    request.extensions.push({
      oid: EXTENSION_OID.subjectAltName,
      critical: false,
      value: Uint8Array.of(0x30, 0x03, 0x82, 0x01, 0x61, 0x00),
    });
    expect(refusal(await evaluate(request, [['CertificateTemplate', 'User']]))).toMatchObject({
      disposition: DB_DISP_ERROR,
      statusCode: CRYPT_E_ASN1_CORRUPT | 0,
      message: expect.stringMatching(/Error Parsing Request: .*2\.5\.29\.17.*trailing/),
    });
  });

  it('fails the request when the directory fails, with the directory’s HRESULT', async () => {
    directory.set('certexit\\down', {
      status: 'failed',
      error: Object.assign(new Error('no LDAP server could be used'), { hresult: HRESULT_DS_SERVER_DOWN }) as never,
    });
    expect(
      refusal(await evaluate(await csr('CN=x'), [['CertificateTemplate', 'User']], 'CERTEXIT\\down')),
    ).toMatchObject({
      disposition: DB_DISP_ERROR,
      statusCode: HRESULT_DS_SERVER_DOWN | 0,
    });
  });
});
