import { EDITF_DISABLEEXTENSIONLIST, EDITF_ENABLEREQUESTEXTENSIONS, EDITF_REQUESTEXTENSIONLIST } from '@certexit/core';
import type { X509Extension } from '@certexit/x509';
import { EXTENSION_OID } from '@certexit/x509';
import type { CertificateTemplate } from './certificate-template';
import type { PolicySettings } from './policy-settings';

/**
 * Extensions a request never puts into a certificate, whatever the flags and lists say: they decide what the
 * certificate may do (CA, name constraints, policies, key and application usages, the requester's SID), where its
 * status is (CDP, AIA, OCSP no-check) or which names it certifies (handled by the names rules).
 */
export const NEVER_COPIED_REQUEST_EXTENSIONS: ReadonlySet<string> = new Set([
  EXTENSION_OID.subjectKeyIdentifier,
  EXTENSION_OID.keyUsage,
  '2.5.29.16', // privateKeyUsagePeriod
  EXTENSION_OID.subjectAltName,
  '2.5.29.18', // issuerAltName
  EXTENSION_OID.basicConstraints,
  '2.5.29.30', // nameConstraints
  EXTENSION_OID.crlDistributionPoints,
  EXTENSION_OID.certificatePolicies,
  '2.5.29.33', // policyMappings
  EXTENSION_OID.authorityKeyIdentifier,
  '2.5.29.36', // policyConstraints
  EXTENSION_OID.extendedKeyUsage,
  EXTENSION_OID.freshestCrl,
  '2.5.29.54', // inhibitAnyPolicy
  EXTENSION_OID.authorityInfoAccess,
  '1.3.6.1.5.5.7.1.11', // subjectInfoAccess
  '1.3.6.1.5.5.7.48.1.5', // OCSP no-check
  EXTENSION_OID.certificateTemplateName,
  EXTENSION_OID.certificateTemplateInformation,
  '1.3.6.1.4.1.311.21.10', // application policies
  '1.3.6.1.4.1.311.21.11', // application policy mappings
  '1.3.6.1.4.1.311.21.12', // application policy constraints
  '1.3.6.1.4.1.311.25.2', // szOID_NTDS_CA_SECURITY_EXT (the requester's SID)
  '1.3.6.1.4.1.11129.2.4.2', // CT SCT list
  '1.3.6.1.4.1.11129.2.4.3', // CT poison
]);

/** What `EDITF_ENABLEREQUESTEXTENSIONS` copies: extensions that say nothing about what the holder may do. */
export const COPYABLE_REQUEST_EXTENSIONS: ReadonlySet<string> = new Set([
  '1.2.840.113549.1.9.15', // S/MIME capabilities
  '1.3.6.1.5.5.7.1.24', // TLS feature (OCSP must-staple)
  '2.5.29.9', // subjectDirectoryAttributes
  '2.16.840.1.113730.1.13', // Netscape comment
  EXTENSION_OID.caVersion,
  '1.3.6.1.4.1.311.21.2', // previous CA certificate hash
]);

/** Extensions only a CA certificate's request may carry into the certificate. */
const _CA_ONLY = new Set([EXTENSION_OID.caVersion, '1.3.6.1.4.1.311.21.2']);

/** One request extension and whether it goes into the certificate (else it is recorded disabled). */
export interface RequestExtensionChoice {
  extension: X509Extension;
  copy: boolean;
}

/**
 * Decides, for each extension of a request, whether the certificate carries it, as AD CS's `EditFlags` say:
 * with `EDITF_ENABLEREQUESTEXTENSIONS` the built-in allow-list {@link COPYABLE_REQUEST_EXTENSIONS} is copied; with
 * `EDITF_REQUESTEXTENSIONLIST` the OIDs of `EnableRequestExtensionList`; with `EDITF_DISABLEEXTENSIONLIST` those of
 * `DisableExtensionList` never are. {@link NEVER_COPIED_REQUEST_EXTENSIONS} are never copied, the CA version and
 * previous-hash extensions only into CA certificates, and a critical extension only when it is on a list.
 */
export function chooseRequestExtensions(
  extensions: readonly X509Extension[],
  settings: Pick<PolicySettings, 'editFlags' | 'enableRequestExtensionList' | 'disableExtensionList'>,
  template: CertificateTemplate | undefined,
): RequestExtensionChoice[] {
  const enabled = new Set(
    settings.editFlags & EDITF_REQUESTEXTENSIONLIST ? settings.enableRequestExtensionList : ([] as string[]),
  );
  const disabled = new Set(
    settings.editFlags & EDITF_DISABLEEXTENSIONLIST ? settings.disableExtensionList : ([] as string[]),
  );
  const builtIn = (settings.editFlags & EDITF_ENABLEREQUESTEXTENSIONS) !== 0;
  return extensions.map((extension) => {
    const { oid } = extension;
    const listed = enabled.has(oid) || (builtIn && COPYABLE_REQUEST_EXTENSIONS.has(oid));
    const copy =
      listed &&
      !disabled.has(oid) &&
      !NEVER_COPIED_REQUEST_EXTENSIONS.has(oid) &&
      (!_CA_ONLY.has(oid) || template?.isCa === true);
    return { extension, copy };
  });
}
