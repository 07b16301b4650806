import type { PropertyValue } from '@certexit/core';
import { DB_DISP_ISSUED, EXITEVENT_CERTISSUED } from '@certexit/core';
import type { CertificateTemplate } from '../policy/certificate-template';
import type { CaStoreTransaction } from '../store/ca-store';
import type { ParsedCertificationRequest } from '../x509';
import { parseCertificationRequest } from '../x509';
import { buildIssuedCertificate } from './build-issued-certificate';
import type { EngineServices } from './engine-services';

/**
 * Builds, stores and records the certificate of a request inside the caller's transaction, together with its
 * `EXITEVENT_CERTISSUED`. The template is the one the policy recorded on the request.
 */
export async function issueForRequest(
  engine: EngineServices,
  tx: CaStoreTransaction,
  requestId: number,
  request: Uint8Array | ParsedCertificationRequest,
  now: Date,
  known?: { template: CertificateTemplate | undefined; requestName: Record<string, PropertyValue> },
): Promise<Uint8Array> {
  // The submission path hands over what it already parsed and decided; approval of a pending request re-reads it.
  const parsed = request instanceof Uint8Array ? await parseCertificationRequest(request) : request;
  let template = known?.template;
  if (!known) {
    const row = await engine.ca.store.getRequest(requestId);
    template = engine.ca.templates.find((t) => t.name === row?.CertificateTemplate);
  }
  const built = await buildIssuedCertificate(engine.ca, parsed, template, requestId, now, known?.requestName);
  await tx.insertCertificate(built.row);
  await tx.setExtensions(requestId, built.extensions);
  // A submission inserts its row already issued; only an approval changes a pending row.
  if (!known) {
    await tx.updateRequest(requestId, {
      Disposition: DB_DISP_ISSUED,
      ResolvedWhen: now,
      DispositionMessage: 'Issued',
      StatusCode: 0,
    });
  }
  await tx.recordExitEvent(EXITEVENT_CERTISSUED, requestId);
  return built.row.RawCertificate;
}
