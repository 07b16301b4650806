import { describe, expect, it } from 'vitest';
import { parseLdapPublicationUrl, rdnValue, splitDn } from './ldap-publication-location';

describe('parseLdapPublicationUrl', () => {
  it('reads the DN, attribute and object class of an expanded CDP URL', () => {
    expect(
      parseLdapPublicationUrl(
        'ldap:///CN=Contoso%20CA(1),CN=ca01,CN=CDP,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=contoso,DC=com?deltaRevocationList?base?objectclass=cRLDistributionPoint',
      ),
    ).toEqual({
      url: expect.any(String),
      dn: 'CN=Contoso CA(1),CN=ca01,CN=CDP,CN=Public Key Services,CN=Services,CN=Configuration,DC=contoso,DC=com',
      attribute: 'deltaRevocationList',
      objectClass: 'cRLDistributionPoint',
    });
  });

  it('is undefined for other schemes and refuses a URL without a DN', () => {
    expect(parseLdapPublicationUrl('http://ca01/CertEnroll/x.crl')).toBeUndefined();
    expect(() => parseLdapPublicationUrl('ldap:///?cACertificate')).toThrow(/names no object/);
  });
});

describe('splitDn and rdnValue', () => {
  it('keeps escaped commas inside an RDN and undoes escapes', () => {
    const rdns = splitDn('CN=Contoso\\, Inc CA,CN=AIA,DC=x');
    expect(rdns).toEqual(['CN=Contoso\\, Inc CA', 'CN=AIA', 'DC=x']);
    expect(rdnValue(rdns[0]!)).toBe('Contoso, Inc CA');
    expect(rdnValue('CN=a\\2Bb')).toBe('a+b');
  });
});
