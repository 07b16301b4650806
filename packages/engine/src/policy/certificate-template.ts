import type { KeyUsageName } from '@certexit/x509';
import type { TemplateAccessEntry } from './template-permissions';

/** The key algorithms a template may allow: RSA of at least `minimalKeySize` bits, or ECDSA on a named curve. */
export type TemplateKeyAlgorithm = 'RSA' | 'ECDSA_P256' | 'ECDSA_P384' | 'ECDSA_P521';

/** Every {@link TemplateKeyAlgorithm}, strongest curves last. */
export const TEMPLATE_KEY_ALGORITHMS: readonly TemplateKeyAlgorithm[] = [
  'RSA',
  'ECDSA_P256',
  'ECDSA_P384',
  'ECDSA_P521',
];

/**
 * A certificate template: what the CA issues for a `CertificateTemplate` request attribute, and who may ask. Fields
 * carry AD's template attributes by their AD meaning (`msPKI-Certificate-Name-Flag`, `msPKI-Enrollment-Flag`,
 * `msPKI-Minimal-Key-Size`, `msPKI-RA-Signature`, the template's ACL).
 */
export interface CertificateTemplate {
  /** The name requests use (`CertificateTemplate:User`): AD's `cn`. */
  name: string;
  displayName: string;
  /** `msPKI-Cert-Template-OID` (certificate template information extension). */
  oid: string;
  validityDays: number;
  keyUsage: KeyUsageName[];
  /** `pKIExtendedKeyUsage`. */
  extendedKeyUsage: string[];
  /** `msPKI-Enrollment-Flag`: `CT_FLAG_PUBLISH_TO_DS`, `CT_FLAG_PEND_ALL_REQUESTS`, … */
  enrollmentFlags: number;
  /** General `flags`: `CT_FLAG_MACHINE_TYPE`, `CT_FLAG_IS_CA`, … */
  generalFlags: number;
  /** `msPKI-Private-Key-Flag`. */
  privateKeyFlags: number;
  /** A CA certificate (basicConstraints cA); the same as `CT_FLAG_IS_CA` in {@link generalFlags}. */
  isCa?: boolean;
  /**
   * `msPKI-Certificate-Name-Flag`: where the subject and alternative names come from
   * (`CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT`, `CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH`, `CT_FLAG_SUBJECT_ALT_REQUIRE_UPN`, …).
   */
  nameFlags: number;
  /** `msPKI-Minimal-Key-Size`: the smallest RSA modulus accepted, in bits. */
  minimalKeySize: number;
  /** The key algorithms accepted (AD's `msPKI-RA-Application-Policies` algorithm entries, by name). */
  keyAlgorithms: TemplateKeyAlgorithm[];
  /** `msPKI-RA-Signature`: authorized signatures required; certexit has a CA manager approve instead (pending). */
  raSignatures: number;
  /** The template's ACL: who may Enroll and AutoEnroll (deny entries win). */
  permissions: TemplateAccessEntry[];
}
