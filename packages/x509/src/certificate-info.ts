/** Reading an X.509 certificate into the values AD CS exposes as certificate properties. */
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Name } from '@peculiar/asn1-x509';
import {
  bytesToHex,
  decodeOid,
  decodeTime,
  integerValue,
  readChildren,
  readElement,
  readSingleElement,
  TAG_BIT_STRING,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
} from './der';
import { nameToString } from './distinguished-name';
import type { X509Extension } from './extensions';
import { decodeExtensions, EXTENSION_OID, findExtension } from './extensions';
import { defineLazy } from './lazy-property';
import { fromPem } from './pem';
import { describePublicKey } from './public-key-info';
import { serialToHex } from './serial-number';
import { verifySignature } from './verify-signature';
import { X509ParseError } from './x509-error';

/** A decoded certificate. */
export interface CertificateInfo {
  der: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  /** INTEGER content octets. */
  serialNumber: Uint8Array;
  /** Lowercase hex of {@link serialNumber} (AD CS `SerialNumber`). */
  serialNumberHex: string;
  issuer: Name;
  issuerDer: Uint8Array;
  issuerDn: string;
  subject: Name;
  subjectDer: Uint8Array;
  subjectDn: string;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKeyInfo: Uint8Array;
  publicKeyAlgorithmOid: string;
  publicKeyLength: number;
  signatureAlgorithmOid: string;
  extensions: X509Extension[];
  /** Lowercase hex SHA-1 of the DER (AD CS `CertificateHash`). */
  sha1Thumbprint: string;
  /** Lowercase hex of the subjectKeyIdentifier, if present. */
  subjectKeyIdentifier?: string;
  /** Lowercase hex of the authorityKeyIdentifier keyIdentifier, if present. */
  authorityKeyIdentifier?: string;
  /** The signed TBSCertificate bytes and the signature, for {@link verifyCertificateSignature}. */
  tbsDer: Uint8Array;
  signature: Uint8Array;
  signatureAlgorithm: AlgorithmIdentifier;
}

/** Parses a certificate from DER or PEM (`CERTIFICATE`). Throws {@link X509ParseError} on malformed input. */
export async function parseCertificate(input: Uint8Array | string): Promise<CertificateInfo> {
  const der = certificateBytes(input);
  let info: Omit<CertificateInfo, 'sha1Thumbprint'>;
  try {
    info = decodeCertificate(der);
  } catch (err) {
    throw new X509ParseError(`not a DER X.509 certificate: ${(err as Error).message}`);
  }
  return Object.defineProperties(info, {
    sha1Thumbprint: { value: createHash('sha1').update(der).digest('hex'), enumerable: true },
  }) as CertificateInfo;
}

/** True if `cert` was signed by the key in `issuerSpki` (DER SubjectPublicKeyInfo). */
export async function verifyCertificateSignature(cert: CertificateInfo, issuerSpki: Uint8Array): Promise<boolean> {
  return verifySignature({
    signatureAlgorithm: cert.signatureAlgorithm,
    spki: issuerSpki,
    data: cert.tbsDer,
    signature: cert.signature,
  });
}

function certificateBytes(input: Uint8Array | string): Uint8Array {
  if (typeof input !== 'string') return input;
  const block = fromPem(input);
  if (block.label !== 'CERTIFICATE')
    throw new X509ParseError(`expected a "CERTIFICATE" PEM block, got "${block.label}"`);
  return block.der;
}

function decodeCertificate(der: Uint8Array): Omit<CertificateInfo, 'sha1Thumbprint'> {
  const outer = readSingleElement(der, 'certificate');
  const [tbs, algId, sigBits, extra] = outer.tag === TAG_SEQUENCE ? readChildren(outer.contents) : [];
  if (!tbs || !algId || !sigBits || extra || tbs.tag !== TAG_SEQUENCE || sigBits.tag !== TAG_BIT_STRING) {
    throw new Error('expected SEQUENCE { TBSCertificate, AlgorithmIdentifier, BIT STRING }');
  }
  const fields = readChildren(tbs.contents);
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    const v = readElement(fields.shift()!.contents);
    if (v.tag !== TAG_INTEGER) throw new Error('version is not an INTEGER');
    version = Number(integerValue(v.contents)) + 1;
  }
  const [serial, innerAlg, issuer, validity, subject, spki, ...rest] = fields;
  if (!serial || serial.tag !== TAG_INTEGER || !innerAlg || !issuer || !validity || !subject || !spki) {
    throw new Error('TBSCertificate is missing fields');
  }
  const [notBefore, notAfter] = readChildren(validity.contents);
  if (!notBefore || !notAfter) throw new Error('validity is incomplete');
  const extField = rest.find((el) => el.tag === 0xa3);
  const extensions = extField ? decodeExtensions(extField.contents) : [];
  const key = describePublicKey(spki.raw);
  const issuerDer = issuer.raw.slice();
  const subjectDer = subject.raw.slice();
  const serialNumber = serial.contents.slice();
  const [algOid] = readChildren(algId.contents);
  if (!algOid || algOid.tag !== TAG_OID) throw new Error('signature AlgorithmIdentifier lacks its OID');

  const info = {
    der,
    version,
    serialNumber,
    serialNumberHex: serialToHex(serialNumber),
    issuerDer,
    issuerDn: nameToString(issuerDer),
    subjectDer,
    subjectDn: nameToString(subjectDer),
    notBefore: decodeTime(notBefore),
    notAfter: decodeTime(notAfter),
    subjectPublicKeyInfo: spki.raw.slice(),
    publicKeyAlgorithmOid: key.algorithmOid,
    publicKeyLength: key.bits,
    signatureAlgorithmOid: decodeOid(algOid.contents),
    extensions,
    tbsDer: tbs.raw.slice(),
    signature: sigBits.contents.slice(1),
  } as Omit<CertificateInfo, 'sha1Thumbprint' | 'issuer' | 'subject' | 'signatureAlgorithm'> as Omit<
    CertificateInfo,
    'sha1Thumbprint'
  >;
  defineLazy(info, 'issuer', () => AsnConvert.parse(issuerDer, Name));
  defineLazy(info, 'subject', () => AsnConvert.parse(subjectDer, Name));
  defineLazy(info, 'signatureAlgorithm', () => AsnConvert.parse(algId.raw, AlgorithmIdentifier));

  const ski = findExtension(extensions, EXTENSION_OID.subjectKeyIdentifier);
  if (ski) {
    const os = readSingleElement(ski.value, 'subjectKeyIdentifier');
    if (os.tag !== TAG_OCTET_STRING) throw new Error('subjectKeyIdentifier is not an OCTET STRING');
    info.subjectKeyIdentifier = bytesToHex(os.contents);
  }
  const aki = findExtension(extensions, EXTENSION_OID.authorityKeyIdentifier);
  if (aki) {
    const seq = readSingleElement(aki.value, 'authorityKeyIdentifier');
    const keyId = readChildren(seq.contents).find((el) => el.tag === 0x80);
    if (keyId) info.authorityKeyIdentifier = bytesToHex(keyId.contents);
  }
  return info;
}
