/**
 * WebCrypto produces and expects ECDSA signatures as raw r||s (IEEE P1363), while X.509/PKCS#10
 * carry them as DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279).
 */
import {
  concatBytes,
  encodeSequence,
  encodeTlv,
  readChildren,
  readSingleElement,
  TAG_INTEGER,
  TAG_SEQUENCE,
} from './der';
import { X509ParseError } from './x509-error';

/** Converts a raw r||s signature (even length) to DER ECDSA-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new X509ParseError('raw ECDSA signature has odd length');
  const half = raw.length / 2;
  return encodeSequence(unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}

/** Converts DER ECDSA-Sig-Value to raw r||s with each half left-padded to `coordinateSize` bytes. */
export function ecdsaDerToRaw(der: Uint8Array, coordinateSize: number): Uint8Array {
  const seq = readSingleElement(der, 'ECDSA signature');
  const parts = seq.tag === TAG_SEQUENCE ? readChildren(seq.contents) : [];
  if (parts.length !== 2 || parts.some((p) => p.tag !== TAG_INTEGER)) {
    throw new X509ParseError('ECDSA signature is not a SEQUENCE of two INTEGERs');
  }
  return concatBytes(...parts.map((p) => fixedWidth(p.contents, coordinateSize)));
}

function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  // A set top bit would read as negative: prefix 0x00.
  return encodeTlv(TAG_INTEGER, (trimmed[0]! & 0x80) !== 0 ? concatBytes(Uint8Array.of(0), trimmed) : trimmed);
}

function fixedWidth(intContents: Uint8Array, size: number): Uint8Array {
  let start = 0;
  while (start < intContents.length - 1 && intContents[start] === 0) start++;
  const v = intContents.subarray(start);
  if (v.length > size) throw new X509ParseError('ECDSA signature component is larger than the curve order');
  const out = new Uint8Array(size);
  out.set(v, size - v.length);
  return out;
}
