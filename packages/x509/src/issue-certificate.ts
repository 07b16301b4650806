/** Building and signing an X.509 v3 certificate (RFC 5280 §4.1). */
import type { webcrypto } from 'node:crypto';
import type { Name } from '@peculiar/asn1-x509';
import { encodeBitString, encodeSequence, encodeTime, encodeTlv } from './der';
import { nameToDer } from './distinguished-name';
import type { X509Extension } from './extensions';
import { encodeExtensions } from './extensions';
import type { KeyAlgorithmName } from './key-algorithm';
import { signatureAlgorithmIdentifierDer, signData } from './key-algorithm';
import { describePublicKey } from './public-key-info';
import { assertValidSerialNumber } from './serial-number';
import { X509ArgumentError } from './x509-error';

/** Input of {@link issueCertificate}. */
export interface IssueCertificateInput {
  /** The CA certificate's subject; pass its DER to keep it byte-identical (Windows chains by exact bytes). */
  issuerName: Name | Uint8Array;
  /** CA private key. */
  issuerKey: webcrypto.CryptoKey;
  /** Algorithm of `issuerKey`; selects the signature algorithm. */
  keyAlgorithm: KeyAlgorithmName;
  /** INTEGER content octets, e.g. from `newSerialNumber()`. */
  serialNumber: Uint8Array;
  subject: Name | Uint8Array;
  /** DER SubjectPublicKeyInfo of the subject key, embedded verbatim. */
  subjectPublicKeyInfo: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** In the order they should appear; OIDs must be unique. May be empty. */
  extensions: readonly X509Extension[];
}

/** Encodes, signs and returns an X.509 v3 certificate as DER. */
export async function issueCertificate(input: IssueCertificateInput): Promise<Uint8Array> {
  return signTbsCertificate(encodeTbsCertificate(input), input.issuerKey, input.keyAlgorithm);
}

/** Signs an encoded TBSCertificate (see {@link encodeTbsCertificate}) and returns the certificate's DER. */
export async function signTbsCertificate(
  tbs: Uint8Array,
  issuerKey: webcrypto.CryptoKey,
  keyAlgorithm: KeyAlgorithmName,
): Promise<Uint8Array> {
  const signature = await signData(issuerKey, keyAlgorithm, tbs);
  return encodeSequence(tbs, signatureAlgorithmIdentifierDer(keyAlgorithm), encodeBitString(signature));
}

/** Throws unless `notBefore < notAfter` and both are valid dates. */
function assertValidity(notBefore: Date, notAfter: Date, what: string): void {
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new X509ArgumentError(`${what}: invalid date`);
  }
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new X509ArgumentError(
      `${what}: end (${notAfter.toISOString()}) is not after start (${notBefore.toISOString()})`,
    );
  }
}

/** The DER TBSCertificate of `input` (validity, serial and key checked), ready to be checked and signed. */
export function encodeTbsCertificate(input: Omit<IssueCertificateInput, 'issuerKey'>): Uint8Array {
  assertValidSerialNumber(input.serialNumber);
  assertValidity(input.notBefore, input.notAfter, 'certificate validity');
  describePublicKey(input.subjectPublicKeyInfo); // validates the SPKI before it is signed over
  const parts = [
    // [0] EXPLICIT Version v3 (2)
    Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02),
    encodeTlv(0x02, input.serialNumber),
    signatureAlgorithmIdentifierDer(input.keyAlgorithm),
    nameToDer(input.issuerName),
    encodeSequence(encodeTime(input.notBefore), encodeTime(input.notAfter)),
    nameToDer(input.subject),
    input.subjectPublicKeyInfo,
  ];
  if (input.extensions.length > 0) parts.push(encodeTlv(0xa3, encodeExtensions(input.extensions, 'certificate')));
  return encodeSequence(...parts);
}
