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
 * Retrieves a request's outcome and certificate (`certreq -retrieve`, `ICertRequest::RetrievePending`). When a
 * formerly pending request has been issued, the retrieval raises `EXITEVENT_CERTRETRIEVEPENDING`, as documented
 * (observers report AD CS rarely sends it; certexit sends it every time such a request is retrieved).
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
  await engine.ca.store.transaction((tx) => tx.recordExitEvent(EXITEVENT_CERTRETRIEVEPENDING, requestId));
  return engine.describe(requestId, await engine.deliver(EXITEVENT_CERTRETRIEVEPENDING, requestId));
}
