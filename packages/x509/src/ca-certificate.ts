/** The CA's own certificate: a self-signed root, or a request for a subordinate CA. */
import type { webcrypto } from 'node:crypto';
import type { Name } from '@peculiar/asn1-x509';
import { createCertificationRequest } from './create-certification-request';
import { parseDistinguishedName } from './distinguished-name';
import type { X509Extension } from './extensions';
import { basicConstraints, caVersion, certificateTemplateName, keyUsage, subjectKeyIdentifier } from './extensions';
import { issueCertificate } from './issue-certificate';
import type { KeyAlgorithmName } from './key-algorithm';
import { exportSpki } from './key-algorithm';
import { newSerialNumber } from './serial-number';

/** Input of {@link createSelfSignedCaCertificate}. */
export interface SelfSignedCaInput {
  keyPair: webcrypto.CryptoKeyPair;
  keyAlgorithm: KeyAlgorithmName;
  /** DN string (most specific first, e.g. `CN=Demo Root CA, O=certexit, C=DE`) or a `Name`. */
  subjectDn: string | Name;
  notBefore: Date;
  notAfter: Date;
  /** CA certificate index for the Microsoft CA Version extension (0 for the first certificate). */
  certIndex: number;
  /** CA key index for the Microsoft CA Version extension (0 for the first key). */
  keyIndex: number;
  /** Defaults to a fresh random serial. */
  serialNumber?: Uint8Array;
  /** basicConstraints pathLenConstraint; unlimited when omitted. */
  pathLength?: number;
}

/** Extensions every CA certificate/request of ours carries. */
async function caExtensions(spki: Uint8Array, certIndex: number, keyIndex: number, pathLength?: number) {
  return [
    keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign'], true),
    basicConstraints(true, pathLength, true),
    await subjectKeyIdentifier(spki),
    caVersion(certIndex, keyIndex),
  ] satisfies X509Extension[];
}

/**
 * Creates a self-signed v3 CA certificate (DER): issuer = subject, basicConstraints CA (critical),
 * keyUsage digitalSignature|keyCertSign|cRLSign (critical), subjectKeyIdentifier and the Microsoft
 * CA Version extension. No authorityKeyIdentifier, like an AD CS root.
 */
export async function createSelfSignedCaCertificate(input: SelfSignedCaInput): Promise<Uint8Array> {
  const subject = typeof input.subjectDn === 'string' ? parseDistinguishedName(input.subjectDn) : input.subjectDn;
  const spki = await exportSpki(input.keyPair.publicKey);
  return issueCertificate({
    issuerName: subject,
    issuerKey: input.keyPair.privateKey,
    keyAlgorithm: input.keyAlgorithm,
    serialNumber: input.serialNumber ?? newSerialNumber(),
    subject,
    subjectPublicKeyInfo: spki,
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    extensions: await caExtensions(spki, input.certIndex, input.keyIndex, input.pathLength),
  });
}

/** Input of {@link createCaCertificationRequest}. */
export interface CaRequestInput {
  keyPair: webcrypto.CryptoKeyPair;
  keyAlgorithm: KeyAlgorithmName;
  subjectDn: string | Name;
  certIndex: number;
  keyIndex: number;
}

/**
 * A PKCS#10 request (DER) for a subordinate CA key, to be signed by a parent CA. Requests the same
 * CA extensions as a root plus the `SubCA` template name, like AD CS setup does.
 */
export async function createCaCertificationRequest(input: CaRequestInput): Promise<Uint8Array> {
  const spki = await exportSpki(input.keyPair.publicKey);
  return createCertificationRequest({
    keyPair: input.keyPair,
    keyAlgorithm: input.keyAlgorithm,
    subject: input.subjectDn,
    extensions: [certificateTemplateName('SubCA'), ...(await caExtensions(spki, input.certIndex, input.keyIndex))],
  });
}
