import { DB_DISP_ISSUED, EXITEVENT_CERTISSUED } from '@certexit/core';
import type { CaStoreTransaction } from '../store/ca-store';
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
  rawRequest: Uint8Array,
  now: Date,
): Promise<Uint8Array> {
  const request = await parseCertificationRequest(rawRequest);
  const row = await engine.ca.store.getRequest(requestId);
  const template = engine.ca.templates.find((t) => t.name === row?.CertificateTemplate);
  const built = await buildIssuedCertificate(engine.ca, request, template, requestId, now);
  await tx.insertCertificate(built.row);
  await tx.setExtensions(requestId, built.extensions);
  await tx.updateRequest(requestId, {
    Disposition: DB_DISP_ISSUED,
    ResolvedWhen: now,
    DispositionMessage: 'Issued',
    StatusCode: 0,
  });
  await tx.recordExitEvent(EXITEVENT_CERTISSUED, requestId);
  return built.row.RawCertificate;
}
