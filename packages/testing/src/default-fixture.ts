import {
  CA_DISP_VALID,
  CERTSRV_E_TEMPLATE_DENIED,
  CR_IN_PKCS10,
  CRL_REASON_KEY_COMPROMISE,
  CT_FLAG_PUBLISH_TO_DS,
  DB_DISP_DENIED,
  DB_DISP_FOREIGN,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  DB_DISP_REVOKED,
  ENUM_ENTERPRISE_ROOTCA,
  EXTENSION_CRITICAL_FLAG,
  EXTENSION_DISABLE_FLAG,
  EXTENSION_ORIGIN_IMPORTEDCERT,
  EXTENSION_ORIGIN_POLICY,
  EXTENSION_ORIGIN_REQUEST,
  EXTENSION_ORIGIN_SERVER,
} from '@certexit/core';
import {
  BASE_CRL_BASE64,
  ISSUED_CERTIFICATE_BASE64,
  ISSUED_CERTIFICATE_HASH,
  ISSUED_NOT_AFTER,
  ISSUED_NOT_BEFORE,
  ISSUED_REQUEST_BASE64,
  ISSUED_SERIAL_NUMBER,
  ISSUED_SUBJECT_KEY_IDENTIFIER,
  TEST_CA_CERTIFICATE_BASE64,
} from './__fixtures__/recorded-pki';
import type { FixtureContext, ServerExitFixture } from './server-exit-fixture';

/**
 * The kit's standard fixture: an enterprise root CA with one certificate and a base CRL (delta CRLs disabled),
 * and one request context per event kind, built on a real certificate and request recorded with OpenSSL.
 * Context numbers: 1 issued, 2 pending, 3 denied, 4 revoked, 5 imported, 6 sparse (everything optional empty).
 */
