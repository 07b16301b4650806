import { EXITEVENT_CERTISSUED } from '@certexit/core';
import type { CaStoreTransaction } from '../store/ca-store';
import type { IssuedCertificate } from './build-issued-certificate';

/**
 * Stores a certificate built for a request, with its extension list, and records `EXITEVENT_CERTISSUED`, inside the
 * caller's transaction. Building and signing happen before the transaction opens, so it holds the writer only for
 * the row writes.
 */
export async function recordIssuedCertificate(
  tx: CaStoreTransaction,
  requestId: number,
  issued: IssuedCertificate,
): Promise<void> {
  await tx.insertCertificate({ ...issued.row, RequestID: requestId });
  await tx.setExtensions(requestId, issued.extensions);
  await tx.recordExitEvent(EXITEVENT_CERTISSUED, requestId);
}
