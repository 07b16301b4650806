import type { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, openssl, opensslOk } from '../../../tooling/test/test-pki';
import { createSelfSignedCaCertificate } from './ca-certificate';
import { parseCertificate } from './certificate-info';
import type { CreateCrlInput } from './crl';
import { createCrl } from './crl';
import { parseCrl, verifyCrlSignature } from './crl-info';
import { hexToBytes } from './der';
import { parseDistinguishedName } from './distinguished-name';
import { authorityKeyIdentifier, crlDistributionPoints, subjectKeyIdentifier } from './extensions';
import { issueCertificate } from './issue-certificate';
import type { KeyAlgorithmName } from './key-algorithm';
import { exportSpki, generateKeyPair } from './key-algorithm';
import { toPem } from './pem';
import { newSerialNumber, serialToHex } from './serial-number';
import { X509ArgumentError } from './x509-error';

const NOW = new Date('2025-06-01T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const AT = ['-attime', String(Math.floor(NOW.getTime() / 1000) + 3600)];

let tmp: TempDir;
beforeAll(() => {
  tmp = makeTempDir();
});
afterAll(() => tmp?.remove());

interface Setup {
  alg: KeyAlgorithmName;
  keyPair: webcrypto.CryptoKeyPair;
  caDer: Uint8Array;
  caSubject: Uint8Array;
  caSpki: Uint8Array;
  ski: Uint8Array;
  caPath: string;
  leaves: Array<{ serial: Uint8Array; path: string }>;
}

async function setup(alg: KeyAlgorithmName): Promise<Setup> {
  const keyPair = await generateKeyPair(alg);
  const caDer = await createSelfSignedCaCertificate({
    keyPair,
    keyAlgorithm: alg,
    subjectDn: `CN=CRL Test CA ${alg}, O=certexit`,
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 3650 * DAY),
    certIndex: 0,
    keyIndex: 0,
  });
  const ca = await parseCertificate(caDer);
  const ski = hexToBytes(ca.subjectKeyIdentifier!);
  const leafKey = await generateKeyPair('ECDSA_P256');
  const leafSpki = await exportSpki(leafKey.publicKey);
  const leaves = [];
  for (const name of ['revoked', 'good', 'held']) {
    const serial = newSerialNumber();
    const der = await issueCertificate({
      issuerName: ca.subjectDer,
      issuerKey: keyPair.privateKey,
      keyAlgorithm: alg,
      serialNumber: serial,
      subject: parseDistinguishedName(`CN=${name}`),
      subjectPublicKeyInfo: leafSpki,
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 365 * DAY),
      extensions: [
        await subjectKeyIdentifier(leafSpki),
        authorityKeyIdentifier(ski),
        crlDistributionPoints([`http://pki.certexit.test/${alg}.crl`]),
      ],
    });
    leaves.push({ serial, path: tmp.write(`${alg}-${name}.pem`, toPem(der, 'CERTIFICATE')) });
  }
  return {
    alg,
    keyPair,
    caDer,
    caSubject: ca.subjectDer,
    caSpki: ca.subjectPublicKeyInfo,
    ski,
    caPath: tmp.write(`${alg}-ca.pem`, toPem(caDer, 'CERTIFICATE')),
    leaves,
  };
}

function crlInput(s: Setup, overrides: Partial<CreateCrlInput> = {}): CreateCrlInput {
  return {
    issuerName: s.caSubject,
    issuerKey: s.keyPair.privateKey,
    keyAlgorithm: s.alg,
    authorityKeyId: s.ski,
    crlNumber: 1,
    thisUpdate: NOW,
    nextUpdate: new Date(NOW.getTime() + 7 * DAY),
    entries: [],
    ...overrides,
  };
}

