import type { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, openssl, opensslOk } from '../../../tooling/test/test-pki';
import { createCaCertificationRequest, createSelfSignedCaCertificate } from './ca-certificate';
import { parseCertificate, verifyCertificateSignature } from './certificate-info';
import { parseCertificationRequest } from './certification-request';
import { hexToBytes } from './der';
import { parseDistinguishedName } from './distinguished-name';
import type { X509Extension } from './extensions';
import {
  authorityInfoAccess,
  authorityKeyIdentifier,
  basicConstraints,
  certificateTemplateName,
  crlDistributionPoints,
  EXTENSION_OID,
  extendedKeyUsage,
  findExtension,
  keyUsage,
  subjectKeyIdentifier,
} from './extensions';
import { issueCertificate } from './issue-certificate';
import type { KeyAlgorithmName } from './key-algorithm';
import { exportSpki, generateKeyPair, KEY_ALGORITHM_NAMES } from './key-algorithm';
import { toPem } from './pem';
import { newSerialNumber, serialToHex } from './serial-number';
import { X509ArgumentError } from './x509-error';

const CDP = 'http://pki.certexit.test/crl/ca.crl';
const AIA_CA = 'http://pki.certexit.test/aia/ca.crt';
const AIA_OCSP = 'http://ocsp.certexit.test/';
const NOW = new Date('2025-06-01T12:00:00.250Z');
const YEAR = 365 * 24 * 3600 * 1000;
/** Fixed dates keep the openssl text assertions stable; `-attime` checks validity at that time, not today. */
const AT = ['-attime', String(Math.floor(NOW.getTime() / 1000) + 86400)];

let tmp: TempDir;
const requests: Record<'ec' | 'rsa', string> = { ec: '', rsa: '' };

beforeAll(() => {
  tmp = makeTempDir();
  const san = 'subjectAltName=DNS:leaf.certexit.test,DNS:www.certexit.test,IP:192.0.2.7';
  for (const [kind, keyArgs] of [
    ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
    ['rsa', ['-newkey', 'rsa:2048']],
  ] as const) {
    const out = tmp.file(`${kind}.csr`);
    opensslOk([
      'req',
      '-new',
      '-nodes',
      ...keyArgs,
      '-keyout',
      tmp.file(`${kind}.key`),
      '-out',
      out,
      '-subj',
      `/C=DE/O=certexit/CN=${kind}-leaf`,
      '-addext',
      san,
    ]);
    requests[kind] = tmp.read(`${kind}.csr`);
  }
});

afterAll(() => tmp?.remove());

/** The hex line following an extension heading in `openssl x509 -text`, normalized. */
function textExtensionHex(text: string, heading: string): string {
  const m = new RegExp(`${heading}:[^\\n]*\\n\\s*(?:keyid:)?([0-9A-F:]+)`).exec(text);
  if (!m) throw new Error(`"${heading}" not in openssl output`);
  return m[1]!.replace(/:/g, '').toLowerCase();
}

interface Ca {
  alg: KeyAlgorithmName;
  keyPair: webcrypto.CryptoKeyPair;
  der: Uint8Array;
  pem: string;
  skiHex: string;
}

async function makeCa(alg: KeyAlgorithmName, dn: string): Promise<Ca> {
  const keyPair = await generateKeyPair(alg);
  const der = await createSelfSignedCaCertificate({
    keyPair,
    keyAlgorithm: alg,
    subjectDn: dn,
    notBefore: NOW,
    notAfter: new Date(NOW.getTime() + 10 * YEAR),
    certIndex: 0,
    keyIndex: 0,
  });
  const info = await parseCertificate(der);
  return { alg, keyPair, der, pem: toPem(der, 'CERTIFICATE'), skiHex: info.subjectKeyIdentifier! };
}

