/** Building and signing a PKCS#10 request (RFC 2986), e.g. for a subordinate CA key. */
import type { webcrypto } from 'node:crypto';
import type { Name } from '@peculiar/asn1-x509';
import { OID_EXTENSION_REQUEST } from './certification-request';
import { compareBytes, concatBytes, encodeBitString, encodeOid, encodeSequence, encodeTlv, TAG_SET } from './der';
import { nameToDer, parseDistinguishedName } from './distinguished-name';
import type { X509Extension } from './extensions';
import { encodeExtensions } from './extensions';
import type { KeyAlgorithmName } from './key-algorithm';
import { exportSpki, signatureAlgorithmIdentifierDer, signData } from './key-algorithm';

/** Input of {@link createCertificationRequest}. */
export interface CreateCertificationRequestInput {
  keyPair: webcrypto.CryptoKeyPair;
  keyAlgorithm: KeyAlgorithmName;
  /** DN string (most specific first), `Name` or Name DER. */
  subject: string | Name | Uint8Array;
  /** Placed in a PKCS#9 extensionRequest attribute when non-empty. */
  extensions?: readonly X509Extension[];
  /** Further attributes: OID and the DER of each value. */
  attributes?: ReadonlyArray<{ oid: string; values: readonly Uint8Array[] }>;
}

/** Returns the DER of a signed PKCS#10 request. */
export async function createCertificationRequest(input: CreateCertificationRequestInput): Promise<Uint8Array> {
  const subject = typeof input.subject === 'string' ? parseDistinguishedName(input.subject) : input.subject;
  const spki = await exportSpki(input.keyPair.publicKey);
  const attributes: Uint8Array[] = [];
  if (input.extensions && input.extensions.length > 0) {
    attributes.push(attribute(OID_EXTENSION_REQUEST, [encodeExtensions(input.extensions, 'extensionRequest')]));
  }
  for (const a of input.attributes ?? []) attributes.push(attribute(a.oid, a.values));
  const info = encodeSequence(
    Uint8Array.of(0x02, 0x01, 0x00), // version v1 (0)
    nameToDer(subject),
    spki,
    // [0] IMPLICIT SET OF Attribute, members sorted as DER requires.
    encodeTlv(0xa0, concatBytes(...attributes.sort(compareBytes))),
  );
  const signature = await signData(input.keyPair.privateKey, input.keyAlgorithm, info);
  return encodeSequence(info, signatureAlgorithmIdentifierDer(input.keyAlgorithm), encodeBitString(signature));
}

function attribute(oid: string, values: readonly Uint8Array[]): Uint8Array {
  return encodeSequence(encodeOid(oid), encodeTlv(TAG_SET, concatBytes(...[...values].sort(compareBytes))));
}
