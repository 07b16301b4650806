/** Reading a DER SubjectPublicKeyInfo: algorithm, curve and key size (AD CS `PublicKeyLength`). */
import { decodeOid, readChildren, readSingleElement, TAG_BIT_STRING, TAG_INTEGER, TAG_OID, TAG_SEQUENCE } from './der';
import { X509ParseError } from './x509-error';

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_ED25519 = '1.3.101.112';
export const OID_ED448 = '1.3.101.113';

/** Named curves with their WebCrypto name and size in bits. */
export const EC_CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
};

/** What {@link describePublicKey} found. */
export interface PublicKeyDescription {
  /** SPKI algorithm OID (e.g. 1.2.840.113549.1.1.1 rsaEncryption, 1.2.840.10045.2.1 id-ecPublicKey). */
  algorithmOid: string;
  /** DER of the AlgorithmIdentifier parameters, if present. */
  parameters?: Uint8Array;
  /** For EC keys: the named-curve OID. */
  curveOid?: string;
  /** RSA modulus bits, EC curve bits, 256/456 for Ed25519/Ed448; 0 if the algorithm is unknown. */
  bits: number;
  /** The subjectPublicKey BIT STRING contents (without the unused-bits octet). */
  publicKey: Uint8Array;
}

/**
 * Parses a DER SPKI; throws {@link X509ParseError} if it is not one. The description of an array is kept with it
 * (issuance asks about the same request key four times: parsing, verifying, encoding, recording); SPKI arrays are
 * never changed in place, and a description is not to be changed either.
 */
export function describePublicKey(spki: Uint8Array): PublicKeyDescription {
  let description = _descriptions.get(spki);
  if (!description) {
    description = _describe(spki);
    _descriptions.set(spki, description);
  }
  return description;
}

const _descriptions = new WeakMap<Uint8Array, PublicKeyDescription>();

function _describe(spki: Uint8Array): PublicKeyDescription {
  const seq = readSingleElement(spki, 'SubjectPublicKeyInfo');
  const [alg, key] = seq.tag === TAG_SEQUENCE ? readChildren(seq.contents) : [];
  if (!alg || alg.tag !== TAG_SEQUENCE || !key || key.tag !== TAG_BIT_STRING || key.contents.length < 1) {
    throw new X509ParseError('SubjectPublicKeyInfo: expected SEQUENCE { AlgorithmIdentifier, BIT STRING }');
  }
  const [oidEl, params] = readChildren(alg.contents);
  if (!oidEl || oidEl.tag !== TAG_OID) throw new X509ParseError('SubjectPublicKeyInfo: missing algorithm OID');
  const algorithmOid = decodeOid(oidEl.contents);
  const publicKey = key.contents.subarray(1);
  const out: PublicKeyDescription = { algorithmOid, bits: 0, publicKey };
  if (params) out.parameters = params.raw;
  if (algorithmOid === OID_RSA_ENCRYPTION || algorithmOid === OID_RSASSA_PSS) {
    out.bits = rsaModulusBits(publicKey);
  } else if (algorithmOid === OID_EC_PUBLIC_KEY) {
    if (params?.tag !== TAG_OID) throw new X509ParseError('EC public key without a named curve is not supported');
    out.curveOid = decodeOid(params.contents);
    out.bits = EC_CURVES[out.curveOid]?.bits ?? 0;
  } else if (algorithmOid === OID_ED25519) {
    out.bits = 256;
  } else if (algorithmOid === OID_ED448) {
    out.bits = 456;
  }
  return out;
}

function rsaModulusBits(rsaPublicKey: Uint8Array): number {
  const seq = readSingleElement(rsaPublicKey, 'RSAPublicKey');
  const [modulus] = seq.tag === TAG_SEQUENCE ? readChildren(seq.contents) : [];
  if (!modulus || modulus.tag !== TAG_INTEGER) throw new X509ParseError('RSAPublicKey: missing modulus');
  const m = modulus.contents;
  let i = 0;
  while (i < m.length && m[i] === 0) i++;
  if (i === m.length) return 0;
  return (m.length - i) * 8 - Math.clz32(m[i]!) + 24;
}
