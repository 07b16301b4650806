import { DB_DISP_ISSUED, DB_DISP_PENDING } from '@certexit/core';
import { toPem } from '@certexit/x509';
import type { ParentCa } from '../ca/parent-ca';
import { PRINCIPALS } from '../policy/certexit-principals';
import type { CertificateAuthority } from './certificate-authority';

/**
 * A CA of this process as the parent of a subordinate CA: its request is submitted like any other (policy, template
 * `SubCA`, exit events), so an enterprise parent issues at once and a standalone one leaves it pending for a CA
 * manager. The request is the parent's administrator's (the process runs with the parent's keys), so the SubCA
 * template must be on the parent's list (`certexit catemplates +SubCA`). The parent's certificate is offered for verifying the chain; a parent that is itself a subordinate does
 * not know its own parents, so give `installCaCertificate` the whole chain in that case.
 */
export function localParentCa(
  authority: CertificateAuthority,
  options: { template?: string; requesterName?: string; requesterGroups?: readonly string[] } = {},
): ParentCa {
  return {
    name: `"${authority.ca.commonName}"`,
    certificates: [authority.ca.certificate.der],
    async submit(request) {
      const outcome = await authority.submit({
        request: toPem(request, 'CERTIFICATE REQUEST'),
        attributes: [`CertificateTemplate:${options.template ?? 'SubCA'}`],
        ...(options.requesterName && { requesterName: options.requesterName }),
        requesterGroups: options.requesterGroups ?? [PRINCIPALS.administrators],
      });
      if (outcome.disposition === DB_DISP_ISSUED && outcome.certificate) {
        return { status: 'issued', certificate: outcome.certificate, requestId: outcome.requestId };
      }
      if (outcome.disposition === DB_DISP_PENDING) {
        return { status: 'pending', requestId: outcome.requestId, message: outcome.message };
      }
      return { status: 'denied', requestId: outcome.requestId, message: outcome.message };
    },
  };
}
