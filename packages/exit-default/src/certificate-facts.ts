import { X509Certificate } from 'node:crypto';
import { decodeExtensionsOfCertificate, readCertificateTemplate } from '@certexit/x509';

/** The facts of a certificate the cleanup rules of `EXITPUB_REMOVEOLDCERTS` look at. */
export interface CertificateFacts {
  readonly der: Uint8Array;
  /** Node's view of the certificate (signature verification against a CA). */
  readonly x509: X509Certificate;
  /** Upper-case hex without separators, as the CA database and certutil show it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /**
   * The template the certificate was issued from: the template OID of the "Certificate Template Information"
   * extension (1.3.6.1.4.1.311.21.7) when present, else the name of the V1 "Certificate Template Name" extension
   * (1.3.6.1.4.1.311.20.2); `undefined` when it has neither.
   */
  readonly template: string | undefined;
}

/** `szOID_CERTIFICATE_TEMPLATE`: `SEQUENCE { templateID OID, templateMajorVersion INTEGER, templateMinorVersion INTEGER OPTIONAL }`. */
export const OID_CERTIFICATE_TEMPLATE = '1.3.6.1.4.1.311.21.7';
/** `szOID_ENROLL_CERTTYPE_EXTENSION`: the V1 template name, a `BMPString`. */
export const OID_ENROLL_CERTTYPE = '1.3.6.1.4.1.311.20.2';

/**
 * Parses a DER certificate into {@link CertificateFacts}.
 * @returns `undefined` for bytes that are not a certificate (such values are never touched by the cleanup).
 */
export function readCertificateFacts(der: Uint8Array): CertificateFacts | undefined {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    return undefined;
  }
  let template: string | undefined;
  try {
    const extensions = decodeExtensionsOfCertificate(der);
    // Each extension on its own: a malformed one leaves the other to decide.
    const read = (oid: string) => {
      try {
        return readCertificateTemplate(extensions.filter((e) => e.oid === oid));
      } catch {
        return {};
      }
    };
    template = read(OID_CERTIFICATE_TEMPLATE).oid ?? read(OID_ENROLL_CERTTYPE).name;
  } catch {
    template = undefined;
  }
  return {
    der,
    x509,
    serialNumber: x509.serialNumber.toUpperCase().replace(/^0+(?=.)/, ''),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    template,
  };
}

/** Whether `certificate` carries a signature made by `ca` (and names it as its issuer). */
export function isIssuedBy(certificate: CertificateFacts, ca: X509Certificate): boolean {
  try {
    return certificate.x509.checkIssued(ca) && certificate.x509.verify(ca.publicKey);
  } catch {
    return false;
  }
}
