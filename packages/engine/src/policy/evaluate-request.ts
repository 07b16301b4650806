import type { Logger } from '@certexit/core';
import {
  CERT_E_INVALID_NAME,
  CERTSRV_E_KEY_LENGTH,
  CERTSRV_E_TEMPLATE_CONFLICT,
  CERTSRV_E_TEMPLATE_DENIED,
  CERTSRV_E_UNSUPPORTED_CERT_TYPE,
  CRYPT_E_ASN1_CORRUPT,
  CT_FLAG_PEND_ALL_REQUESTS,
  E_INVALIDARG,
  EDITF_ATTRIBUTEEKU,
  EDITF_ATTRIBUTEENDDATE,
  EDITF_ATTRIBUTESUBJECTALTNAME2,
  HRESULT_NO_SUCH_USER,
  isEnterpriseCaType,
  normalizeAttributeName,
} from '@certexit/core';
import type { GeneralNameInput, ParsedCertificationRequest, X509Extension } from '@certexit/x509';
import { assertStrictDer, decodeGeneralNames, EXTENSION_OID } from '@certexit/x509';
import type { CertificateNames } from './build-certificate-names';
import { buildCertificateNames, namesNeedDirectory } from './build-certificate-names';
import { isOnCaTemplateList } from './ca-template-list';
import { effectiveGroups } from './certexit-principals';
import type { CertificateTemplate } from './certificate-template';
import { keyProblem } from './key-policy';
import type { PolicyCa } from './policy-ca';
import type { PolicyRefusal } from './policy-refusal';
import { deniedBy, failedWith } from './policy-refusal';
import type { PolicySettings } from './policy-settings';
import { readPolicySettings } from './policy-settings';
import { REQDISP_PENDINGFIRST } from './request-disposition';
import type { RequestExtensionChoice } from './request-extension-choices';
import { chooseRequestExtensions } from './request-extension-choices';
import type { FindRequester, RequesterDirectoryEntry } from './requester-lookup';
import { parseSanAttribute, SAN_ATTRIBUTE } from './san-attribute';
import { hasTemplateRight } from './template-permissions';

/** Everything the CA will put into a certificate for a request, decided by the policy; nothing signed yet. */
export interface IssuancePlan {
  template: CertificateTemplate | undefined;
  names: CertificateNames;
  /** Each request extension, copied or recorded disabled. */
  requestExtensions: RequestExtensionChoice[];
  /** EKUs from the `CertificateUsage` attribute (`EDITF_ATTRIBUTEEKU`), replacing the template's. */
  extendedKeyUsage: string[] | undefined;
  /** An end date from the `ExpirationDate` attribute (`EDITF_ATTRIBUTEENDDATE`), shorter than the template's. */
  notAfter: Date | undefined;
  settings: PolicySettings;
  /** The requester's directory object, when the CA looked it up. */
  requester: RequesterDirectoryEntry | undefined;
}

/** The policy's verdict on a request. */
export type PolicyVerdict =
  | { outcome: 'refuse'; refusal: PolicyRefusal; template?: CertificateTemplate }
  | { outcome: 'issue' | 'pend'; message: string; plan: IssuancePlan };

/** A request as the policy sees it. */
export interface PolicyRequest {
  request: ParsedCertificationRequest;
  attributes: ReadonlyArray<readonly [string, string]>;
  /** `DOMAIN\user`: the authenticated requester. */
  requesterName: string;
  /** The groups the caller is in by the CA's own records (`caller add --group`, the CLI's `--group`). */
  requesterGroups: readonly string[];
}

/** What the policy needs besides the request. */
export interface PolicyContext {
  ca: PolicyCa;
  logger?: Logger;
  /** Looks requesters up in the CA's directory; asked on enterprise CAs only. */
  findRequester: FindRequester;
}

