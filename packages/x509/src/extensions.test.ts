import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, opensslOk } from '../../../tooling/test/test-pki';
import { parseCertificate } from './certificate-info';
import { createCertificationRequest } from './create-certification-request';
import { bytesToHex } from './der';
import {
  authorityInfoAccess,
  basicConstraints,
  caVersion,
  certificateTemplateInformation,
  certificateTemplateName,
  cRLReason,
  crlDistributionPoints,
  crlNumber,
  decodeExtensions,
  decodeExtensionsOfCertificate,
  deltaCrlIndicator,
  EXTENSION_OID,
  encodeExtensions,
  extendedKeyUsage,
  keyIdentifierOf,
  keyUsage,
  subjectAltName,
} from './extensions';
import { generateKeyPair } from './key-algorithm';
import { fromPem, toPem } from './pem';
import { X509ArgumentError } from './x509-error';

let tmp: TempDir;
beforeAll(() => {
  tmp = makeTempDir();
});
afterAll(() => tmp?.remove());

const hex = (e: { value: Uint8Array }) => bytesToHex(e.value);

describe('extension encodings', () => {
  it('basicConstraints', () => {
    expect(hex(basicConstraints(true))).toBe('30030101ff');
    expect(hex(basicConstraints(true, 0))).toBe('30060101ff020100');
    expect(hex(basicConstraints(false))).toBe('3000'); // cA DEFAULT FALSE omitted
    expect(basicConstraints(true).critical).toBe(true);
    expect(() => basicConstraints(false, 1)).toThrow(/only allowed when ca/);
    expect(() => basicConstraints(true, -1)).toThrow(X509ArgumentError);
  });

  it('keyUsage as a minimal named bit string', () => {
    expect(hex(keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign']))).toBe('03020186');
    expect(hex(keyUsage(['digitalSignature']))).toBe('03020780');
    expect(hex(keyUsage(['keyEncipherment', 'digitalSignature']))).toBe('030205a0');
    expect(hex(keyUsage(['decipherOnly']))).toBe('0303070080');
    expect(hex(keyUsage(['contentCommitment']))).toBe(hex(keyUsage(['nonRepudiation'])));
    expect(() => keyUsage([])).toThrow(X509ArgumentError);
    expect(() => keyUsage(['bogus' as 'cRLSign'])).toThrow(/unknown usage "bogus"/);
  });

  it('Microsoft CA Version packs keyIndex << 16 | certIndex', () => {
    expect(hex(caVersion(0, 0))).toBe('020100');
    expect(hex(caVersion(1, 2))).toBe('0203020001');
    expect(hex(caVersion(0, 1))).toBe('0203010000');
    expect(hex(caVersion(0xffff, 0x8000))).toBe('0205008000ffff'); // 0x00 pad keeps it positive
    expect(caVersion(0, 0).oid).toBe('1.3.6.1.4.1.311.21.1');
    expect(() => caVersion(0x10000, 0)).toThrow(/0\.\.65535/);
  });

  it('Microsoft template name (BMPString) and template information', () => {
    expect(hex(certificateTemplateName('User'))).toBe('1e080055007300650072');
    expect(hex(certificateTemplateInformation('1.3.6.1.4.1.311.21.8.1', 100, 3))).toBe(
      '3012060a2b060104018237150801020164020103',
    );
    expect(hex(certificateTemplateInformation('1.3.6.1.4.1.311.21.8.1', 100))).toBe(
      '300f060a2b060104018237150801020164',
    );
  });

  it('CRL number, delta indicator and reason code', () => {
    expect(hex(crlNumber(0))).toBe('020100');
    expect(hex(crlNumber(128))).toBe('02020080');
    expect(hex(crlNumber(2n ** 64n))).toBe('0209010000000000000000');
    expect(deltaCrlIndicator(5)).toEqual({ oid: '2.5.29.27', critical: true, value: Uint8Array.of(2, 1, 5) });
    expect(hex(cRLReason(1))).toBe('0a0101');
    expect(() => cRLReason(7)).toThrow(/invalid reason code 7/);
    expect(() => crlNumber(2n ** 160n)).toThrow(/20 octets/);
  });

  it('rejects malformed inputs', () => {
    expect(() => extendedKeyUsage(['not.an.oid'])).toThrow();
    expect(() => crlDistributionPoints(['pki.certexit.test/ca.crl'])).toThrow(/not an ASCII absolute URI/);
    expect(() => authorityInfoAccess({})).toThrow(/no URLs/);
    expect(() => subjectAltName({})).toThrow(/no names/);
  });

  it('encodeExtensions / decodeExtensions round-trip, omitting critical=false', () => {
    const list = [basicConstraints(true), crlNumber(3)];
    const der = encodeExtensions(list, 'test');
    expect(decodeExtensions(der)).toEqual(list);
    // critical=true is an explicit BOOLEAN; critical=false (the DEFAULT) is absent.
    expect(bytesToHex(der)).toBe('301d300f0603551d130101ff040530030101ff300a0603551d140403020103');
  });
});

describe('extensions against OpenSSL', () => {
  for (const keySpec of [['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['rsa:2048']]) {
    it(`subject key identifier equals OpenSSL's "hash" method for ${keySpec[0]}`, async () => {
      const name = keySpec[0]!.replace(':', '');
      const certPath = tmp.file(`${name}-self.pem`);
      opensslOk([
        'req',
        '-x509',
        '-new',
        '-nodes',
        '-newkey',
        ...keySpec,
        '-keyout',
        tmp.file(`${name}.key`),
        '-out',
        certPath,
        '-subj',
        '/CN=ski',
        '-days',
        '1',
        '-addext',
        'subjectKeyIdentifier=hash',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
      ]);
      const cert = await parseCertificate(tmp.read(`${name}-self.pem`));
      expect(cert.subjectKeyIdentifier).toMatch(/^[0-9a-f]{40}$/);
      expect(bytesToHex(await keyIdentifierOf(cert.subjectPublicKeyInfo))).toBe(cert.subjectKeyIdentifier);
      const exts = decodeExtensionsOfCertificate(fromPem(tmp.read(`${name}-self.pem`)).der);
      expect(exts.find((e) => e.oid === EXTENSION_OID.basicConstraints)?.critical).toBe(true);
      expect(exts.map((e) => e.oid)).toContain(EXTENSION_OID.subjectKeyIdentifier);
    });
  }

  it('OpenSSL decodes SAN (DNS, e-mail, URI, IPv4/IPv6, UPN), EKU, CDP and AIA as built', async () => {
    const keyPair = await generateKeyPair('ECDSA_P256');
    const der = await createCertificationRequest({
      keyPair,
      keyAlgorithm: 'ECDSA_P256',
      subject: 'CN=ext',
      extensions: [
        subjectAltName({
          dns: ['a.certexit.test'],
          email: ['alice@certexit.test'],
          uri: ['https://certexit.test/alice'],
          ip: ['192.0.2.1', '2001:db8::1'],
          upn: ['alice@certexit.test'],
        }),
        extendedKeyUsage(['1.3.6.1.5.5.7.3.2', '1.3.6.1.4.1.311.20.2.2']),
        crlDistributionPoints(['http://pki.certexit.test/a.crl', 'ldap:///CN=CA,CN=CDP?certificateRevocationList']),
        authorityInfoAccess({ caIssuers: ['http://pki.certexit.test/ca.crt'], ocsp: ['http://ocsp.certexit.test'] }),
        certificateTemplateName('User'),
      ],
    });
    const text = opensslOk(['req', '-in', tmp.write('ext.csr', toPem(der, 'CERTIFICATE REQUEST')), '-noout', '-text']);
    expect(text).toContain(
      'DNS:a.certexit.test, email:alice@certexit.test, URI:https://certexit.test/alice, IP Address:192.0.2.1, IP Address:2001:DB8:0:0:0:0:0:1, othername: UPN::alice@certexit.test',
    );
    expect(text).toContain('TLS Web Client Authentication, Microsoft Smartcard Login');
    expect(text).toMatch(
      /URI:http:\/\/pki\.certexit\.test\/a\.crl\s+URI:ldap:\/\/\/CN=CA,CN=CDP\?certificateRevocationList/,
    );
    expect(text).toContain('CA Issuers - URI:http://pki.certexit.test/ca.crt');
    expect(text).toContain('OCSP - URI:http://ocsp.certexit.test');
    expect(text).toMatch(/1\.3\.6\.1\.4\.1\.311\.20\.2:\s+\.\.\.U\.s\.e\.r/);
  });
});
