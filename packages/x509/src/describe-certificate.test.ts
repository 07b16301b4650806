import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, opensslOk } from '../../../tooling/test/test-pki';
import { describeCertificate } from './describe-certificate';

let tmp: TempDir;
let pem: string;

beforeAll(() => {
  tmp = makeTempDir('certexit-describe-');
  tmp.write(
    'ext.cnf',
    [
      '[ext]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth, clientAuth, 1.3.6.1.4.1.311.20.2.2',
      'subjectAltName = DNS:web.contoso.test, IP:10.0.0.7, email:alice@contoso.test, otherName:1.3.6.1.4.1.311.20.2.3;UTF8:alice@contoso.test',
      'crlDistributionPoints = URI:http://pki.contoso.test/CertEnroll/Contoso%20CA.crl',
      'authorityInfoAccess = caIssuers;URI:http://pki.contoso.test/CertEnroll/ca.crt, OCSP;URI:http://ocsp.contoso.test',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '1.3.6.1.4.1.311.20.2 = ASN1:BMPSTRING:WebServer',
      '1.3.6.1.4.1.311.21.7 = ASN1:SEQUENCE:tpl',
      '[tpl]',
      'id = OID:1.3.6.1.4.1.311.21.8.1.2.3',
      'major = INTEGER:100',
      'minor = INTEGER:4',
    ].join('\n'),
  );
  opensslOk([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    tmp.file('ca.key'),
    '-out',
    tmp.file('ca.pem'),
    '-subj',
    '/CN=Contoso Issuing CA/O=Contoso',
    '-addext',
    'subjectKeyIdentifier=hash',
    '-addext',
    'basicConstraints=critical,CA:true',
    '-days',
    '30',
  ]);
  opensslOk([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    tmp.file('leaf.key'),
    '-out',
    tmp.file('leaf.csr'),
    '-subj',
    '/C=US/O=Contoso/CN=web.contoso.test',
  ]);
  opensslOk([
    'x509',
    '-req',
    '-in',
    tmp.file('leaf.csr'),
    '-CA',
    tmp.file('ca.pem'),
    '-CAkey',
    tmp.file('ca.key'),
    '-set_serial',
    '0x1a2b3c4d5e',
    '-days',
    '10',
    '-extfile',
    tmp.file('ext.cnf'),
    '-extensions',
    'ext',
    '-sha384',
    '-out',
    tmp.file('leaf.pem'),
  ]);
  pem = tmp.read('leaf.pem');
});

afterAll(() => tmp.remove());

describe('describeCertificate', () => {
  it("shows the General tab's purposes, names and validity", async () => {
    const d = await describeCertificate(pem);
    expect(d.purposes).toEqual(['Server Authentication', 'Client Authentication', 'Smart Card Logon']);
    expect(d.issuedTo).toBe('web.contoso.test');
    expect(d.issuedBy).toBe('Contoso Issuing CA');
    expect(d.serialNumber).toBe('1a2b3c4d5e');
    expect(d.isCa).toBe(false);
    const fingerprint = opensslOk(['x509', '-in', tmp.file('leaf.pem'), '-noout', '-fingerprint', '-sha256']);
    expect(d.sha256Thumbprint).toBe(fingerprint.split('=')[1]!.trim().replace(/:/g, '').toLowerCase());
  });

  it('decodes the Details tab by name, as OpenSSL reads the same extensions', async () => {
    const d = await describeCertificate(pem);
    const field = (name: string) => d.fields.find((f) => f.name === name);
    expect(d.fields.slice(0, 4).map((f) => f.value)).toEqual(['V3', '1a2b3c4d5e', 'sha384ECDSA', 'sha384']);
    expect(field('Public key')?.value).toBe('RSA (2048 Bits)');
    expect(field('Subject')?.detail).toBe('CN = web.contoso.test\nO = Contoso\nC = US');
    expect(field('Key Usage')).toMatchObject({ value: 'Digital Signature, Key Encipherment (05)', critical: true });
    expect(field('Basic Constraints')?.detail).toBe('Subject Type=End Entity\nPath Length Constraint=None');
    expect(field('Enhanced Key Usage')?.detail).toContain('Smart Card Logon (1.3.6.1.4.1.311.20.2.2)');
    expect(field('Subject Alternative Name')?.detail.split('\n')).toEqual([
      'Other Name: Principal Name=alice@contoso.test',
      'RFC822 Name=alice@contoso.test',
      'DNS Name=web.contoso.test',
      'IP Address=10.0.0.7',
    ]);
    expect(field('CRL Distribution Points')?.detail).toContain(
      'URL=http://pki.contoso.test/CertEnroll/Contoso%20CA.crl',
    );
    expect(field('Authority Information Access')?.detail).toContain(
      'Access Method=Certification Authority Issuer (1.3.6.1.5.5.7.48.2)',
    );
    expect(field('Certificate Template Name')?.value).toBe('WebServer');
    expect(field('Certificate Template Information')?.detail).toBe(
      'Template=1.3.6.1.4.1.311.21.8.1.2.3\nMajor Version Number=100\nMinor Version Number=4',
    );
    const text = opensslOk(['x509', '-in', tmp.file('leaf.pem'), '-noout', '-text']);
    const ski = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(text)![1]!.replace(/:/g, '').toLowerCase();
    expect(field('Subject Key Identifier')?.value).toBe(ski);
    expect(field('Authority Key Identifier')?.value).toMatch(/^KeyID=[0-9a-f]{40}$/);
    expect(d.fields.at(-1)?.name).toBe('Thumbprint');
  });

  it('describes a CA certificate and its EC key', async () => {
    const d = await describeCertificate(tmp.read('ca.pem'));
    expect(d.isCa).toBe(true);
    expect(d.purposes).toEqual(['All application policies']);
    expect(d.fields.find((f) => f.name === 'Public key parameters')?.value).toBe('ECDSA_P256 (1.2.840.10045.3.1.7)');
  });
});
