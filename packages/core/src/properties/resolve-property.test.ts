import { describe, expect, it } from 'vitest';
import { PROPTYPE_BINARY, PROPTYPE_LONG, PROPTYPE_STRING } from '../constants';
import { normalizeAttributeName, resolveCertificateProperty, resolveRequestProperty } from './resolve-property';

describe('property catalogue', () => {
  it('resolves request columns with and without the Request. prefix, ignoring case', () => {
    expect(resolveRequestProperty('RequesterName')).toMatchObject({
      source: 'request',
      definition: { type: PROPTYPE_STRING },
    });
    expect(resolveRequestProperty('Request.RequestID')?.definition.type).toBe(PROPTYPE_LONG);
    expect(resolveRequestProperty('request.disposition')?.definition.name).toBe('Disposition');
  });

  it('resolves the requested name through Subject. (canonical only) and aliases', () => {
    expect(resolveRequestProperty('Subject.CommonName')).toMatchObject({
      source: 'request-name',
      definition: { name: 'CommonName' },
    });
    expect(resolveRequestProperty('Request.DistinguishedName')?.source).toBe('request-name');
    expect(resolveRequestProperty('CN')?.definition.name).toBe('CommonName');
    expect(resolveRequestProperty('Subject.CN')).toBeUndefined();
    expect(resolveCertificateProperty('2.5.4.11')?.definition.name).toBe('OrgUnit');
    expect(resolveCertificateProperty('OrganizationalUnit')?.definition.name).toBe('OrgUnit');
    expect(resolveCertificateProperty('E')?.definition.name).toBe('EMail');
  });

  it('resolves certificate, system and indexed CA properties', () => {
    expect(resolveCertificateProperty('RawCertificate')).toMatchObject({
      source: 'certificate',
      definition: { type: PROPTYPE_BINARY },
    });
    expect(resolveCertificateProperty('CommonName')?.source).toBe('certificate-name');
    expect(resolveCertificateProperty('UserDN')?.source).toBe('request-system');
    expect(resolveCertificateProperty('CAType')?.source).toBe('ca');
    expect(resolveCertificateProperty('CAType')?.index).toBeUndefined();
    expect(resolveCertificateProperty('RawCRL.12')).toMatchObject({
      source: 'ca',
      index: 12,
      definition: { name: 'RawCRL' },
    });
    expect(resolveCertificateProperty('RawCRL')?.index).toBeUndefined();
  });

  it('rejects unknown names and indexes on unindexed properties', () => {
    expect(resolveRequestProperty('NoSuchColumn')).toBeUndefined();
    expect(resolveCertificateProperty('CertCount.1')).toBeUndefined();
    expect(resolveCertificateProperty('RawCRL.x')).toBeUndefined();
    expect(resolveRequestProperty('RawCertificate')).toBeUndefined();
  });

  it('normalises attribute names ignoring case, spaces and hyphens', () => {
    const forms = ['AttributeName1', 'Attribute Name1', 'Attribute-name1'].map(normalizeAttributeName);
    expect(new Set(forms).size).toBe(1);
    expect(normalizeAttributeName('CertFile')).not.toBe(normalizeAttributeName('CertFiles'));
  });
});