/**
 * The policy module (`CertificateAuthority_MicrosoftDefault.Policy`): decides what a request gets, in AD CS's order.
 * 1. Request extensions must be strict DER (a SAN must be GeneralNames): else a failed row, `CRYPT_E_ASN1_CORRUPT`.
 * 2. The template (`CertificateTemplate` attribute; required on an enterprise CA) must exist and be on the CA's
 *    list (`CATemplates`): else `CERTSRV_E_UNSUPPORTED_CERT_TYPE`.
 * 3. An enterprise CA with a directory looks the requester up (its groups, and its names where the template
 *    builds them); a directory that fails fails the request with its HRESULT.
 * 4. The requester (identity, caller groups, directory groups, implicit groups) must have Enroll on the template:
 *    else `CERTSRV_E_TEMPLATE_DENIED`.
 * 5. The key must meet the template's algorithms and `msPKI-Minimal-Key-Size`: else `CERTSRV_E_KEY_LENGTH`.
 * 6. Names and extensions are decided (see `buildCertificateNames`, `chooseRequestExtensions`); request attributes
 *    count only under their `EditFlags` (`san`, `ExpirationDate`, `CertificateUsage`).
 * 7. The request pends for a CA manager with `CT_FLAG_PEND_ALL_REQUESTS`, `msPKI-RA-Signature` > 0 or
 *    `RequestDisposition` pending first (a standalone CA's default); otherwise it is issued.
 * With `approval` (a CA manager resubmitting a pending request) steps 4 and 7 are skipped: the manager decided.
 */
