/**
 * The CA key algorithms certexit supports and everything that depends on the choice:
 * WebCrypto parameters, PKCS#8 import/export, and the X.509 signature AlgorithmIdentifier.
 */
import type { webcrypto } from 'node:crypto';
import { createPrivateKey, KeyObject, sign as nodeSign } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { toArrayBuffer } from './der';
import { fromPem, toPem } from './pem';
import { signOnSignatureThread } from './signature-thread';
import { X509ArgumentError, X509ParseError, X509UnsupportedAlgorithmError } from './x509-error';

/** CA/issuing key algorithms, named like the AD CS `CSP`/key-length choices they mirror. */
export type KeyAlgorithmName = 'ECDSA_P256' | 'ECDSA_P384' | 'RSA_2048' | 'RSA_3072' | 'RSA_4096';

/** All supported names, in a stable order (for CLI help / validation). */
export const KEY_ALGORITHM_NAMES: readonly KeyAlgorithmName[] = [
  'ECDSA_P256',
  'ECDSA_P384',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
];

/** OIDs of the signature algorithms produced by {@link signData}. */
export const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
export const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
export const OID_ECDSA_WITH_SHA384 = '1.2.840.10045.4.3.3';

/** Everything WebCrypto and the encoders need for one {@link KeyAlgorithmName}. */
export interface KeyAlgorithmParams {
  /** For `generateKey`. */
  generate: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;
  /** For `importKey` (pkcs8/spki/jwk). */
  import: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  /** For `sign`/`verify`. */
  sign: webcrypto.EcdsaParams | webcrypto.Algorithm;
  /** X.509 signature algorithm OID. */
  signatureAlgorithmOid: string;
  /** RSA AlgorithmIdentifiers carry explicit NULL parameters; ECDSA ones carry none (RFC 5758). */
  signatureParametersNull: boolean;
  /** Byte size of one ECDSA coordinate (r or s); undefined for RSA. */
  ecCoordinateSize?: number;
  /** Modulus size or curve size in bits. */
  bits: number;
}

const RSA_EXPONENT = Uint8Array.of(1, 0, 1);

function rsa(bits: number): KeyAlgorithmParams {
  return {
    generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: RSA_EXPONENT, hash: 'SHA-256' },
    import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
    signatureAlgorithmOid: OID_SHA256_WITH_RSA,
    signatureParametersNull: true,
    bits,
  };
}

function ec(curve: 'P-256' | 'P-384', hash: 'SHA-256' | 'SHA-384', oid: string, bits: number): KeyAlgorithmParams {
  return {
    generate: { name: 'ECDSA', namedCurve: curve },
    import: { name: 'ECDSA', namedCurve: curve },
    sign: { name: 'ECDSA', hash } as webcrypto.EcdsaParams,
    signatureAlgorithmOid: oid,
    signatureParametersNull: false,
    ecCoordinateSize: Math.ceil(bits / 8),
    bits,
  };
}

const PARAMS: Record<KeyAlgorithmName, KeyAlgorithmParams> = {
  ECDSA_P256: ec('P-256', 'SHA-256', OID_ECDSA_WITH_SHA256, 256),
  ECDSA_P384: ec('P-384', 'SHA-384', OID_ECDSA_WITH_SHA384, 384),
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  RSA_4096: rsa(4096),
};

/** Type guard for configuration input. */
export function isKeyAlgorithmName(value: unknown): value is KeyAlgorithmName {
  return typeof value === 'string' && Object.hasOwn(PARAMS, value);
}

/** WebCrypto/X.509 parameters of `alg`; throws on an unknown name (config typo). */
export function keyAlgorithmParams(alg: KeyAlgorithmName): KeyAlgorithmParams {
  if (!isKeyAlgorithmName(alg)) {
    throw new X509UnsupportedAlgorithmError(
      `unknown key algorithm "${String(alg)}" (expected one of ${KEY_ALGORITHM_NAMES.join(', ')})`,
    );
  }
  return PARAMS[alg];
}

