/**
 * Verifies an X.509-style signature (as found in PKCS#10 requests, certificates, CRLs) with
 * node:crypto, given the signer's DER SubjectPublicKeyInfo.
 */
import type { KeyObject } from 'node:crypto';
import { constants, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { decodeOid, integerValue, readChildren, readSingleElement, TAG_INTEGER, TAG_OID, TAG_SEQUENCE } from './der';
import { INLINE_SIGNATURE_ABOVE } from './key-algorithm';
import {
  describePublicKey,
  EC_CURVES,
  OID_EC_PUBLIC_KEY,
  OID_ED25519,
  OID_RSA_ENCRYPTION,
  OID_RSASSA_PSS,
} from './public-key-info';
import type { SignatureCheckResult } from './signature-thread';
import { verifyOnSignatureThread } from './signature-thread';
import { X509ParseError, X509UnsupportedAlgorithmError } from './x509-error';

/** An AlgorithmIdentifier as the asn1 classes expose it (`AlgorithmIdentifier` from asn1-x509 fits). */
export interface SignatureAlgorithmLike {
  algorithm: string;
  parameters?: ArrayBuffer | null;
}

/** Input of {@link verifySignature}. */
export interface VerifySignatureInput {
  signatureAlgorithm: SignatureAlgorithmLike;
  /** Signer's DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** The exact signed bytes (e.g. the raw CertificationRequestInfo). */
  data: Uint8Array;
  /** Signature as carried in the BIT STRING (DER ECDSA-Sig-Value for ECDSA). */
  signature: Uint8Array;
}

type Hash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const RSA_PKCS1: Record<string, Hash> = {
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
};

const ECDSA: Record<string, Hash> = {
  '1.2.840.10045.4.1': 'SHA-1',
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
};

const HASH_OIDS: Record<string, Hash> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

const OID_MGF1 = '1.2.840.113549.1.1.8';

/**
 * True if `signature` over `data` verifies under `spki`; false if it does not (including when the
 * key type cannot have produced this signature algorithm, e.g. an EC key for an RSA signature).
 * Throws {@link X509UnsupportedAlgorithmError} for signature algorithms outside RSA PKCS#1 v1.5
 * (SHA-1/256/384/512), RSA-PSS (MGF1 with the same hash), ECDSA on P-256/P-384/P-521 and Ed25519.
 */
export async function verifySignature(input: VerifySignatureInput): Promise<boolean> {
  const { signatureAlgorithm, spki, data, signature } = input;
  const key = describePublicKey(spki);
  const oid = signatureAlgorithm.algorithm;
  let hash: string | null;
  let options: { padding: number; saltLength: number } | undefined;
  const rsaHash = RSA_PKCS1[oid];
  const ecdsaHash = ECDSA[oid];
  if (rsaHash) {
    if (key.algorithmOid !== OID_RSA_ENCRYPTION) return false;
    hash = _nodeHash(rsaHash);
  } else if (oid === OID_RSASSA_PSS) {
    if (key.algorithmOid !== OID_RSA_ENCRYPTION && key.algorithmOid !== OID_RSASSA_PSS) return false;
    const pss = parsePssParameters(signatureAlgorithm.parameters);
    hash = _nodeHash(pss.hash);
    options = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength };
  } else if (ecdsaHash) {
    if (key.algorithmOid !== OID_EC_PUBLIC_KEY) return false;
    const curve = key.curveOid ? EC_CURVES[key.curveOid] : undefined;
    if (!curve) throw new X509UnsupportedAlgorithmError(`unsupported elliptic curve ${key.curveOid ?? '(none)'}`);
    hash = _nodeHash(ecdsaHash); // DER ECDSA-Sig-Value is node's default dsaEncoding
  } else if (oid === OID_ED25519) {
    if (key.algorithmOid !== OID_ED25519) return false;
    hash = null;
  } else {
    throw new X509UnsupportedAlgorithmError(`unsupported signature algorithm ${oid}`);
  }

  // A malformed signature value (e.g. a broken ECDSA-Sig-Value) simply does not verify.
  const result =
    data.byteLength > INLINE_SIGNATURE_ABOVE
      ? _verifyHere(hash, data, spki, signature, options)
      : await verifyOnSignatureThread({ hash, data, spki, signature, ...(options && { options }) });
  if ('importError' in result) {
    throw new X509ParseError(`public key cannot be imported for ${oid}: ${result.importError}`);
  }
  return result.ok;
}

