/** Reading the certificates of a file as parent CAs hand them out: `.cer`/`.crt` (DER or PEM) or `.p7b` (PKCS#7). */
import { decodeOid, readChildren, readSingleElement, TAG_OID, TAG_SEQUENCE } from './der';
import { decodeBase64Strict } from './pem';
import { X509ParseError } from './x509-error';

/** `id-signedData` (RFC 5652 §5.1). */
const _OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const _PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * The DER certificates in `data`: one DER certificate, a DER PKCS#7 `SignedData` (certs-only, as a `.p7b`), or PEM
 * text with any number of `CERTIFICATE` and `PKCS7` blocks. The structure is checked only as far as finding the
 * certificates; parse each with `parseCertificate`.
 *
 * ```asn1
 * ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY }
 * SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE,
 *   certificates [0] IMPLICIT CertificateSet OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET }
 * ```
 * @throws X509ParseError when `data` holds no certificate.
 */
export function readCertificateBundle(data: Uint8Array | string): Uint8Array[] {
  const text = typeof data === 'string' ? data : _asciiText(data);
  if (text?.includes('-----BEGIN ')) {
    const certificates: Uint8Array[] = [];
    for (const [, label, body] of text.matchAll(_PEM_BLOCK)) {
      if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE') {
        certificates.push(decodeBase64Strict(body!, `PEM block "${label}"`));
      } else if (label === 'PKCS7' || label === 'CMS') {
        certificates.push(..._certificatesOfDer(decodeBase64Strict(body!, `PEM block "${label}"`)));
      }
    }
    if (certificates.length === 0) throw new X509ParseError('the PEM text has no CERTIFICATE or PKCS7 block');
    return certificates;
  }
  if (typeof data === 'string') throw new X509ParseError('expected PEM text ("-----BEGIN CERTIFICATE-----")');
  return _certificatesOfDer(data);
}

function _certificatesOfDer(der: Uint8Array): Uint8Array[] {
  const outer = readSingleElement(der, 'certificate or PKCS#7');
  if (outer.tag !== TAG_SEQUENCE) throw new X509ParseError('expected a DER SEQUENCE (certificate or PKCS#7)');
  const [first, second] = readChildren(outer.contents);
  if (first?.tag !== TAG_OID) return [der]; // a certificate: SEQUENCE { TBSCertificate SEQUENCE, ... }
  if (decodeOid(first.contents) !== _OID_SIGNED_DATA || second?.tag !== 0xa0) {
    throw new X509ParseError(`a PKCS#7 of type ${decodeOid(first.contents)}, not signedData`);
  }
  const signedData = readSingleElement(second.contents, 'SignedData');
  const set = readChildren(signedData.contents).find((el) => el.tag === 0xa0);
  const certificates = set ? readChildren(set.contents).filter((el) => el.tag === TAG_SEQUENCE) : [];
  if (certificates.length === 0) throw new X509ParseError('the PKCS#7 SignedData carries no certificate');
  return certificates.map((el) => el.raw.slice());
}

/** The bytes as text when they are printable ASCII (PEM), else undefined. */
function _asciiText(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 64);
  for (const b of head) if (b !== 0x09 && b !== 0x0a && b !== 0x0d && (b < 0x20 || b > 0x7e)) return undefined;
  return Buffer.from(bytes).toString('latin1');
}