/** Generates an extractable signing key pair for `alg` (the caller persists it). */
export async function generateKeyPair(alg: KeyAlgorithmName): Promise<webcrypto.CryptoKeyPair> {
  const params = keyAlgorithmParams(alg);
  return (await crypto.subtle.generateKey(params.generate, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

/** Exports a private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`); the key must be extractable. */
export async function exportPrivateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  if (key.type !== 'private') throw new X509ArgumentError(`expected a private key, got a ${key.type} key`);
  if (!key.extractable) throw new X509ArgumentError('private key is not extractable');
  const der = new Uint8Array(await crypto.subtle.exportKey('pkcs8', key));
  return toPem(der, 'PRIVATE KEY');
}

/**
 * Imports a PKCS#8 PEM private key as a signing key for `alg`, checking the key really is of
 * that type and size (a mismatch would otherwise surface later as a broken signature).
 */
export async function importPrivateKeyPem(
  pem: string,
  alg: KeyAlgorithmName,
  options: { extractable?: boolean } = {},
): Promise<webcrypto.CryptoKey> {
  const params = keyAlgorithmParams(alg);
  const block = fromPem(pem);
  if (block.label !== 'PRIVATE KEY') {
    throw new X509ParseError(`expected a PKCS#8 "PRIVATE KEY" PEM block, got "${block.label}"`);
  }
  let key: webcrypto.CryptoKey;
  try {
    key = await crypto.subtle.importKey(
      'pkcs8',
      toArrayBuffer(block.der),
      params.import,
      options.extractable ?? false,
      ['sign'],
    );
  } catch (err) {
    throw new X509ParseError(`private key is not a valid ${alg} PKCS#8 key: ${(err as Error).message}`);
  }
  if (keyAlgorithmOfKey(key) !== alg) {
    throw new X509ParseError(`private key is ${keyAlgorithmOfKey(key)}, not ${alg}`);
  }
  // The synchronous signer needs a KeyObject; a non-extractable CryptoKey cannot be converted later.
  _keyObjects.set(key, createPrivateKey({ key: Buffer.from(block.der), format: 'der', type: 'pkcs8' }));
  return key;
}

/** Exports a public key as DER SubjectPublicKeyInfo. */
export async function exportSpki(key: webcrypto.CryptoKey): Promise<Uint8Array> {
  if (key.type !== 'public') throw new X509ArgumentError(`expected a public key, got a ${key.type} key`);
  return new Uint8Array(await crypto.subtle.exportKey('spki', key));
}

/**
 * Derives the DER SubjectPublicKeyInfo of an extractable private key (via JWK, which carries the
 * public components), e.g. to check a loaded CA key matches the CA certificate.
 */
export async function spkiOfPrivateKey(key: webcrypto.CryptoKey): Promise<Uint8Array> {
  if (key.type !== 'private') throw new X509ArgumentError(`expected a private key, got a ${key.type} key`);
  const alg = keyAlgorithmOfKey(key);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, key_ops: _ops, ...pub } = jwk;
  const publicKey = await crypto.subtle.importKey('jwk', pub, keyAlgorithmParams(alg).import, true, ['verify']);
  return exportSpki(publicKey);
}

/** Maps a WebCrypto key back to its {@link KeyAlgorithmName}; throws for anything else. */
export function keyAlgorithmOfKey(key: webcrypto.CryptoKey): KeyAlgorithmName {
  const a = key.algorithm as Partial<webcrypto.RsaHashedKeyAlgorithm & webcrypto.EcKeyAlgorithm>;
  if (a.name === 'ECDSA') {
    if (a.namedCurve === 'P-256') return 'ECDSA_P256';
    if (a.namedCurve === 'P-384') return 'ECDSA_P384';
  }
  if (a.name === 'RSASSA-PKCS1-v1_5' && a.hash?.name === 'SHA-256') {
    const name = `RSA_${a.modulusLength}`;
    if (isKeyAlgorithmName(name)) return name;
  }
  throw new X509UnsupportedAlgorithmError(
    `unsupported CA key: ${a.name ?? '?'} ${a.namedCurve ?? a.modulusLength ?? ''} ${a.hash?.name ?? ''}`.trim(),
  );
}

/** The AlgorithmIdentifier placed in `signature`/`signatureAlgorithm` for keys of `alg`. */
export function signatureAlgorithmIdentifier(alg: KeyAlgorithmName): AlgorithmIdentifier {
  const params = keyAlgorithmParams(alg);
  return new AlgorithmIdentifier({
    algorithm: params.signatureAlgorithmOid,
    ...(params.signatureParametersNull ? { parameters: toArrayBuffer(Uint8Array.of(0x05, 0x00)) } : {}),
  });
}

/** DER of {@link signatureAlgorithmIdentifier}. */
export function signatureAlgorithmIdentifierDer(alg: KeyAlgorithmName): Uint8Array {
  // Constant per algorithm; encoded once (every certificate and CRL carries it twice).
  let der = _algorithmIdentifierDer.get(alg);
  if (!der) {
    der = new Uint8Array(AsnConvert.serialize(signatureAlgorithmIdentifier(alg)));
    _algorithmIdentifierDer.set(alg, der);
  }
  return der.slice();
}

const _algorithmIdentifierDer = new Map<KeyAlgorithmName, Uint8Array>();

/** Signs `data` with `key` and returns the signature in X.509 form (ECDSA as a DER ECDSA-Sig-Value). */
export async function signData(key: webcrypto.CryptoKey, alg: KeyAlgorithmName, data: Uint8Array): Promise<Uint8Array> {
  const signer = _signerOf(key, alg);
  if (data.byteLength > INLINE_SIGNATURE_ABOVE) {
    return Promise.resolve(new Uint8Array(nodeSign(signer.hash, data, signer.keyObject)));
  }
  return signOnSignatureThread(signer.hash, data, signer.keyObject);
}

/**
 * Inputs above this many bytes are signed and checked on the calling thread: a CRL's to-be-signed part can be tens
 * of megabytes, which posted to the signature thread would be copied twice (out of the encoder's buffer, then into
 * the message; a million-entry CRL's publication peaked 120 MB higher). Their cost is the hash, once per CRL.
 */
export const INLINE_SIGNATURE_ABOVE = 1 << 20;

/**
 * The KeyObject and hash that sign for `key`, checked and derived once per key; the signature thread makes the
 * signature.
 */
function _signerOf(key: webcrypto.CryptoKey, alg: KeyAlgorithmName): _Signer {
  let signer = _signers.get(key);
  if (signer?.alg !== alg) {
    const params = keyAlgorithmParams(alg);
    if (key.type !== 'private') throw new X509ArgumentError(`signing needs a private key, got a ${key.type} key`);
    if (keyAlgorithmOfKey(key) !== alg) {
      throw new X509ArgumentError(`signing key is ${keyAlgorithmOfKey(key)}, but ${alg} was requested`);
    }
    const hash =
      'hash' in params.sign ? String(params.sign.hash) : params.ecCoordinateSize === 48 ? 'SHA-384' : 'SHA-256';
    signer = {
      alg,
      keyObject: _keyObjects.get(key) ?? KeyObject.from(key),
      hash: hash.replace('-', '').toLowerCase(),
    };
    _signers.set(key, signer);
  }
  return signer;
}

interface _Signer {
  alg: KeyAlgorithmName;
  keyObject: KeyObject;
  hash: string;
}

const _signers = new WeakMap<webcrypto.CryptoKey, _Signer>();
const _keyObjects = new WeakMap<webcrypto.CryptoKey, KeyObject>();
