import {
  CERT_E_INVALID_NAME,
  CERTSRV_E_BAD_REQUESTSUBJECT,
  CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED,
  CERTSRV_E_SUBJECT_DIRECTORY_GUID_REQUIRED,
  CERTSRV_E_SUBJECT_DNS_REQUIRED,
  CERTSRV_E_SUBJECT_EMAIL_REQUIRED,
  CERTSRV_E_SUBJECT_UPN_REQUIRED,
  CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT,
  CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME,
  CT_FLAG_MACHINE_TYPE,
  CT_FLAG_SUBJECT_ALT_REQUIRE_DIRECTORY_GUID,
  CT_FLAG_SUBJECT_ALT_REQUIRE_DNS,
  CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS,
  CT_FLAG_SUBJECT_ALT_REQUIRE_EMAIL,
  CT_FLAG_SUBJECT_ALT_REQUIRE_SPN,
  CT_FLAG_SUBJECT_ALT_REQUIRE_UPN,
  CT_FLAG_SUBJECT_REQUIRE_COMMON_NAME,
  CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH,
  CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN,
  CT_FLAG_SUBJECT_REQUIRE_EMAIL,
  EDITF_EMAILOPTIONAL,
} from '@certexit/core';
import type { GeneralNameInput, X509Extension } from '@certexit/x509';
import {
  appendRdn,
  distinguishedNameToDer,
  EXTENSION_OID,
  emptyNameDer,
  isEmptyName,
  NAME_OID,
  subjectAltNameOf,
} from '@certexit/x509';
import type { CertificateTemplate } from './certificate-template';
import type { PolicyRefusal } from './policy-refusal';
import { deniedBy } from './policy-refusal';
import type { RequesterDirectoryEntry } from './requester-lookup';

/** The subject and alternative names a certificate will carry, and where they came from. */
export interface CertificateNames {
  subjectDer: Uint8Array;
  subjectAltName: X509Extension | undefined;
  /** `request` (the enrollee supplied them), `directory` (built from the requester's object) or `attribute` (san). */
  subjectSource: 'request' | 'directory';
  altNameSource: 'request' | 'directory' | 'attribute' | 'none';
}

/** What the names are built from. */
export interface CertificateNameInputs {
  template: CertificateTemplate | undefined;
  requestSubjectDer: Uint8Array;
  requestAltName: X509Extension | undefined;
  /** `DOMAIN\name`: the NetBIOS domain name comes from it. */
  requesterName: string;
  directoryEntry: RequesterDirectoryEntry | undefined;
  /** Names of a `san` attribute honoured under `EDITF_ATTRIBUTESUBJECTALTNAME2`. */
  sanAttribute: readonly GeneralNameInput[] | undefined;
  editFlags: number;
}

/** True when the template builds names from the requester's directory object (the object is needed). */
export function namesNeedDirectory(template: CertificateTemplate | undefined): boolean {
  if (!template) return false;
  const suppliesSubject = (template.nameFlags & CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT) !== 0;
  const suppliesAltName = suppliesSubject || (template.nameFlags & CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME) !== 0;
  const directorySubject =
    !suppliesSubject &&
    (template.nameFlags &
      (CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH |
        CT_FLAG_SUBJECT_REQUIRE_COMMON_NAME |
        CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN |
        CT_FLAG_SUBJECT_REQUIRE_EMAIL)) !==
      0;
  const directoryAltName =
    !suppliesAltName &&
    (template.nameFlags &
      (CT_FLAG_SUBJECT_ALT_REQUIRE_UPN |
        CT_FLAG_SUBJECT_ALT_REQUIRE_EMAIL |
        CT_FLAG_SUBJECT_ALT_REQUIRE_DNS |
        CT_FLAG_SUBJECT_ALT_REQUIRE_DIRECTORY_GUID |
        CT_FLAG_SUBJECT_ALT_REQUIRE_SPN |
        CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS)) !==
      0;
  return directorySubject || directoryAltName;
}