async function leafExtensions(ca: Ca, spki: Uint8Array, requested: readonly X509Extension[]): Promise<X509Extension[]> {
  const san = findExtension(requested, EXTENSION_OID.subjectAltName);
  return [
    ...(san ? [san] : []), // copied verbatim from the request
    basicConstraints(false, undefined, false),
    keyUsage(['digitalSignature', 'keyEncipherment']),
    extendedKeyUsage(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']),
    await subjectKeyIdentifier(spki),
    authorityKeyIdentifier(hexToBytes(ca.skiHex)),
    crlDistributionPoints([CDP]),
    authorityInfoAccess({ caIssuers: [AIA_CA], ocsp: [AIA_OCSP] }),
    certificateTemplateName('WebServer'),
  ];
}

describe.each(KEY_ALGORITHM_NAMES)('CA with %s', (alg) => {
  let ca: Ca;
  beforeAll(async () => {
    ca = await makeCa(alg, `CN=certexit ${alg} CA, O=certexit, C=DE`);
    tmp.write(`ca-${alg}.pem`, ca.pem);
  });

  it('is a self-signed v3 CA certificate OpenSSL accepts, with the required extensions', async () => {
    const caPath = tmp.file(`ca-${alg}.pem`);
    expect(opensslOk(['verify', ...AT, '-x509_strict', '-CAfile', caPath, caPath])).toContain(': OK');
    const text = opensslOk(['x509', '-in', caPath, '-noout', '-text']);
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(text).toContain('Subject: C = DE, O = certexit, CN = certexit');
    expect(text).toContain('1.3.6.1.4.1.311.21.1');
    expect(text).toMatch(
      alg.startsWith('RSA')
        ? /sha256WithRSAEncryption/
        : alg === 'ECDSA_P256'
          ? /ecdsa-with-SHA256/
          : /ecdsa-with-SHA384/,
    );
    expect(textExtensionHex(text, 'X509v3 Subject Key Identifier')).toBe(ca.skiHex);

    const info = await parseCertificate(ca.pem);
    expect(info.subjectDn).toBe(`CN=certexit ${alg} CA, O=certexit, C=DE`);
    expect(info.issuerDn).toBe(info.subjectDn);
    expect(info.notBefore.toISOString()).toBe('2025-06-01T12:00:00.000Z'); // milliseconds truncated
    expect(info.publicKeyLength).toBe(Number(alg.split('_')[1]!.replace('P', '')));
    expect(await verifyCertificateSignature(info, info.subjectPublicKeyInfo)).toBe(true);
    // Microsoft CA Version V0.0 → INTEGER 0.
    expect(findExtension(info.extensions, EXTENSION_OID.caVersion)?.value).toEqual(Uint8Array.of(2, 1, 0));
  });

  for (const kind of ['ec', 'rsa'] as const) {
    it(`issues a leaf for an OpenSSL ${kind.toUpperCase()} request that OpenSSL verifies`, async () => {
      const req = await parseCertificationRequest(requests[kind]);
      const serial = newSerialNumber();
      const der = await issueCertificate({
        issuerName: parseDistinguishedName(`CN=certexit ${alg} CA, O=certexit, C=DE`),
        issuerKey: ca.keyPair.privateKey,
        keyAlgorithm: alg,
        serialNumber: serial,
        subject: req.subjectDer,
        subjectPublicKeyInfo: req.subjectPublicKeyInfo,
        notBefore: NOW,
        notAfter: new Date(NOW.getTime() + YEAR),
        extensions: await leafExtensions(ca, req.subjectPublicKeyInfo, req.extensions),
      });
      const leafPath = tmp.write(`leaf-${alg}-${kind}.pem`, toPem(der, 'CERTIFICATE'));
      const caPath = tmp.file(`ca-${alg}.pem`);

      expect(opensslOk(['verify', ...AT, '-x509_strict', '-CAfile', caPath, leafPath]).trim()).toBe(`${leafPath}: OK`);

      const text = opensslOk(['x509', '-in', leafPath, '-noout', '-text']);
      const serialOut = opensslOk(['x509', '-in', leafPath, '-noout', '-serial']).trim();
      expect(serialOut).toBe(`serial=${serialToHex(serial).toUpperCase()}`);
      expect(BigInt(`0x${serialToHex(serial)}`) >= 2n ** 64n).toBe(true);
      expect(text).toContain(`Subject: C = DE, O = certexit, CN = ${kind}-leaf`);
      expect(text).toContain(`Issuer: C = DE, O = certexit, CN = certexit ${alg} CA`);
      expect(text).toContain('DNS:leaf.certexit.test, DNS:www.certexit.test, IP Address:192.0.2.7');
      expect(text).toContain(`URI:${CDP}`);
      expect(text).toContain(`CA Issuers - URI:${AIA_CA}`);
      expect(text).toContain(`OCSP - URI:${AIA_OCSP}`);
      expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
      expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
      expect(text).toMatch(/Not Before: Jun {2}1 12:00:00 2025 GMT\s+Not After : Jun {2}1 12:00:00 2026 GMT/);
      expect(textExtensionHex(text, 'X509v3 Authority Key Identifier')).toBe(ca.skiHex);

      // The leaf SKI is OpenSSL's own SHA-1 over the key: compare with `openssl x509 -pubkey` + our parse.
      const info = await parseCertificate(der);
      expect(textExtensionHex(text, 'X509v3 Subject Key Identifier')).toBe(info.subjectKeyIdentifier);
      expect(info.authorityKeyIdentifier).toBe(ca.skiHex);
      expect(info.serialNumberHex).toBe(serialToHex(serial));
      expect(info.subjectDn).toBe(`CN=${kind}-leaf, O=certexit, C=DE`);
      const fingerprint = opensslOk(['x509', '-in', leafPath, '-noout', '-fingerprint', '-sha1']);
      expect(fingerprint.trim().split('=')[1]!.replace(/:/g, '').toLowerCase()).toBe(info.sha1Thumbprint);
      const caInfo = await parseCertificate(ca.der);
      expect(await verifyCertificateSignature(info, caInfo.subjectPublicKeyInfo)).toBe(true);
      expect(await verifyCertificateSignature(info, info.subjectPublicKeyInfo)).toBe(false);
    });
  }
});

describe('issueCertificate details', () => {
  let ca: Ca;
  let leafKey: webcrypto.CryptoKeyPair;
  beforeAll(async () => {
    ca = await makeCa('ECDSA_P256', 'CN=Details CA');
    leafKey = await generateKeyPair('ECDSA_P256');
    tmp.write('details-ca.pem', ca.pem);
  });

  const issue = async (overrides: Partial<Parameters<typeof issueCertificate>[0]>) =>
    issueCertificate({
      issuerName: parseDistinguishedName('CN=Details CA'),
      issuerKey: ca.keyPair.privateKey,
      keyAlgorithm: 'ECDSA_P256',
      serialNumber: newSerialNumber(),
      subject: parseDistinguishedName('CN=details'),
      subjectPublicKeyInfo: await exportSpki(leafKey.publicKey),
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + YEAR),
      extensions: [],
      ...overrides,
    });

  it('uses UTCTime before 2050 and GeneralizedTime from 2050 on', async () => {
    const der = await issue({ notAfter: new Date('2050-01-01T00:00:00Z') });
    const path = tmp.write('gt.pem', toPem(der, 'CERTIFICATE'));
    const asn1 = opensslOk(['asn1parse', '-in', path]);
    expect(asn1).toMatch(/UTCTIME\s+:250601120000Z/);
    expect(asn1).toMatch(/GENERALIZEDTIME\s+:20500101000000Z/);
    expect((await parseCertificate(der)).notAfter.toISOString()).toBe('2050-01-01T00:00:00.000Z');
    // A certificate without extensions is still v3 and chains.
    expect(opensslOk(['verify', ...AT, '-CAfile', tmp.file('details-ca.pem'), path])).toContain(': OK');
  });

  it('a certificate signed by another key does not verify in OpenSSL', async () => {
    const other = await generateKeyPair('ECDSA_P256');
    const der = await issue({ issuerKey: other.privateKey });
    const path = tmp.write('forged.pem', toPem(der, 'CERTIFICATE'));
    const r = openssl(['verify', ...AT, '-CAfile', tmp.file('details-ca.pem'), path]);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/signature failure/);
  });

  it('rejects bad input with clear errors', async () => {
    await expect(issue({ notAfter: NOW })).rejects.toThrow(/not after start/);
    await expect(issue({ serialNumber: Uint8Array.of(0x80, 1) })).rejects.toThrow(/negative/);
    await expect(issue({ serialNumber: Uint8Array.of(0, 1) })).rejects.toThrow(/redundant leading zero/);
    await expect(issue({ serialNumber: new Uint8Array(21).fill(1) })).rejects.toThrow(/at most 20/);
    await expect(issue({ subjectPublicKeyInfo: Uint8Array.of(1, 2, 3) })).rejects.toThrow();
    await expect(issue({ keyAlgorithm: 'RSA_2048' })).rejects.toThrow(X509ArgumentError);
    await expect(issue({ extensions: [keyUsage(['keyCertSign']), keyUsage(['cRLSign'])] })).rejects.toThrow(
      /more than once/,
    );
    await expect(
      issue({ extensions: [{ oid: '1.2.3', critical: false, value: Uint8Array.of(4, 9) }] }),
    ).rejects.toThrow(/not a single DER element/);
  });

  it('chains a subordinate CA built from createCaCertificationRequest', async () => {
    const subKey = await generateKeyPair('RSA_2048');
    const reqDer = await createCaCertificationRequest({
      keyPair: subKey,
      keyAlgorithm: 'RSA_2048',
      subjectDn: 'CN=Issuing CA, O=certexit',
      certIndex: 0,
      keyIndex: 0,
    });
    const req = await parseCertificationRequest(reqDer);
    expect(req.extensions.map((e) => e.oid)).toContain(EXTENSION_OID.basicConstraints);
    const subDer = await issue({
      subject: req.subjectDer,
      subjectPublicKeyInfo: req.subjectPublicKeyInfo,
      notAfter: new Date(NOW.getTime() + 5 * YEAR),
      extensions: [...req.extensions, authorityKeyIdentifier(hexToBytes(ca.skiHex))],
    });
    const subInfo = await parseCertificate(subDer);
    const leafDer = await issueCertificate({
      issuerName: subInfo.subjectDer,
      issuerKey: subKey.privateKey,
      keyAlgorithm: 'RSA_2048',
      serialNumber: newSerialNumber(),
      subject: parseDistinguishedName('CN=end entity'),
      subjectPublicKeyInfo: await exportSpki(leafKey.publicKey),
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + YEAR),
      extensions: [
        await subjectKeyIdentifier(await exportSpki(leafKey.publicKey)),
        authorityKeyIdentifier(hexToBytes(subInfo.subjectKeyIdentifier!)),
      ],
    });
    const subPath = tmp.write('sub.pem', toPem(subDer, 'CERTIFICATE'));
    const leafPath = tmp.write('sub-leaf.pem', toPem(leafDer, 'CERTIFICATE'));
    const out = opensslOk([
      'verify',
      ...AT,
      '-x509_strict',
      '-CAfile',
      tmp.file('details-ca.pem'),
      '-untrusted',
      subPath,
      leafPath,
    ]);
    expect(out.trim()).toBe(`${leafPath}: OK`);
    expect(opensslOk(['x509', '-in', subPath, '-noout', '-text'])).toMatch(/CA:TRUE/);
  });
});