/** Verifies on this thread (a large input, see INLINE_SIGNATURE_ABOVE), answering as the signature thread does. */
function _verifyHere(
  hash: string | null,
  data: Uint8Array,
  spki: Uint8Array,
  signature: Uint8Array,
  options: { padding: number; saltLength: number } | undefined,
): SignatureCheckResult {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (error) {
    return { importError: (error as Error).message };
  }
  try {
    return { ok: nodeVerify(hash, data, options ? { key, ...options } : key, signature) };
  } catch {
    return { ok: false };
  }
}

function _nodeHash(hash: Hash): string {
  return hash.replace('-', '').toLowerCase();
}

/** RFC 4055 RSASSA-PSS-params, restricted to what WebCrypto can do (MGF1 with the message hash). */
function parsePssParameters(parameters: ArrayBuffer | null | undefined): { hash: Hash; saltLength: number } {
  let hash: Hash = 'SHA-1';
  let mgfHash: Hash = 'SHA-1';
  let saltLength = 20;
  if (parameters && parameters.byteLength > 0) {
    const seq = readSingleElement(new Uint8Array(parameters), 'RSASSA-PSS parameters');
    if (seq.tag !== TAG_SEQUENCE) throw new X509ParseError('RSASSA-PSS parameters are not a SEQUENCE');
    for (const field of readChildren(seq.contents)) {
      const inner = readChildren(field.contents)[0];
      if (!inner) throw new X509ParseError('RSASSA-PSS parameters: empty field');
      switch (field.tag) {
        case 0xa0:
          hash = hashOf(inner.contents);
          break;
        case 0xa1: {
          const [mgfOid, mgfParams] = readChildren(inner.contents);
          if (!mgfOid || mgfOid.tag !== TAG_OID || decodeOid(mgfOid.contents) !== OID_MGF1 || !mgfParams) {
            throw new X509UnsupportedAlgorithmError('RSASSA-PSS: only MGF1 is supported');
          }
          mgfHash = hashOf(mgfParams.contents);
          break;
        }
        case 0xa2:
          if (inner.tag !== TAG_INTEGER) throw new X509ParseError('RSASSA-PSS saltLength is not an INTEGER');
          saltLength = Number(integerValue(inner.contents));
          break;
        case 0xa3:
          if (inner.tag !== TAG_INTEGER || integerValue(inner.contents) !== 1n) {
            throw new X509UnsupportedAlgorithmError('RSASSA-PSS: trailerField must be 1');
          }
          break;
        default:
          throw new X509ParseError(`RSASSA-PSS parameters: unexpected field tag 0x${field.tag.toString(16)}`);
      }
    }
  }
  if (mgfHash !== hash) throw new X509UnsupportedAlgorithmError('RSASSA-PSS: MGF1 hash must equal the message hash');
  return { hash, saltLength };
}

/** Hash name from the contents of a hash AlgorithmIdentifier SEQUENCE. */
function hashOf(algIdContents: Uint8Array): Hash {
  const [oidEl] = readChildren(algIdContents);
  if (!oidEl || oidEl.tag !== TAG_OID) throw new X509ParseError('hash AlgorithmIdentifier without OID');
  const oid = decodeOid(oidEl.contents);
  const hash = HASH_OIDS[oid];
  if (!hash) throw new X509UnsupportedAlgorithmError(`unsupported hash algorithm ${oid}`);
  return hash;
}
