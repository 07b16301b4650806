import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryFile } from '../registry/registry-file';
import { crlLocations } from './crl-locations';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function caWith(urls: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-crl-locations-'));
  dirs.push(dir);
  const registry = new RegistryFile(join(dir, 'registry.json'));
  registry.setValue('CA\\CRLPublicationURLs', urls);
  return {
    registry,
    registryPath: 'CA',
    machineDnsName: 'ca01.certexit.test',
    sanitizedName: 'Issuing CA',
    shortName: 'Issuing CA',
    domainDn: undefined,
    configDn: 'CN=Configuration,DC=certexit,DC=test',
  };
}

describe('crlLocations', () => {
  const ca = () =>
    caWith([
      '65:/srv/pki/%3%8%9.crl',
      '1:file:///srv/base-only/%3%8%9.crl',
      '64:file://ca01/share/%3%8%9.crl',
      '1:relative/%3.crl',
      '79:ldap:///CN=%7%8,CN=%2,CN=CDP,CN=Public Key Services,CN=Services,%6%10',
      '134:http://%1/CertEnroll/%3%8%9.crl',
    ]);

  it('expands a base CRL of key 1: files, Freshest CRL (delta names), IDP and published locations', () => {
    const base = crlLocations(ca(), { certIndex: 2, keyIndex: 1 }, false);
    expect(base.files).toEqual(['/srv/pki/Issuing CA(1).crl', '/srv/base-only/Issuing CA(1).crl']);
    expect(base.freshest).toEqual([
      'ldap:///CN=Issuing%20CA(1),CN=ca01,CN=CDP,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=certexit,DC=test?deltaRevocationList?base?objectclass=cRLDistributionPoint',
      'http://ca01.certexit.test/CertEnroll/Issuing%20CA(1)+.crl',
    ]);
    expect(base.issuingDistributionPoint).toEqual(['http://ca01.certexit.test/CertEnroll/Issuing%20CA(1).crl']);
    expect(base.publishedLocations).toEqual([expect.stringMatching(/^ldap:.*\?certificateRevocationList\?/)]);
    expect(base.skipped).toEqual([
      { location: 'relative/Issuing CA.crl', reason: 'not a local file' },
      { location: expect.stringMatching(/^ldap:/), reason: 'LDAP locations are published by the directory publisher' },
    ]);
  });

  it('expands a delta CRL with %9 = "+", to the delta locations only, never a share on another host', () => {
    const delta = crlLocations(ca(), { certIndex: 0, keyIndex: 0 }, true);
    expect(delta.files).toEqual(['/srv/pki/Issuing CA+.crl']);
    expect(delta.freshest).toEqual([]);
    expect(delta.issuingDistributionPoint).toEqual(['http://ca01.certexit.test/CertEnroll/Issuing%20CA+.crl']);
    expect(delta.skipped.map((s) => s.location)).toEqual([
      'file://ca01/share/Issuing CA+.crl',
      expect.stringMatching(/^ldap:/),
    ]);
  });
});