/**
 * Builds the subject and subject alternative name as AD CS's policy module does (MS-WCCE 3.2.2.6.2.1.4.5.9):
 * - a request without a template (a standalone CA), or a template with `CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT`, takes the
 *   request's subject and SAN;
 * - `CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME` alone takes the request's SAN;
 * - otherwise the names come from the requester's directory object, whatever the request asks:
 *   `CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH` (the DN), `_COMMON_NAME` / `_DNS_AS_CN` (CN = cn, or dNSHostName for a
 *   machine template), `_EMAIL` (E = mail); the SAN from `CT_FLAG_SUBJECT_ALT_REQUIRE_UPN`, `_EMAIL`, `_DNS`,
 *   `_DIRECTORY_GUID`, `_SPN` (each SPN's host as a dNSName) and `_DOMAIN_DNS` (the domain's DNS and NetBIOS names);
 * - with `EDITF_ATTRIBUTESUBJECTALTNAME2`, a `san` request attribute replaces the SAN (AD CS's ESC6).
 * A name the template requires and the directory object lacks is refused with AD CS's HRESULT
 * (`CERTSRV_E_SUBJECT_UPN_REQUIRED`, `_EMAIL_`, `_DNS_`, `_DIRECTORY_GUID_`; `EDITF_EMAILOPTIONAL` waives e-mail).
 */
export function buildCertificateNames(inputs: CertificateNameInputs): CertificateNames | PolicyRefusal {
  const { template } = inputs;
  const flags = template?.nameFlags ?? 0;
  const fromRequest = !template;
  const suppliesSubject = fromRequest || (flags & CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT) !== 0;
  const suppliesAltName = suppliesSubject || (flags & CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME) !== 0;

  let subjectDer = inputs.requestSubjectDer;
  if (!suppliesSubject) {
    const built = _directorySubject(flags, inputs);
    if ('disposition' in built) return built;
    subjectDer = built.der;
  }

  let altNames: GeneralNameInput[] | undefined;
  let altNameSource: CertificateNames['altNameSource'] = 'none';
  let copied: X509Extension | undefined;
  if (inputs.sanAttribute && inputs.sanAttribute.length > 0) {
    altNames = [...inputs.sanAttribute];
    altNameSource = 'attribute';
  } else if (suppliesAltName) {
    copied = inputs.requestAltName;
    if (copied) altNameSource = 'request';
  } else {
    const built = _directoryAltNames(flags, inputs);
    if (!Array.isArray(built)) return built;
    if (built.length > 0) {
      altNames = built;
      altNameSource = 'directory';
    }
  }

  const emptySubject = isEmptyName(subjectDer);
  let subjectAltName: X509Extension | undefined;
  try {
    if (altNames) subjectAltName = subjectAltNameOf(altNames, emptySubject);
    else if (copied) subjectAltName = { ...copied, critical: copied.critical || emptySubject };
  } catch (error) {
    return deniedBy(CERT_E_INVALID_NAME, `the subject alternative name cannot be encoded: ${(error as Error).message}`);
  }
  return { subjectDer, subjectAltName, subjectSource: suppliesSubject ? 'request' : 'directory', altNameSource };
}