export function defaultFixture(): ServerExitFixture {
  const certificate = _bytes(ISSUED_CERTIFICATE_BASE64);
  const submitted = new Date('2026-01-05T10:00:00Z');
  const resolved = new Date('2026-01-05T10:00:01Z');
  const requestName = {
    DistinguishedName: 'CN=alice, CN=Users, DC=certexit, DC=test',
    CommonName: 'alice\nUsers',
    DomainComponent: 'certexit\ntest',
  };
  const issuedRequest = {
    RequestID: 1,
    RawRequest: _bytes(ISSUED_REQUEST_BASE64),
    RequestType: CR_IN_PKCS10,
    RequestFlags: 0,
    StatusCode: 0,
    Disposition: DB_DISP_ISSUED,
    DispositionMessage: 'Issued',
    SubmittedWhen: submitted,
    ResolvedWhen: resolved,
    RequesterName: 'CERTEXIT\\alice',
    CallerName: 'CERTEXIT\\alice',
    RequestAttributes: 'CertificateTemplate:User\nccm:ws01.certexit.test',
    RawCACertificate: _bytes(TEST_CA_CERTIFICATE_BASE64),
  };
  const issuedCertificate = {
    RequestID: 1,
    RawCertificate: certificate,
    CertificateHash: ISSUED_CERTIFICATE_HASH,
    CertificateTemplate: 'User',
    EnrollmentFlags: CT_FLAG_PUBLISH_TO_DS,
    GeneralFlags: 0,
    PrivatekeyFlags: 0,
    SerialNumber: ISSUED_SERIAL_NUMBER,
    NotBefore: new Date(ISSUED_NOT_BEFORE),
    NotAfter: new Date(ISSUED_NOT_AFTER),
    SubjectKeyIdentifier: ISSUED_SUBJECT_KEY_IDENTIFIER,
    PublicKeyLength: 256,
    PublicKeyAlgorithm: '1.2.840.10045.2.1',
    UPN: 'alice@certexit.test',
  };
  const extensions = [
    { oid: '2.5.29.17', flags: EXTENSION_ORIGIN_REQUEST, value: Uint8Array.of(0x30, 0x00) },
    { oid: '2.5.29.15', flags: EXTENSION_ORIGIN_POLICY | EXTENSION_CRITICAL_FLAG, value: Uint8Array.of(3, 2, 7, 0x80) },
    { oid: '1.3.6.1.4.1.311.20.2', flags: EXTENSION_ORIGIN_POLICY, value: _ia5('User') },
    // Recorded but left out of the certificate: enumeration must still show it.
    {
      oid: '1.3.6.1.5.5.7.1.1',
      flags: EXTENSION_ORIGIN_SERVER | EXTENSION_DISABLE_FLAG,
      value: Uint8Array.of(0x30, 0),
    },
  ];
  const attributes = { CertificateTemplate: 'User', ccm: 'ws01.certexit.test' };
  const issued: FixtureContext = {
    request: issuedRequest,
    certificate: issuedCertificate,
    requestName,
    certificateName: requestName,
    system: { UserDN: 'CN=alice,CN=Users,DC=certexit,DC=test' },
    attributes,
    extensions,
  };
  return {
    ca: {
      CAType: ENUM_ENTERPRISE_ROOTCA,
      SanitizedCAName: 'certexit Test CA',
      SanitizedShortName: 'certexit Test CA',
      MachineDNSName: 'ca01.certexit.test',
      fUseDS: 1,
      fDeltaCRLsDisabled: 1,
      ConfigDN: 'CN=Configuration,DC=certexit,DC=test',
      DomainDN: 'DC=certexit,DC=test',
      CertCount: 1,
      'RawCACertificate.0': _bytes(TEST_CA_CERTIFICATE_BASE64),
      'CertState.0': CA_DISP_VALID,
      'CertSuffix.0': '',
      'CRLIndex.0': 0,
      'CRLState.0': CA_DISP_VALID,
      'CRLSuffix.0': '',
      'RawCRL.0': _bytes(BASE_CRL_BASE64),
    },
    contexts: {
      1: issued,
      2: {
        request: {
          ...issuedRequest,
          RequestID: 2,
          Disposition: DB_DISP_PENDING,
          DispositionMessage: 'Taken Under Submission',
        },
        requestName,
        attributes,
        extensions,
      },
      3: {
        request: {
          ...issuedRequest,
          RequestID: 3,
          Disposition: DB_DISP_DENIED,
          StatusCode: CERTSRV_E_TEMPLATE_DENIED | 0,
          DispositionMessage: 'Denied by Policy Module',
        },
        requestName,
        attributes,
      },
      4: {
        ...issued,
        request: {
          ...issuedRequest,
          RequestID: 4,
          Disposition: DB_DISP_REVOKED,
          DispositionMessage: 'Revoked by CERTEXIT\\officer',
          RevokedWhen: new Date('2026-02-01T09:00:00Z'),
          RevokedEffectiveWhen: new Date('2026-02-01T09:00:00Z'),
          RevokedReason: CRL_REASON_KEY_COMPROMISE,
          Officer: 'CERTEXIT\\officer',
        },
        certificate: { ...issuedCertificate, RequestID: 4 },
      },
      5: {
        request: { RequestID: 5, Disposition: DB_DISP_FOREIGN, SubmittedWhen: submitted, ResolvedWhen: resolved },
        certificate: { ...issuedCertificate, RequestID: 5, EnrollmentFlags: 0, CertificateTemplate: '' },
        certificateName: requestName,
        extensions: extensions.map((e) => ({ ...e, flags: (e.flags & 0xffff) | EXTENSION_ORIGIN_IMPORTEDCERT })),
      },
      6: { request: { RequestID: 6, Disposition: DB_DISP_ISSUED } },
    },
    eventContexts: { issued: 1, pending: 2, denied: 3, revoked: 4, imported: 5, sparse: 6 },
  };
}

function _bytes(base64: string): Uint8Array {
  return Uint8Array.from(Buffer.from(base64, 'base64'));
}

function _ia5(text: string): Uint8Array {
  return Uint8Array.of(0x16, text.length, ...Buffer.from(text, 'latin1'));
}
