import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, openssl, opensslOk } from '../../../tooling/test/test-pki';
import { bytesToHex } from './der';
import type { KeyAlgorithmName } from './key-algorithm';
import {
  exportPrivateKeyPem,
  exportSpki,
  generateKeyPair,
  importPrivateKeyPem,
  isKeyAlgorithmName,
  keyAlgorithmOfKey,
  keyAlgorithmParams,
  signatureAlgorithmIdentifier,
  signatureAlgorithmIdentifierDer,
  signData,
  spkiOfPrivateKey,
} from './key-algorithm';
import { toPem } from './pem';
import { verifySignature } from './verify-signature';
import { X509ArgumentError, X509ParseError, X509UnsupportedAlgorithmError } from './x509-error';

let tmp: TempDir;
beforeAll(() => {
  tmp = makeTempDir();
});
afterAll(() => tmp?.remove());

const DATA = new TextEncoder().encode('to be signed by certexit');

describe.each(['ECDSA_P256', 'ECDSA_P384', 'RSA_2048'] as const)('%s keys', (alg: KeyAlgorithmName) => {
  it('round-trips through PKCS#8 PEM, which OpenSSL reads', async () => {
    const pair = await generateKeyPair(alg);
    const pem = await exportPrivateKeyPem(pair.privateKey);
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    const text = opensslOk(['pkey', '-in', tmp.write(`${alg}.key`, pem), '-noout', '-text']);
    expect(text).toContain(`Private-Key: (${keyAlgorithmParams(alg).bits} bit`);

    const imported = await importPrivateKeyPem(pem, alg);
    expect(keyAlgorithmOfKey(imported)).toBe(alg);
    expect(imported.extractable).toBe(false);
    await expect(exportPrivateKeyPem(imported)).rejects.toThrow(/not extractable/);
    const extractable = await importPrivateKeyPem(pem, alg, { extractable: true });
    expect(bytesToHex(await spkiOfPrivateKey(extractable))).toBe(bytesToHex(await exportSpki(pair.publicKey)));
  });

  it('signs in X.509 form: OpenSSL verifies the signature with the public key', async () => {
    const pair = await generateKeyPair(alg);
    const sig = await signData(pair.privateKey, alg, DATA);
    const spki = await exportSpki(pair.publicKey);
    if (alg.startsWith('ECDSA')) expect(sig[0]).toBe(0x30); // DER ECDSA-Sig-Value, not raw r||s
    const pub = tmp.write(`${alg}.pub`, toPem(spki, 'PUBLIC KEY'));
    const sigPath = tmp.write(`${alg}.sig`, sig);
    const dataPath = tmp.write(`${alg}.data`, DATA);
    const digest = alg === 'ECDSA_P384' ? '-sha384' : '-sha256';
    expect(opensslOk(['dgst', digest, '-verify', pub, '-signature', sigPath, dataPath])).toContain('Verified OK');
    const wrong = openssl(['dgst', digest, '-verify', pub, '-signature', sigPath, tmp.write('other.data', 'other')]);
    expect(wrong.status).not.toBe(0);

    const signatureAlgorithm = signatureAlgorithmIdentifier(alg);
    expect(await verifySignature({ signatureAlgorithm, spki, data: DATA, signature: sig })).toBe(true);
    expect(await verifySignature({ signatureAlgorithm, spki, data: DATA.slice(1), signature: sig })).toBe(false);
  });
});

describe('key algorithm parameters and import checks', () => {
  it('encodes the signature AlgorithmIdentifiers (NULL params only for RSA)', () => {
    expect(bytesToHex(signatureAlgorithmIdentifierDer('RSA_4096'))).toBe('300d06092a864886f70d01010b0500');
    expect(bytesToHex(signatureAlgorithmIdentifierDer('ECDSA_P256'))).toBe('300a06082a8648ce3d040302');
    expect(bytesToHex(signatureAlgorithmIdentifierDer('ECDSA_P384'))).toBe('300a06082a8648ce3d040303');
  });

  it('validates names', () => {
    expect(isKeyAlgorithmName('RSA_3072')).toBe(true);
    expect(isKeyAlgorithmName('RSA_1024')).toBe(false);
    expect(isKeyAlgorithmName('toString')).toBe(false);
    expect(() => keyAlgorithmParams('DSA' as KeyAlgorithmName)).toThrow(X509UnsupportedAlgorithmError);
  });

  it('imports OpenSSL keys and refuses a key of the wrong type or size', async () => {
    const rsa = opensslOk(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072']);
    expect(keyAlgorithmOfKey(await importPrivateKeyPem(rsa, 'RSA_3072'))).toBe('RSA_3072');
    await expect(importPrivateKeyPem(rsa, 'RSA_2048')).rejects.toThrow('private key is RSA_3072, not RSA_2048');
    await expect(importPrivateKeyPem(rsa, 'ECDSA_P256')).rejects.toThrow(X509ParseError);

    const ec = opensslOk(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384']);
    expect(keyAlgorithmOfKey(await importPrivateKeyPem(ec, 'ECDSA_P384'))).toBe('ECDSA_P384');
    await expect(importPrivateKeyPem(ec, 'ECDSA_P256')).rejects.toThrow(X509ParseError);

    const traditional = opensslOk(['ec', '-in', tmp.write('p384.key', ec)]);
    expect(traditional).toContain('-----BEGIN EC PRIVATE KEY-----');
    await expect(importPrivateKeyPem(traditional, 'ECDSA_P384')).rejects.toThrow(/expected a PKCS#8 "PRIVATE KEY"/);
  });

  it('refuses to sign with a key of another algorithm or a public key', async () => {
    const pair = await generateKeyPair('ECDSA_P256');
    await expect(signData(pair.privateKey, 'ECDSA_P384', DATA)).rejects.toThrow(X509ArgumentError);
    await expect(signData(pair.publicKey, 'ECDSA_P256', DATA)).rejects.toThrow(/private key/);
    await expect(exportSpki(pair.privateKey)).rejects.toThrow(/expected a public key/);
  });
});