export async function evaluateRequest(
  context: PolicyContext,
  input: PolicyRequest,
  options: { approval?: boolean } = {},
): Promise<PolicyVerdict> {
  const { ca } = context;
  const refuse = (refusal: PolicyRefusal, template?: CertificateTemplate): PolicyVerdict => ({
    outcome: 'refuse',
    refusal,
    ...(template && { template }),
  });

  const malformed = _malformedExtension(input.request.extensions);
  if (malformed) return refuse(failedWith(CRYPT_E_ASN1_CORRUPT, `Error Parsing Request: ${malformed}`));

  const enterprise = isEnterpriseCaType(ca.caType);
  const settings = readPolicySettings(ca);
  const templateName = attributeValue(input.attributes, 'CertificateTemplate')?.trim();
  let template: CertificateTemplate | undefined;
  if (templateName) {
    template = ca.templateStore.find(templateName);
    if (!template)
      return refuse(
        deniedBy(
          CERTSRV_E_UNSUPPORTED_CERT_TYPE,
          `the certificate template ${JSON.stringify(templateName)} does not exist`,
        ),
      );
    if (!isOnCaTemplateList(ca, template))
      return refuse(
        deniedBy(
          CERTSRV_E_UNSUPPORTED_CERT_TYPE,
          `the certificate template ${template.name} is not offered by this CA (its CATemplates list)`,
        ),
        template,
      );
  } else if (enterprise) {
    return refuse(
      deniedBy(
        CERTSRV_E_UNSUPPORTED_CERT_TYPE,
        'the request names no certificate template (CertificateTemplate attribute)',
      ),
    );
  }

  const needsDirectory = namesNeedDirectory(template);
  if (needsDirectory && !enterprise)
    return refuse(
      deniedBy(
        CERTSRV_E_UNSUPPORTED_CERT_TYPE,
        `the template ${template!.name} builds the names from the requester's directory object, which a standalone CA does not look up`,
      ),
      template,
    );
  let requester: RequesterDirectoryEntry | undefined;
  if (enterprise) {
    const lookup = await context.findRequester(input.requesterName);
    if (lookup.status === 'failed')
      return refuse(
        failedWith(
          lookup.error.hresult,
          `Error Verifying Request: the directory look-up of ${input.requesterName} failed: ${lookup.error.message}`,
        ),
        template,
      );
    if (lookup.status === 'found') requester = lookup.entry;
    else if (needsDirectory)
      return refuse(
        deniedBy(
          HRESULT_NO_SUCH_USER,
          lookup.status === 'not-configured'
            ? `the template ${template!.name} builds the names from the requester's directory object, and this CA has no directory (CA\\Directory\\LdapServers)`
            : `the template ${template!.name} builds the names from the requester's directory object, and ${input.requesterName} has none (${lookup.filter})`,
        ),
        template,
      );
  }

  if (template && !options.approval) {
    const groups = effectiveGroups(input.requesterName, input.requesterGroups, requester?.groups ?? []);
    if (!hasTemplateRight(template.permissions, { identity: input.requesterName, groups }, 'Enroll'))
      return refuse(
        deniedBy(
          CERTSRV_E_TEMPLATE_DENIED,
          `the permissions on the certificate template ${template.name} do not allow ${input.requesterName} to enroll (groups: ${groups.join(', ')})`,
        ),
        template,
      );
  }

  const weak = keyProblem(input.request.subjectPublicKeyInfo, {
    ...(template && {
      minimalKeySize: template.minimalKeySize,
      keyAlgorithms: template.keyAlgorithms,
      templateName: template.name,
    }),
  });
  if (weak) return refuse(deniedBy(CERTSRV_E_KEY_LENGTH, weak), template);

  let sanAttribute: GeneralNameInput[] | undefined;
  const san = attributeValue(input.attributes, SAN_ATTRIBUTE);
  if (san !== undefined && settings.editFlags & EDITF_ATTRIBUTESUBJECTALTNAME2) {
    try {
      sanAttribute = parseSanAttribute(san);
    } catch (error) {
      return refuse(deniedBy(CERT_E_INVALID_NAME, (error as Error).message), template);
    }
    context.logger?.warn(
      { requester: input.requesterName, template: template?.name, san },
      'EDITF_ATTRIBUTESUBJECTALTNAME2 is set: the subject alternative name comes from the requester’s san attribute, whatever the template says; any requester can name anyone (ESC6). Clear it: certexit setreg policy\\EditFlags -EDITF_ATTRIBUTESUBJECTALTNAME2',
    );
  }

  const names = buildCertificateNames({
    template,
    requestSubjectDer: input.request.subjectDer,
    requestAltName: input.request.extensions.find((e) => e.oid === EXTENSION_OID.subjectAltName),
    requesterName: input.requesterName,
    directoryEntry: requester,
    sanAttribute,
    editFlags: settings.editFlags,
  });
  if ('disposition' in names) return refuse(names, template);

  let extendedKeyUsage: string[] | undefined;
  const usage = attributeValue(input.attributes, 'CertificateUsage');
  if (usage !== undefined && settings.editFlags & EDITF_ATTRIBUTEEKU) {
    extendedKeyUsage = usage
      .split(/[\s,]+/)
      .map((o) => o.trim())
      .filter((o) => o !== '');
    const bad = extendedKeyUsage.find((o) => !/^[0-2](\.(0|[1-9]\d*))+$/.test(o));
    if (bad)
      return refuse(
        deniedBy(E_INVALIDARG, `the CertificateUsage attribute's ${JSON.stringify(bad)} is not an OID`),
        template,
      );
    const beyond = template ? extendedKeyUsage.filter((o) => !template.extendedKeyUsage.includes(o)) : [];
    if (beyond.length > 0)
      return refuse(
        deniedBy(
          CERTSRV_E_TEMPLATE_CONFLICT,
          `the CertificateUsage attribute asks for ${beyond.join(', ')}, which the template ${template!.name} does not allow`,
        ),
        template,
      );
  }

  let notAfter: Date | undefined;
  const endDate = attributeValue(input.attributes, 'ExpirationDate');
  if (endDate !== undefined && settings.editFlags & EDITF_ATTRIBUTEENDDATE) {
    notAfter = new Date(endDate);
    if (Number.isNaN(notAfter.getTime()))
      return refuse(
        deniedBy(E_INVALIDARG, `the ExpirationDate attribute ${JSON.stringify(endDate)} is not a date`),
        template,
      );
  }

  const plan: IssuancePlan = {
    template,
    names,
    requestExtensions: chooseRequestExtensions(input.request.extensions, settings, template),
    extendedKeyUsage,
    notAfter,
    settings,
    requester,
  };
  if (options.approval) return { outcome: 'issue', message: 'Issued', plan };
  const pend =
    (template && (template.enrollmentFlags & CT_FLAG_PEND_ALL_REQUESTS) !== 0) ||
    (template?.raSignatures ?? 0) > 0 ||
    (settings.requestDisposition & REQDISP_PENDINGFIRST) !== 0;
  return { outcome: pend ? 'pend' : 'issue', message: pend ? 'Taken Under Submission' : 'Issued', plan };
}

/** The value of a request attribute by name (AD CS's matching: case, spaces and hyphens ignored); the last wins. */
export function attributeValue(attributes: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const wanted = normalizeAttributeName(name);
  return attributes.findLast(([n]) => normalizeAttributeName(n) === wanted)?.[1];
}

/** The first request extension that strict parsers refuse, described; a SAN must also be GeneralNames. */
function _malformedExtension(extensions: readonly X509Extension[]): string | undefined {
  for (const extension of extensions) {
    try {
      assertStrictDer(extension.value, `extension ${extension.oid}`);
      if (extension.oid === EXTENSION_OID.subjectAltName) decodeGeneralNames(extension.value);
    } catch (error) {
      return `the requested extension ${extension.oid} is malformed: ${(error as Error).message}`;
    }
  }
  return undefined;
}
