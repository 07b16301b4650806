import type { KeyUsageName } from '@certexit/x509';

/** A certificate template: what an enterprise CA issues for a `CertificateTemplate` request attribute. */
export interface CertificateTemplate {
  /** The name requests use (`CertificateTemplate:User`). */
  name: string;
  displayName: string;
  /** The template OID (certificate template information extension). */
  oid: string;
  validityDays: number;
  keyUsage: KeyUsageName[];
  extendedKeyUsage: string[];
  /** `msPKI-Enrollment-Flag`: `CT_FLAG_PUBLISH_TO_DS`, `CT_FLAG_PEND_ALL_REQUESTS`, … */
  enrollmentFlags: number;
  /** General `flags`: `CT_FLAG_MACHINE_TYPE`, `CT_FLAG_IS_CA`, … */
  generalFlags: number;
  /** `msPKI-Private-Key-Flag`. */
  privateKeyFlags: number;
  /** A CA certificate (basicConstraints cA). */
  isCa?: boolean;
}