describe.each(['ECDSA_P384', 'RSA_2048'] as const)('CRLs signed with %s', (alg) => {
  let s: Setup;
  let crlPath: string;
  beforeAll(async () => {
    s = await setup(alg);
    const crl = await createCrl(
      crlInput(s, {
        crlNumber: 5,
        entries: [
          { serialNumber: s.leaves[0]!.serial, revocationDate: new Date(NOW.getTime() - 3600_000), reason: 1 },
          { serialNumber: s.leaves[2]!.serial, revocationDate: new Date(NOW.getTime() - 1800_000), reason: 6 },
        ],
        freshestCrlUrls: [`http://pki.certexit.test/${alg}+.crl`],
        caVersion: { certIndex: 0, keyIndex: 0 },
        nextCrlPublish: new Date(NOW.getTime() + 6 * DAY),
      }),
    );
    crlPath = tmp.write(`${alg}.crl.pem`, toPem(crl, 'X509 CRL'));
  });

  it('OpenSSL verifies the CRL signature', () => {
    const r = openssl(['crl', '-in', crlPath, '-CAfile', s.caPath, '-noout', '-verify']);
    expect(r.status).toBe(0);
    expect(r.output).toContain('verify OK');
  });

  it('OpenSSL rejects the revoked and the held leaf and accepts the other one', () => {
    const check = (path: string) =>
      openssl(['verify', ...AT, '-crl_check', '-CAfile', s.caPath, '-CRLfile', crlPath, path]);
    const revoked = check(s.leaves[0]!.path);
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toContain('certificate revoked');
    const held = check(s.leaves[2]!.path);
    expect(held.status).not.toBe(0);
    expect(held.output).toContain('certificate revoked');
    const good = check(s.leaves[1]!.path);
    expect(good.status).toBe(0);
    expect(good.stdout.trim()).toBe(`${s.leaves[1]!.path}: OK`);
  });

  it('has the expected fields in `openssl crl -text`', () => {
    const text = opensslOk(['crl', '-in', crlPath, '-noout', '-text']);
    expect(text).toContain('Version 2 (0x1)');
    expect(text).toMatch(/X509v3 CRL Number:\s+5/);
    expect(text).toContain(`Issuer: O = certexit, CN = CRL Test CA ${alg}`);
    expect(text).toContain('Last Update: Jun  1 12:00:00 2025 GMT');
    expect(text).toContain('Next Update: Jun  8 12:00:00 2025 GMT');
    expect(text).toMatch(/Freshest CRL:\s+Full Name:\s+URI:http:\/\/pki\.certexit\.test\/.*\+\.crl/);
    const aki = /Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
    expect(aki?.replace(/:/g, '').toLowerCase()).toBe(Buffer.from(s.ski).toString('hex'));
    expect(text).toContain(`Serial Number: ${serialToHex(s.leaves[0]!.serial).toUpperCase()}`);
    expect(text).toMatch(/Reason Code:\s+Key Compromise/);
    expect(text).toMatch(/Reason Code:\s+Certificate Hold/);
    expect(text).toContain('1.3.6.1.4.1.311.21.1'); // CA Version
    expect(text).toContain('1.3.6.1.4.1.311.21.4'); // Next CRL Publish
  });

  it('reads back with parseCrl and verifies with our own verifier', async () => {
    const crl = parseCrl(tmp.read(`${alg}.crl.pem`));
    expect(crl.version).toBe(2);
    expect(crl.crlNumber).toBe(5n);
    expect(crl.deltaBaseCrlNumber).toBeUndefined();
    expect(crl.issuerDn).toBe(`CN=CRL Test CA ${alg}, O=certexit`);
    expect(crl.entries.map((e) => [e.serialNumberHex, e.reason])).toEqual([
      [serialToHex(s.leaves[0]!.serial), 1],
      [serialToHex(s.leaves[2]!.serial), 6],
    ]);
    expect(crl.nextUpdate?.toISOString()).toBe('2025-06-08T12:00:00.000Z');
    expect(await verifyCrlSignature(crl, s.caSpki)).toBe(true);
    const other = await generateKeyPair('ECDSA_P256');
    expect(await verifyCrlSignature(crl, await exportSpki(other.publicKey))).toBe(false);
  });
});

