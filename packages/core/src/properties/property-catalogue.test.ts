import { describe, expect, it } from 'vitest';
import { PROPTYPE_BINARY as B, PROPTYPE_DATE as D, PROPTYPE_LONG as L, PROPTYPE_STRING as S } from '../constants';
import { resolveCertificateProperty, resolveRequestProperty } from './resolve-property';

// Transcribed from the reference (adcs-exit-modules.md §3.4), name and type, to hold the catalogue to it.
const REFERENCE_REQUEST: Array<[string, number]> = [
  ['RequestID', L],
  ['RawRequest', B],
  ['RawArchivedKey', B],
  ['KeyRecoveryHashes', S],
  ['RawOldCertificate', B],
  ['RequestAttributes', S],
  ['RequestType', L],
  ['RequestFlags', L],
  ['StatusCode', L],
  ['Disposition', L],
  ['DispositionMessage', S],
  ['SubmittedWhen', D],
  ['ResolvedWhen', D],
  ['RevokedWhen', D],
  ['RevokedEffectiveWhen', D],
  ['RevokedReason', L],
  ['RequesterName', S],
  ['CallerName', S],
  ['SignerPolicies', S],
  ['SignerApplicationPolicies', S],
  ['Officer', S],
  ['PublishExpiredCertInCRL', L],
  ['RequesterNameFromOldCertificate', S],
  ['AttestationChallenge', B],
  ['EndorsementKeyHash', S],
  ['EndorsementCertificateHash', S],
  ['RawCACertificate', B],
];
const REFERENCE_NAMES = [
  'DistinguishedName',
  'RawName',
  'Country',
  'Organization',
  'OrgUnit',
  'CommonName',
  'Locality',
  'State',
  'Title',
  'GivenName',
  'Initials',
  'SurName',
  'DomainComponent',
  'EMail',
  'StreetAddress',
  'UnstructuredName',
  'UnstructuredAddress',
  'DeviceSerialNumber',
];
const REFERENCE_ALIASES: Array<[string, string]> = [
  ['C', 'Country'],
  ['O', 'Organization'],
  ['Org', 'Organization'],
  ['OU', 'OrgUnit'],
  ['OrganizationUnit', 'OrgUnit'],
  ['OrganizationalUnit', 'OrgUnit'],
  ['CN', 'CommonName'],
  ['L', 'Locality'],
  ['S', 'State'],
  ['ST', 'State'],
  ['T', 'Title'],
  ['G', 'GivenName'],
  ['I', 'Initials'],
  ['SN', 'SurName'],
  ['DC', 'DomainComponent'],
  ['E', 'EMail'],
  ['Street', 'StreetAddress'],
  ['2.5.4.3', 'CommonName'],
];
const REFERENCE_CERTIFICATE: Array<[string, number]> = [
  ['RequestID', L],
  ['RawCertificate', B],
  ['CertificateHash', S],
  ['CertificateTemplate', S],
  ['EnrollmentFlags', L],
  ['GeneralFlags', L],
  ['PrivatekeyFlags', L],
  ['SerialNumber', S],
  ['NotBefore', D],
  ['NotAfter', D],
  ['SubjectKeyIdentifier', S],
  ['RawPublicKey', B],
  ['PublicKeyLength', L],
  ['PublicKeyAlgorithm', S],
  ['RawPublicKeyAlgorithmParameters', B],
  ['UPN', S],
  ['CertificateType', S],
  ['RawSMIMECapabilities', B],
  ['NameType', L],
];
const REFERENCE_CA: Array<[string, number, boolean]> = [
  ['CAType', L, false],
  ['SanitizedCAName', S, false],
  ['SanitizedShortName', S, false],
  ['MachineDNSName', S, false],
  ['ModuleRegistryLocation', S, false],
  ['fUseDS', L, false],
  ['fDeltaCRLsDisabled', L, false],
  ['CertCount', L, false],
  ['RawCACertificate', B, true],
  ['CertState', L, true],
  ['CertSuffix', S, true],
  ['RawCRL', B, true],
  ['RawDeltaCRL', B, true],
  ['CRLIndex', L, true],
  ['CRLState', L, true],
  ['CRLSuffix', S, true],
  ['LocalizedTimePeriodUnits', S, true],
  ['ConfigDN', S, false],
  ['DomainDN', S, false],
];
const REFERENCE_REQUEST_SYSTEM: Array<[string, number]> = [
  ['RequesterCAAccess', L],
  ['UserDN', S],
  ['KeyArchived', L],
];

describe('the property catalogue against the reference', () => {
  it.each(REFERENCE_REQUEST)('request property %s has its type, with and without Request.', (name, type) => {
    expect(resolveRequestProperty(name)?.definition.type).toBe(type);
    expect(resolveRequestProperty(`Request.${name}`)?.definition.name).toBe(name);
  });

  it.each(REFERENCE_NAMES)('name property %s is readable requested (Subject.) and issued', (name) => {
    expect(resolveRequestProperty(`Subject.${name}`)).toMatchObject({ source: 'request-name', definition: { name } });
    expect(resolveCertificateProperty(name)).toMatchObject({ source: 'certificate-name', definition: { name } });
  });

  it.each(REFERENCE_ALIASES)('alias %s names %s', (alias, name) => {
    expect(resolveCertificateProperty(alias)?.definition.name).toBe(name);
  });

  it.each(REFERENCE_CERTIFICATE)('certificate property %s has its type', (name, type) => {
    expect(resolveCertificateProperty(name)).toMatchObject({ source: 'certificate', definition: { type } });
  });

  it.each(REFERENCE_CA)('CA property %s has its type (indexed: %s)', (name, type, indexed) => {
    expect(resolveCertificateProperty(name)).toMatchObject({ source: 'ca', definition: { type } });
    expect(resolveCertificateProperty(`${name}.3`)?.index).toBe(indexed ? 3 : undefined);
    if (!indexed) expect(resolveCertificateProperty(`${name}.3`)).toBeUndefined();
  });

  it.each(REFERENCE_REQUEST_SYSTEM)('request-context system property %s has its type', (name, type) => {
    expect(resolveCertificateProperty(name)).toMatchObject({ source: 'request-system', definition: { type } });
  });
});
