import { exitEventName, hresultName } from '@certexit/core';
import type { DeliveryRecord, RequestOutcome, RequestRow } from '@certexit/engine';
import { dispositionText } from '@certexit/engine';
import { toPem } from '@certexit/x509';

/** The API's shape of an operation's outcome: the CLI's `--json` fields, with the certificate as PEM. */
export function outcomeJson(outcome: RequestOutcome): Record<string, unknown> {
  return {
    requestId: outcome.requestId,
    disposition: outcome.disposition,
    dispositionText: dispositionText(outcome.disposition),
    statusCode: outcome.statusCode,
    dispositionMessage: outcome.message,
    ...(outcome.serialNumber && { serialNumber: outcome.serialNumber }),
    ...(outcome.certificate && { certificate: toPem(outcome.certificate, 'CERTIFICATE') }),
    deliveries: outcome.deliveries.map(deliveryJson),
  };
}

/** What one exit module made of an event, by name: `{ event, module, hresult }`. */
export function deliveryJson(delivery: DeliveryRecord): { event: string; module: string; hresult: string } {
  return { event: exitEventName(delivery.event), module: delivery.progId, hresult: hresultName(delivery.hresult) };
}

/** A request row as the list shows it. */
export function requestSummaryJson(row: RequestRow, serialNumber?: string): Record<string, unknown> {
  return {
    requestId: row.RequestID,
    disposition: row.Disposition,
    dispositionText: dispositionText(row.Disposition),
    statusCode: row.StatusCode,
    dispositionMessage: row.DispositionMessage ?? '',
    ...(serialNumber && { serialNumber }),
    ...(row.RequesterName && { requesterName: row.RequesterName }),
    ...(row.CertificateTemplate && { certificateTemplate: row.CertificateTemplate }),
    submittedWhen: row.SubmittedWhen.toISOString(),
    ...(row.ResolvedWhen && { resolvedWhen: row.ResolvedWhen.toISOString() }),
    ...(row.RevokedWhen && { revokedWhen: row.RevokedWhen.toISOString() }),
    ...(row.RevokedEffectiveWhen && { revokedEffectiveWhen: row.RevokedEffectiveWhen.toISOString() }),
    ...(row.RevokedReason !== undefined && row.RevokedReason !== null && { revokedReason: row.RevokedReason }),
    ...(row.Officer && { officer: row.Officer }),
  };
}