describe('delta CRLs and reason handling', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup('ECDSA_P256');
  });

  it('writes a critical deltaCRLIndicator that OpenSSL parses, with removeFromCRL entries', async () => {
    const der = await createCrl(
      crlInput(s, {
        crlNumber: 8,
        deltaOfBase: 7,
        entries: [
          { serialNumber: s.leaves[2]!.serial, revocationDate: NOW, reason: 8 },
          { serialNumber: s.leaves[0]!.serial, revocationDate: NOW, reason: 4 },
        ],
      }),
    );
    const path = tmp.write('delta.crl.pem', toPem(der, 'X509 CRL'));
    const text = opensslOk(['crl', '-in', path, '-noout', '-text']);
    expect(text).toMatch(/X509v3 Delta CRL Indicator: critical\s+7/);
    expect(text).toMatch(/X509v3 CRL Number:\s+8/);
    expect(text).toMatch(/Reason Code:\s+Remove From CRL/);
    expect(text).toMatch(/Reason Code:\s+Superseded/);
    expect(openssl(['crl', '-in', path, '-CAfile', s.caPath, '-noout', '-verify']).output).toContain('verify OK');
    const crl = parseCrl(der);
    expect([crl.crlNumber, crl.deltaBaseCrlNumber]).toEqual([8n, 7n]);
  });

  it('OpenSSL applies a delta over its base: removeFromCRL releases a hold, new entries revoke', async () => {
    const [revoked, good, held] = s.leaves as [Setup['leaves'][0], Setup['leaves'][0], Setup['leaves'][0]];
    const base = await createCrl(
      crlInput(s, {
        crlNumber: 10,
        entries: [
          { serialNumber: revoked.serial, revocationDate: NOW, reason: 1 },
          { serialNumber: held.serial, revocationDate: NOW, reason: 6 },
        ],
        freshestCrlUrls: ['http://pki.certexit.test/delta.crl'],
      }),
    );
    const delta = await createCrl(
      crlInput(s, {
        crlNumber: 11,
        deltaOfBase: 10,
        thisUpdate: new Date(NOW.getTime() + 60_000),
        entries: [
          { serialNumber: held.serial, revocationDate: NOW, reason: 8 },
          { serialNumber: good.serial, revocationDate: NOW, reason: 5 },
        ],
      }),
    );
    const basePath = tmp.write('chain-base.crl.pem', toPem(base, 'X509 CRL'));
    const deltaPath = tmp.write('chain-delta.crl.pem', toPem(delta, 'X509 CRL'));
    const verify = (leaf: string, withDelta: boolean) =>
      openssl([
        'verify',
        ...AT,
        '-crl_check',
        // -extended_crl: see publish-crls.test.ts (openssl/openssl#31040 would read the delta as a complete CRL).
        ...(withDelta ? ['-extended_crl', '-use_deltas', '-CRLfile', deltaPath] : []),
        '-CAfile',
        s.caPath,
        '-CRLfile',
        basePath,
        leaf,
      ]);
    // Base alone: held is revoked, good is fine.
    expect(verify(held.path, false).output).toContain('certificate revoked');
    expect(verify(good.path, false).status).toBe(0);
    // Base + delta: hold released, good now revoked, revoked stays revoked.
    expect(verify(held.path, true).status).toBe(0);
    expect(verify(good.path, true).output).toContain('certificate revoked');
    expect(verify(revoked.path, true).output).toContain('certificate revoked');
  });

  it('omits the reasonCode extension for reason 0 (unspecified) and for no reason', async () => {
    const der = await createCrl(
      crlInput(s, {
        entries: [
          { serialNumber: s.leaves[0]!.serial, revocationDate: NOW, reason: 0 },
          { serialNumber: s.leaves[1]!.serial, revocationDate: NOW },
        ],
      }),
    );
    const crl = parseCrl(der);
    expect(crl.entries.map((e) => [e.reason, e.extensions.length])).toEqual([
      [undefined, 0],
      [undefined, 0],
    ]);
    const text = opensslOk(['crl', '-in', tmp.write('r0.crl.pem', toPem(der, 'X509 CRL')), '-noout', '-text']);
    expect(text).not.toContain('Reason Code');
    expect(text).not.toContain('CRL entry extensions');
  });

  it('produces an empty CRL without a revokedCertificates list that still verifies', async () => {
    const der = await createCrl(crlInput(s, { crlNumber: 2n ** 100n }));
    const path = tmp.write('empty.crl.pem', toPem(der, 'X509 CRL'));
    const text = opensslOk(['crl', '-in', path, '-noout', '-text']);
    expect(text).toContain('No Revoked Certificates.');
    expect(text).toMatch(/CRL Number:\s+1267650600228229401496703205376\b/); // 2^100
    expect(parseCrl(der).crlNumber).toBe(2n ** 100n);
    const good = openssl(['verify', ...AT, '-crl_check', '-CAfile', s.caPath, '-CRLfile', path, s.leaves[0]!.path]);
    expect(good.status).toBe(0);
  });

  it('rejects invalid CRL input', async () => {
    const serial = s.leaves[0]!.serial;
    await expect(
      createCrl(crlInput(s, { entries: [{ serialNumber: serial, revocationDate: NOW, reason: 8 }] })),
    ).rejects.toThrow(/only delta CRLs/);
    await expect(
      createCrl(crlInput(s, { entries: [{ serialNumber: serial, revocationDate: NOW, reason: 7 }] })),
    ).rejects.toThrow(/invalid reason code 7/);
    await expect(
      createCrl(
        crlInput(s, {
          entries: [
            { serialNumber: serial, revocationDate: NOW },
            { serialNumber: serial.slice(), revocationDate: NOW },
          ],
        }),
      ),
    ).rejects.toThrow(/listed twice/);
    await expect(createCrl(crlInput(s, { nextUpdate: NOW }))).rejects.toThrow(X509ArgumentError);
    await expect(createCrl(crlInput(s, { crlNumber: 3, deltaOfBase: 3 }))).rejects.toThrow(/greater than its base/);
    await expect(
      createCrl(crlInput(s, { crlNumber: 3, deltaOfBase: 2, freshestCrlUrls: ['http://x/'] })),
    ).rejects.toThrow(/freshestCRL/);
    await expect(createCrl(crlInput(s, { crlNumber: -1 }))).rejects.toThrow(/non-negative/);
  });
});
