import {
  CERTSRV_E_NO_REQUEST,
  CertexitError,
  DB_DISP_ISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
} from '@certexit/core';
import type { EngineServices } from './engine-services';
import type { RequestOutcome } from './request-outcome';

/**
 * Retrieves a request's outcome and certificate (`certreq -retrieve`, `ICertRequest::RetrievePending`). AD CS
 * documents `EXITEVENT_CERTRETRIEVEPENDING` as "a client successfully retrieved a formerly pending request" (observers
 * report it is rarely seen). certexit raises it the first time a formerly pending, now issued request is retrieved,
 * and never again for that request: the requester picking up the certificate is one fact, and a requester who GETs
 * the request again and again must not be able to flood every module with notifications. The check and the event
 * share one transaction, so two retrievals at once raise it once.
 * With `requesterName`, only that requester's requests are found (others answer "no such request").
 */
export async function retrieveRequest(
  engine: EngineServices,
  requestId: number,
  options: { requesterName?: string } = {},
): Promise<RequestOutcome> {
  const row = await engine.ca.store.getRequest(requestId);
  if (
    !row ||
    (options.requesterName !== undefined && row.RequesterName?.toLowerCase() !== options.requesterName.toLowerCase())
  ) {
    throw new CertexitError({ hresult: CERTSRV_E_NO_REQUEST, message: `request ${requestId} does not exist` });
  }
  const formerlyPending =
    row.Disposition === DB_DISP_ISSUED && (await engine.ca.store.hasExitEvent(EXITEVENT_CERTPENDING, requestId));
  if (!formerlyPending) return engine.describe(requestId, []);
  // Cheap first look outside the write lock: after the first retrieval, a GET takes no transaction at all.
  if (await engine.ca.store.hasExitEvent(EXITEVENT_CERTRETRIEVEPENDING, requestId))
    return engine.describe(requestId, []);
  const raised = await engine.ca.store.transaction(async (tx) => {
    if (await tx.hasExitEvent(EXITEVENT_CERTRETRIEVEPENDING, requestId)) return false;
    await tx.recordExitEvent(EXITEVENT_CERTRETRIEVEPENDING, requestId);
    return true;
  });
  if (!raised) return engine.describe(requestId, []);
  return engine.describe(requestId, await engine.deliver(EXITEVENT_CERTRETRIEVEPENDING, requestId));
}
