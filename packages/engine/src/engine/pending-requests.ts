import {
  CERTSRV_E_BAD_REQUESTSTATUS,
  CERTSRV_E_NO_REQUEST,
  CertexitError,
  DB_DISP_DENIED,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
} from '@certexit/core';
import { parseCertificationRequest } from '@certexit/x509';
import type { RequestRow } from '../store/ca-store';
import { buildIssuedCertificate } from './build-issued-certificate';
import type { EngineServices } from './engine-services';
import { recordIssuedCertificate } from './record-issued-certificate';
import type { RequestOutcome } from './request-outcome';
import { defaultRequesterName } from './submit-request';

/** Approves a pending request (`certutil -resubmit`): issues it and raises `EXITEVENT_CERTISSUED`. */
export async function resubmitRequest(
  engine: EngineServices,
  requestId: number,
  officer = defaultRequesterName(),
): Promise<RequestOutcome> {
  const { ca } = engine;
  const row = await pendingRow(engine, requestId);
  const now = engine.now();
  // Built before the transaction, with the template the policy recorded on the request.
  const template = ca.templates.find((t) => t.name === row.CertificateTemplate);
  const issued = await buildIssuedCertificate(ca, await parseCertificationRequest(row.RawRequest!), template, now);
  await ca.store.transaction(async (tx) => {
    // Still pending: a denial or another approval that committed meanwhile wins, and this certificate is dropped.
    await pendingRow(engine, requestId);
    await tx.updateRequest(requestId, {
      Disposition: DB_DISP_ISSUED,
      ResolvedWhen: now,
      StatusCode: 0,
      Officer: officer,
      DispositionMessage: `Resubmitted by ${officer}`,
    });
    await recordIssuedCertificate(tx, requestId, issued);
  });
  return engine.describe(requestId, await engine.deliver(EXITEVENT_CERTISSUED, requestId));
}

/** Denies a pending request (`certutil -deny`) and raises `EXITEVENT_CERTDENIED`. */
export async function denyRequest(
  engine: EngineServices,
  requestId: number,
  officer = defaultRequesterName(),
): Promise<RequestOutcome> {
  await engine.ca.store.transaction(async (tx) => {
    await pendingRow(engine, requestId);
    await tx.updateRequest(requestId, {
      Disposition: DB_DISP_DENIED,
      DispositionMessage: `Denied by ${officer}`,
      StatusCode: CERTSRV_E_BAD_REQUESTSTATUS | 0,
      ResolvedWhen: engine.now(),
      Officer: officer,
    });
    await tx.recordExitEvent(EXITEVENT_CERTDENIED, requestId);
  });
  return engine.describe(requestId, await engine.deliver(EXITEVENT_CERTDENIED, requestId));
}

/** The row of a request that must be pending, or a clear error. */
export async function pendingRow(engine: EngineServices, requestId: number): Promise<RequestRow> {
  const row = await engine.ca.store.getRequest(requestId);
  if (!row) throw new CertexitError({ hresult: CERTSRV_E_NO_REQUEST, message: `request ${requestId} does not exist` });
  if (row.Disposition !== DB_DISP_PENDING || !row.RawRequest) {
    throw new CertexitError({
      hresult: CERTSRV_E_BAD_REQUESTSTATUS,
      message: `request ${requestId} is not pending (disposition ${row.Disposition})`,
    });
  }
  return row;
}