function _directorySubject(flags: number, inputs: CertificateNameInputs): { der: Uint8Array } | PolicyRefusal {
  const entry = inputs.directoryEntry;
  const machine = ((inputs.template?.generalFlags ?? 0) & CT_FLAG_MACHINE_TYPE) !== 0;
  const emailOptional = (inputs.editFlags & EDITF_EMAILOPTIONAL) !== 0;
  let der = emptyNameDer();
  if (flags & CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH) {
    if (!entry)
      return deniedBy(CERTSRV_E_BAD_REQUESTSUBJECT, 'the subject is the requester’s directory DN, which is unknown');
    try {
      der = distinguishedNameToDer(entry.dn);
    } catch (error) {
      return deniedBy(
        CERTSRV_E_BAD_REQUESTSUBJECT,
        `the requester's DN ${JSON.stringify(entry.dn)} cannot be a subject: ${(error as Error).message}`,
      );
    }
  } else if (flags & (CT_FLAG_SUBJECT_REQUIRE_COMMON_NAME | CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN)) {
    const dnsAsCn = machine || (flags & CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN) !== 0;
    const cn = dnsAsCn ? entry?.dnsHostName : entry?.cn;
    if (!cn) {
      return dnsAsCn
        ? deniedBy(
            CERTSRV_E_SUBJECT_DNS_REQUIRED,
            `the requester's directory object has no dNSHostName for the subject CN`,
          )
        : deniedBy(CERTSRV_E_BAD_REQUESTSUBJECT, `the requester's directory object has no cn for the subject`);
    }
    der = appendRdn(der, NAME_OID.commonName, cn);
  }
  if (flags & CT_FLAG_SUBJECT_REQUIRE_EMAIL) {
    if (entry?.mail) der = appendRdn(der, NAME_OID.email, entry.mail);
    else if (!emailOptional)
      return deniedBy(
        CERTSRV_E_SUBJECT_EMAIL_REQUIRED,
        'the e-mail name is unavailable and cannot be added to the subject (the requester has no mail attribute)',
      );
  }
  return { der };
}

function _directoryAltNames(flags: number, inputs: CertificateNameInputs): GeneralNameInput[] | PolicyRefusal {
  const entry = inputs.directoryEntry;
  const emailOptional = (inputs.editFlags & EDITF_EMAILOPTIONAL) !== 0;
  const names: GeneralNameInput[] = [];
  if (flags & CT_FLAG_SUBJECT_ALT_REQUIRE_UPN) {
    if (!entry?.userPrincipalName)
      return deniedBy(CERTSRV_E_SUBJECT_UPN_REQUIRED, 'the UPN is unavailable: the requester has no userPrincipalName');
    names.push({ upn: entry.userPrincipalName });
  }
  if (flags & CT_FLAG_SUBJECT_ALT_REQUIRE_EMAIL) {
    if (entry?.mail) names.push({ email: entry.mail });
    else if (!emailOptional)
      return deniedBy(
        CERTSRV_E_SUBJECT_EMAIL_REQUIRED,
        'the e-mail name is unavailable and cannot be added to the subject alternative name (no mail attribute)',
      );
  }
  if (flags & CT_FLAG_SUBJECT_ALT_REQUIRE_DNS) {
    if (!entry?.dnsHostName)
      return deniedBy(CERTSRV_E_SUBJECT_DNS_REQUIRED, 'the DNS name is unavailable: the requester has no dNSHostName');
    names.push({ dns: entry.dnsHostName });
  }
  if (flags & CT_FLAG_SUBJECT_ALT_REQUIRE_DIRECTORY_GUID) {
    if (entry?.objectGuid?.length !== 16)
      return deniedBy(CERTSRV_E_SUBJECT_DIRECTORY_GUID_REQUIRED, 'the directory GUID of the requester is unavailable');
    names.push({ guid: entry.objectGuid });
  }
  if (flags & CT_FLAG_SUBJECT_ALT_REQUIRE_SPN) {
    const hosts = [
      ...new Set(
        (entry?.servicePrincipalNames ?? [])
          .map((spn) => /^[^/]+\/([^/:]+)/.exec(spn)?.[1]?.toLowerCase())
          .filter((h): h is string => h?.includes('.') === true),
      ),
    ];
    if (hosts.length === 0)
      return deniedBy(
        CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED,
        'the requester has no servicePrincipalName with a host name',
      );
    for (const dns of hosts) names.push({ dns });
  }
  if (flags & CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS) {
    const netbios = inputs.requesterName.includes('\\') ? inputs.requesterName.split('\\')[0] : undefined;
    if (!entry?.domainDnsName)
      return deniedBy(CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED, 'the requester’s domain DNS name is unavailable');
    names.push({ dns: entry.domainDnsName });
    if (netbios && netbios.toLowerCase() !== entry.domainDnsName.toLowerCase()) names.push({ dns: netbios });
  }
  return names;
}

/** The SAN's OID, for callers that look the extension up. */
export const SUBJECT_ALT_NAME_OID = EXTENSION_OID.subjectAltName;
