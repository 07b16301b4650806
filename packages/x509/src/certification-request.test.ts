import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, opensslOk } from '../../../tooling/test/test-pki';
import { OID_MS_CERT_EXTENSIONS, parseCertificationRequest } from './certification-request';
import { createCertificationRequest } from './create-certification-request';
import { bytesToHex } from './der';
import { EXTENSION_OID, encodeExtensions, extendedKeyUsage, subjectAltName } from './extensions';
import { generateKeyPair } from './key-algorithm';
import { fromPem, toPem } from './pem';
import { X509ParseError, X509SignatureError, X509UnsupportedAlgorithmError } from './x509-error';

let tmp: TempDir;
const csr: Record<string, string> = {};

beforeAll(() => {
  tmp = makeTempDir();
  const req = (name: string, args: string[]) => {
    opensslOk(['req', '-new', '-nodes', '-keyout', tmp.file(`${name}.key`), '-out', tmp.file(`${name}.csr`), ...args]);
    csr[name] = tmp.read(`${name}.csr`);
  };
  req('ec256', [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-subj',
    '/C=DE/O=certexit/OU=Users/CN=alice',
    '-addext',
    'subjectAltName=DNS:alice.certexit.test,IP:10.0.0.1',
    '-addext',
    'extendedKeyUsage=clientAuth',
  ]);
  req('ec384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha384', '-subj', '/CN=p384']);
  req('rsa', [
    '-newkey',
    'rsa:2048',
    '-subj',
    '/DC=test/DC=certexit/CN=bob',
    '-addext',
    'subjectAltName=DNS:bob.certexit.test',
  ]);
  req('rsa512', ['-key', tmp.file('rsa.key'), '-sha512', '-subj', '/CN=bob512']);
  req('pss', [
    '-key',
    tmp.file('rsa.key'),
    '-sigopt',
    'rsa_padding_mode:pss',
    '-sigopt',
    'rsa_pss_saltlen:32',
    '-subj',
    '/CN=pss',
  ]);
  req('ed25519', ['-newkey', 'ed25519', '-subj', '/CN=edward']);
  req('ed448', ['-newkey', 'ed448', '-subj', '/CN=ed448']);
});

afterAll(() => tmp?.remove());

describe('parseCertificationRequest with OpenSSL requests', () => {
  it('parses an ECDSA P-256 request: subject, key, SAN and EKU extensions', async () => {
    const r = await parseCertificationRequest(csr.ec256!);
    expect(r.subjectDn).toBe('CN=alice, OU=Users, O=certexit, C=DE');
    expect(r.publicKeyAlgorithmOid).toBe('1.2.840.10045.2.1');
    expect(r.publicKeyLength).toBe(256);
    expect(r.signatureAlgorithmOid).toBe('1.2.840.10045.4.3.2');
    expect(r.extensions.map((e) => e.oid)).toEqual([EXTENSION_OID.subjectAltName, EXTENSION_OID.extendedKeyUsage]);
    // The SAN value must be byte-identical to what OpenSSL put in (DNS + IP 10.0.0.1).
    const san = r.extensions[0]!;
    expect(bytesToHex(san.value)).toContain(bytesToHex(new TextEncoder().encode('alice.certexit.test')));
    expect(bytesToHex(san.value)).toContain('87040a000001');
    expect(r.attributes.map((a) => a.oid)).toEqual(['1.2.840.113549.1.9.14']);
    // SPKI is exactly the one OpenSSL derives from the key.
    const spkiPem = opensslOk(['pkey', '-in', tmp.file('ec256.key'), '-pubout']);
    expect(bytesToHex(r.subjectPublicKeyInfo)).toBe(bytesToHex(fromPem(spkiPem).der));
  });

  it('parses P-384/SHA-384, RSA/SHA-256, RSA/SHA-512, RSA-PSS and Ed25519 requests', async () => {
    const ec384 = await parseCertificationRequest(csr.ec384!);
    expect([ec384.publicKeyLength, ec384.signatureAlgorithmOid]).toEqual([384, '1.2.840.10045.4.3.3']);
    const rsa = await parseCertificationRequest(csr.rsa!);
    expect([rsa.publicKeyLength, rsa.signatureAlgorithmOid]).toEqual([2048, '1.2.840.113549.1.1.11']);
    expect(rsa.subjectDn).toBe('CN=bob, DC=certexit, DC=test');
    const rsa512 = await parseCertificationRequest(csr.rsa512!);
    expect(rsa512.signatureAlgorithmOid).toBe('1.2.840.113549.1.1.13');
    expect(rsa512.extensions).toEqual([]);
    const pss = await parseCertificationRequest(csr.pss!);
    expect(pss.signatureAlgorithmOid).toBe('1.2.840.113549.1.1.10');
    const ed = await parseCertificationRequest(csr.ed25519!);
    expect([ed.publicKeyAlgorithmOid, ed.subjectDn]).toEqual(['1.3.101.112', 'CN=edward']);
  });

  it('accepts NEW CERTIFICATE REQUEST PEM, bare base64 (with line breaks) and DER', async () => {
    const der = fromPem(csr.rsa!).der;
    const fromNew = await parseCertificationRequest(toPem(der, 'NEW CERTIFICATE REQUEST'));
    const b64 = Buffer.from(der)
      .toString('base64')
      .replace(/(.{64})/g, '$1\r\n');
    const fromB64 = await parseCertificationRequest(b64);
    const fromDer = await parseCertificationRequest(der);
    const fromPemBytes = await parseCertificationRequest(new TextEncoder().encode(csr.rsa!));
    for (const r of [fromNew, fromB64, fromDer, fromPemBytes]) expect(bytesToHex(r.der)).toBe(bytesToHex(der));
  });

  it('rejects a request whose signed content was tampered with', async () => {
    const der = fromPem(csr.ec256!).der.slice();
    const at = Buffer.from(der).indexOf('alice');
    expect(at).toBeGreaterThan(0);
    der[at] = 'A'.charCodeAt(0); // still a well-formed request, but not what was signed
    await expect(parseCertificationRequest(der)).rejects.toThrow(X509SignatureError);
    await expect(parseCertificationRequest(der)).rejects.toThrow('PKCS#10 signature does not verify');
  });

  it('rejects a request whose RSA signature bytes were altered', async () => {
    const der = fromPem(csr.rsa!).der.slice();
    der[der.length - 5]! ^= 0x01;
    await expect(parseCertificationRequest(der)).rejects.toThrow('PKCS#10 signature does not verify');
  });

  it('rejects unsupported signature algorithms by name', async () => {
    await expect(parseCertificationRequest(csr.ed448!)).rejects.toThrow(X509UnsupportedAlgorithmError);
  });
});

