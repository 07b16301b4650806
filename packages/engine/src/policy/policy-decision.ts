import {
  CERTSRV_E_UNSUPPORTED_CERT_TYPE,
  CT_FLAG_PEND_ALL_REQUESTS,
  DB_DISP_DENIED,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  isEnterpriseCaType,
  normalizeAttributeName,
} from '@certexit/core';
import type { CertificateTemplate } from './certificate-template';
import { REQDISP_PENDINGFIRST } from './request-disposition';

/** What the built-in policy decided for a request. */
export type PolicyDecision =
  | {
      disposition: typeof DB_DISP_ISSUED | typeof DB_DISP_PENDING;
      template: CertificateTemplate | undefined;
      message: string;
    }
  | { disposition: typeof DB_DISP_DENIED; statusCode: number; message: string };

/**
 * The built-in policy: enterprise CAs issue by certificate template (named by the `CertificateTemplate` request
 * attribute; a template with `CT_FLAG_PEND_ALL_REQUESTS` waits for a CA manager); standalone CAs leave requests
 * pending unless `RequestDisposition` says issue at once.
 */
export function decidePolicy(input: {
  caType: number;
  attributes: ReadonlyArray<readonly [string, string]>;
  templates: readonly CertificateTemplate[];
  requestDisposition: number;
}): PolicyDecision {
  const wanted = normalizeAttributeName('CertificateTemplate');
  const templateName = input.attributes.find(([name]) => normalizeAttributeName(name) === wanted)?.[1]?.trim();
  if (isEnterpriseCaType(input.caType)) {
    if (!templateName) {
      return {
        disposition: DB_DISP_DENIED,
        statusCode: CERTSRV_E_UNSUPPORTED_CERT_TYPE | 0,
        message: 'Denied by Policy Module: the request names no certificate template (CertificateTemplate attribute)',
      };
    }
    const template = input.templates.find(
      (t) => t.name.toLowerCase() === templateName.toLowerCase() || t.oid === templateName,
    );
    if (!template) {
      return {
        disposition: DB_DISP_DENIED,
        statusCode: CERTSRV_E_UNSUPPORTED_CERT_TYPE | 0,
        message: `Denied by Policy Module: the certificate template ${JSON.stringify(templateName)} is not offered by this CA`,
      };
    }
    if (template.enrollmentFlags & CT_FLAG_PEND_ALL_REQUESTS) {
      return { disposition: DB_DISP_PENDING, template, message: 'Taken Under Submission' };
    }
    return { disposition: DB_DISP_ISSUED, template, message: 'Issued' };
  }
  const template = templateName
    ? input.templates.find((t) => t.name.toLowerCase() === templateName.toLowerCase())
    : undefined;
  if (input.requestDisposition & REQDISP_PENDINGFIRST)
    return { disposition: DB_DISP_PENDING, template, message: 'Taken Under Submission' };
  return { disposition: DB_DISP_ISSUED, template, message: 'Issued' };
}
