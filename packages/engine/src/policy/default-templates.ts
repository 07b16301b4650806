import {
  CT_FLAG_ADD_EMAIL,
  CT_FLAG_AUTO_ENROLLMENT,
  CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT,
  CT_FLAG_EXPORTABLE_KEY,
  CT_FLAG_INCLUDE_SYMMETRIC_ALGORITHMS,
  CT_FLAG_IS_CA,
  CT_FLAG_MACHINE_TYPE,
  CT_FLAG_PEND_ALL_REQUESTS,
  CT_FLAG_PUBLISH_TO_DS,
  CT_FLAG_PUBLISH_TO_DS_GENERAL,
  CT_FLAG_PUBLISH_TO_KRA_CONTAINER,
  CT_FLAG_SUBJECT_ALT_REQUIRE_DNS,
  CT_FLAG_SUBJECT_ALT_REQUIRE_EMAIL,
  CT_FLAG_SUBJECT_ALT_REQUIRE_UPN,
  CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH,
  CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN,
  CT_FLAG_SUBJECT_REQUIRE_EMAIL,
} from '@certexit/core';
import { ADMINISTRATOR_GROUPS, PRINCIPALS } from './certexit-principals';
import type { CertificateTemplate, TemplateKeyAlgorithm } from './certificate-template';
import { TEMPLATE_KEY_ALGORITHMS } from './certificate-template';
import type { TemplateAccessEntry } from './template-permissions';

const _EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  efs: '1.3.6.1.4.1.311.10.3.4',
  keyRecoveryAgent: '1.3.6.1.4.1.311.21.6',
} as const;

/** RSA below 2048 bits is refused by default (NIST SP 800-131A); AD CS's current default templates say the same. */
export const DEFAULT_MINIMAL_KEY_SIZE = 2048;

/** RSA of at least {@link DEFAULT_MINIMAL_KEY_SIZE} bits, or ECDSA on P-256, P-384 or P-521. */
export const DEFAULT_KEY_ALGORITHMS: readonly TemplateKeyAlgorithm[] = TEMPLATE_KEY_ALGORITHMS;

/** Enroll for the administrator groups only: the default of AD CS's CA, web server, code-signing and KRA templates. */
export function administratorsMayEnroll(): TemplateAccessEntry[] {
  return ADMINISTRATOR_GROUPS.map((principal) => ({ principal, allow: ['Enroll'] }));
}

/**
 * The templates a new CA folder starts with (`templates.json`, editable), with AD CS's settings and default
 * permissions mapped to certexit's groups (see `PRINCIPALS`): `Domain Users` enroll for User, `Domain Computers` for
 * Machine, the administrator groups for every template. WebServer and SubCA let the enrollee supply the subject, so
 * a new CA does not offer them until an administrator adds them (`certexit catemplates +WebServer`).
 */
export function defaultTemplates(): CertificateTemplate[] {
  const common = {
    minimalKeySize: DEFAULT_MINIMAL_KEY_SIZE,
    keyAlgorithms: [...DEFAULT_KEY_ALGORITHMS],
    raSignatures: 0,
  };
  return [
    {
      name: 'User',
      displayName: 'User',
      oid: '1.3.6.1.4.1.311.21.8.1.1',
      validityDays: 365,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: [_EKU.efs, _EKU.emailProtection, _EKU.clientAuth],
      enrollmentFlags: CT_FLAG_INCLUDE_SYMMETRIC_ALGORITHMS | CT_FLAG_PUBLISH_TO_DS | CT_FLAG_AUTO_ENROLLMENT,
      generalFlags: CT_FLAG_ADD_EMAIL | CT_FLAG_PUBLISH_TO_DS_GENERAL | CT_FLAG_EXPORTABLE_KEY,
      privateKeyFlags: 0x10,
      nameFlags:
        (CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH |
          CT_FLAG_SUBJECT_REQUIRE_EMAIL |
          CT_FLAG_SUBJECT_ALT_REQUIRE_EMAIL |
          CT_FLAG_SUBJECT_ALT_REQUIRE_UPN) >>>
        0,
      ...common,
      permissions: [{ principal: PRINCIPALS.domainUsers, allow: ['Enroll'] }, ...administratorsMayEnroll()],
    },
    {
      name: 'Machine',
      displayName: 'Computer',
      oid: '1.3.6.1.4.1.311.21.8.1.2',
      validityDays: 365,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: [_EKU.clientAuth, _EKU.serverAuth],
      enrollmentFlags: CT_FLAG_AUTO_ENROLLMENT,
      generalFlags: CT_FLAG_MACHINE_TYPE,
      privateKeyFlags: 0,
      nameFlags: CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN | CT_FLAG_SUBJECT_ALT_REQUIRE_DNS,
      ...common,
      permissions: [{ principal: PRINCIPALS.domainComputers, allow: ['Enroll'] }, ...administratorsMayEnroll()],
    },
    {
      name: 'WebServer',
      displayName: 'Web Server',
      oid: '1.3.6.1.4.1.311.21.8.1.3',
      validityDays: 730,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: [_EKU.serverAuth],
      enrollmentFlags: 0,
      generalFlags: 0,
      privateKeyFlags: 0,
      nameFlags: CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT,
      ...common,
      permissions: administratorsMayEnroll(),
    },
    {
      name: 'CodeSigning',
      displayName: 'Code Signing',
      oid: '1.3.6.1.4.1.311.21.8.1.4',
      validityDays: 365,
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: [_EKU.codeSigning],
      enrollmentFlags: CT_FLAG_PUBLISH_TO_DS,
      generalFlags: 0,
      privateKeyFlags: 0,
      nameFlags: (CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH | CT_FLAG_SUBJECT_ALT_REQUIRE_UPN) >>> 0,
      ...common,
      permissions: administratorsMayEnroll(),
    },
    {
      name: 'KeyRecoveryAgent',
      displayName: 'Key Recovery Agent',
      oid: '1.3.6.1.4.1.311.21.8.1.5',
      validityDays: 730,
      keyUsage: ['keyEncipherment'],
      extendedKeyUsage: [_EKU.keyRecoveryAgent],
      enrollmentFlags: CT_FLAG_PUBLISH_TO_KRA_CONTAINER | CT_FLAG_PEND_ALL_REQUESTS,
      generalFlags: 0,
      privateKeyFlags: 0,
      nameFlags: (CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH | CT_FLAG_SUBJECT_ALT_REQUIRE_UPN) >>> 0,
      ...common,
      permissions: administratorsMayEnroll(),
    },
    {
      name: 'SubCA',
      displayName: 'Subordinate Certification Authority',
      oid: '1.3.6.1.4.1.311.21.8.1.6',
      validityDays: 1825,
      keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
      extendedKeyUsage: [],
      enrollmentFlags: 0,
      generalFlags: CT_FLAG_IS_CA,
      privateKeyFlags: 0,
      isCa: true,
      nameFlags: CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT,
      ...common,
      permissions: administratorsMayEnroll(),
    },
  ];
}