describe('parseCertificationRequest rejects garbage', () => {
  const cases: Array<[string, string | Uint8Array]> = [
    ['text', 'hello world, this is no request'],
    ['empty', new Uint8Array(0)],
    ['random DER-looking bytes', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00)],
    ['truncated', Uint8Array.of(0x30, 0x82, 0x01, 0x00, 0x30)],
  ];
  for (const [label, input] of cases) {
    it(`rejects ${label}`, async () => {
      await expect(parseCertificationRequest(input)).rejects.toThrow(/not a PKCS#10 request/);
    });
  }

  it('rejects a certificate PEM with a message naming the label', async () => {
    const pem = toPem(fromPem(csr.rsa!).der, 'CERTIFICATE');
    await expect(parseCertificationRequest(pem)).rejects.toThrow(/PEM label is "CERTIFICATE"/);
  });

  it('rejects trailing bytes after the DER structure', async () => {
    const der = fromPem(csr.rsa!).der;
    const padded = new Uint8Array([...der, 0]);
    await expect(parseCertificationRequest(padded)).rejects.toThrow(X509ParseError);
  });
});

describe('createCertificationRequest', () => {
  it('produces requests OpenSSL verifies, with extensionRequest and the Microsoft attribute read back', async () => {
    const keyPair = await generateKeyPair('ECDSA_P256');
    const der = await createCertificationRequest({
      keyPair,
      keyAlgorithm: 'ECDSA_P256',
      subject: 'CN=carol, O=certexit',
      extensions: [subjectAltName({ dns: ['carol.certexit.test'] })],
      attributes: [
        { oid: OID_MS_CERT_EXTENSIONS, values: [encodeExtensions([extendedKeyUsage(['1.3.6.1.5.5.7.3.1'])], 'ms')] },
      ],
    });
    const path = tmp.write('ours.csr', toPem(der, 'CERTIFICATE REQUEST'));
    const out = opensslOk(['req', '-in', path, '-verify', '-noout', '-text']);
    expect(out).toContain('DNS:carol.certexit.test');
    expect(out).toMatch(/Subject: O = certexit, CN = carol/);
    const parsed = await parseCertificationRequest(der);
    expect(parsed.extensions.map((e) => e.oid)).toEqual([EXTENSION_OID.subjectAltName, EXTENSION_OID.extendedKeyUsage]);
  });

  it('prefers the PKCS#9 extension over a duplicate in the Microsoft attribute', async () => {
    const keyPair = await generateKeyPair('ECDSA_P256');
    const der = await createCertificationRequest({
      keyPair,
      keyAlgorithm: 'ECDSA_P256',
      subject: 'CN=dup',
      extensions: [subjectAltName({ dns: ['pkcs9.test'] })],
      attributes: [
        { oid: OID_MS_CERT_EXTENSIONS, values: [encodeExtensions([subjectAltName({ dns: ['ms.test'] })], 'ms')] },
      ],
    });
    const parsed = await parseCertificationRequest(der);
    expect(parsed.extensions).toHaveLength(1);
    expect(Buffer.from(parsed.extensions[0]!.value).includes('pkcs9.test')).toBe(true);
  });
});
