import { X509Error } from './x509-error';

/**
 * Why a certificate's content was refused before signing. String faults name the ASN.1 type whose repertoire the
 * value breaks; `malformed` is DER that strict parsers (OpenSSL, Python `cryptography`) refuse.
 */
export type CertificateContentFault =
  | 'malformed'
  | 'not-a-string'
  | 'invalid-utf8-string'
  | 'invalid-bmp-string'
  | 'invalid-universal-string'
  | 'invalid-printable-string'
  | 'invalid-ia5-string'
  | 'invalid-numeric-string'
  | 'invalid-visible-string'
  | 'control-character'
  | 'empty-value'
  | 'too-long'
  | 'too-many-values'
  | 'empty-subject'
  | 'invalid-name'
  | 'wildcard'
  | 'unknown-critical-extension'
  | 'too-large';

/** Where in the certificate the fault is. */
export type CertificateContentPart = 'subject' | 'subjectAltName' | 'extension' | 'publicKey' | 'certificate';

/** A certificate the CA was about to sign breaks a content rule; nothing was signed. */
export class CertificateContentError extends X509Error {
  override name = 'CertificateContentError';
  readonly fault: CertificateContentFault;
  readonly part: CertificateContentPart;

  constructor(fault: CertificateContentFault, part: CertificateContentPart, message: string) {
    super(message);
    this.fault = fault;
    this.part = part;
  }
}
