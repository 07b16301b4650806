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
import { CertificateContentError, parseCertificationRequest } from '@certexit/x509';
import { refusalOfContent } from '../policy/content-refusal';
import { evaluateRequest } from '../policy/evaluate-request';
import type { PolicyRefusal } from '../policy/policy-refusal';
import type { RequestRow } from '../store/ca-store';
import type { IssuedCertificate } from './build-issued-certificate';
import { buildIssuedCertificate } from './build-issued-certificate';
import type { EngineServices } from './engine-services';
import { policyContextOf } from './policy-context';
import { recordIssuedCertificate } from './record-issued-certificate';
import { parseRequestAttributes } from './request-attributes';
import type { RequestOutcome } from './request-outcome';
import { defaultRequesterName } from './submit-request';

/**
 * Approves a pending request (`certutil -resubmit`): the policy runs again as a CA manager's approval (names from
 * the directory as they are now, the template still on the CA's list, the content checks), then the certificate is
 * issued and `EXITEVENT_CERTISSUED` raised. A request the policy now refuses is denied with its HRESULT instead.
 */
export async function resubmitRequest(
  engine: EngineServices,
  requestId: number,
  officer = defaultRequesterName(),
): Promise<RequestOutcome> {
  const { ca } = engine;
  const row = await pendingRow(engine, requestId);
  const now = engine.now();
  const request = await parseCertificationRequest(row.RawRequest!);
  const verdict = await evaluateRequest(
    policyContextOf(engine),
    {
      request,
      attributes: parseRequestAttributes(row.RequestAttributes ?? ''),
      requesterName: row.RequesterName ?? '',
      requesterGroups: [],
    },
    { approval: true },
  );
  let issued: IssuedCertificate | undefined;
  let refusal: PolicyRefusal | undefined;
  if (verdict.outcome === 'refuse') refusal = verdict.refusal;
  else {
    try {
      issued = await buildIssuedCertificate(ca, request, verdict.plan, now);
    } catch (error) {
      if (!(error instanceof CertificateContentError)) throw error;
      refusal = refusalOfContent(error);
    }
  }
  if (!issued) return refuseApproval(engine, requestId, officer, refusal!);
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

/** Records the policy's refusal of an approved request: denied (or failed) with its HRESULT, `EXITEVENT_CERTDENIED`. */
async function refuseApproval(
  engine: EngineServices,
  requestId: number,
  officer: string,
  refusal: PolicyRefusal,
): Promise<RequestOutcome> {
  await engine.ca.store.transaction(async (tx) => {
    await pendingRow(engine, requestId);
    await tx.updateRequest(requestId, {
      Disposition: refusal.disposition,
      DispositionMessage: refusal.message,
      StatusCode: refusal.statusCode,
      ResolvedWhen: engine.now(),
      Officer: officer,
    });
    await tx.recordExitEvent(EXITEVENT_CERTDENIED, requestId);
  });
  return engine.describe(requestId, await engine.deliver(EXITEVENT_CERTDENIED, requestId));
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
