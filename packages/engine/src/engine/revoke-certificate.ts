import {
  CERTSRV_E_BAD_REQUESTSTATUS,
  CertexitError,
  CRL_REASON_CERTIFICATE_HOLD,
  CRL_REASON_REMOVE_FROM_CRL,
  DB_DISP_ISSUED,
  DB_DISP_REVOKED,
  E_INVALIDARG,
  EXITEVENT_CERTREVOKED,
} from '@certexit/core';
import { requestBySerial } from './certificate-by-serial';
import { crlReasonName } from './crl-reason-names';
import type { EngineServices } from './engine-services';
import { issuerKeyIndex } from './issuer-key-index';
import type { RequestOutcome } from './request-outcome';
import { defaultRequesterName } from './submit-request';

/** Options of {@link revokeCertificate}. */
export interface RevokeOptions {
  /** CRL reason code 0–6 (6, certificateHold, can be released later with unrevoke). 8 is unrevoke's. */
  reason: number;
  /**
   * When the revocation takes effect: the CRL entry's revocationDate, and the CRLs list it from then on.
   * @default now; for a certificate on hold made final, the hold's own date
   */
  effectiveWhen?: Date;
  /** Who revoked it, recorded in the disposition message. @default the process user, `HOST\user` */
  officer?: string;
}

/**
 * Revokes an issued certificate (`certutil -revoke`): `Disposition` becomes `DB_DISP_REVOKED` with `RevokedWhen`,
 * `RevokedEffectiveWhen` and `RevokedReason`, committed together with `EXITEVENT_CERTREVOKED`, which is delivered
 * after. A certificate on hold can be revoked again with a final reason; any other revoked certificate cannot.
 * @throws CertexitError `CERTSRV_E_NO_REQUEST` for an unknown serial, `CERTSRV_E_BAD_REQUESTSTATUS` for a request
 * that is not an issued certificate or is already revoked for good, `E_INVALIDARG` for a bad serial, reason or date.
 */
export async function revokeCertificate(
  engine: EngineServices,
  serialNumber: string,
  options: RevokeOptions,
): Promise<RequestOutcome> {
  const reason = _revocationReason(options.reason);
  const effectiveWhen = options.effectiveWhen === undefined ? undefined : _effectiveDate(options.effectiveWhen);
  const officer = options.officer ?? defaultRequesterName();
  const requestId = await engine.ca.store.transaction(async (tx) => {
    // Read inside the transaction: a concurrent revoke or unrevoke cannot slip in between check and write.
    const { serialNumber: serial, row } = await requestBySerial(engine, serialNumber);
    const wasOnHold = row.Disposition === DB_DISP_REVOKED && row.RevokedReason === CRL_REASON_CERTIFICATE_HOLD;
    if (row.Disposition === DB_DISP_REVOKED && !wasOnHold) {
      throw new CertexitError({
        hresult: CERTSRV_E_BAD_REQUESTSTATUS,
        message: `the certificate ${serial} is already revoked (${crlReasonName(row.RevokedReason)}); only a certificate on hold can be revoked again`,
      });
    }
    if (wasOnHold && reason === CRL_REASON_CERTIFICATE_HOLD) {
      throw new CertexitError({
        hresult: CERTSRV_E_BAD_REQUESTSTATUS,
        message: `the certificate ${serial} is already on hold (CertificateHold)`,
      });
    }
    if (row.Disposition !== DB_DISP_ISSUED && !wasOnHold) {
      throw new CertexitError({
        hresult: CERTSRV_E_BAD_REQUESTSTATUS,
        message: `request ${row.RequestID} (serial ${serial}) is not an issued certificate (disposition ${row.Disposition}); only issued certificates can be revoked`,
      });
    }
    const certificate = await engine.ca.store.getCertificate(row.RequestID);
    if (!certificate) {
      throw new CertexitError({
        hresult: CERTSRV_E_BAD_REQUESTSTATUS,
        message: `request ${row.RequestID} has no certificate to revoke`,
      });
    }
    const now = engine.now();
    await tx.updateRequest(row.RequestID, {
      Disposition: DB_DISP_REVOKED,
      RevokedWhen: now,
      RevokedEffectiveWhen: effectiveWhen ?? (wasOnHold ? (row.RevokedEffectiveWhen ?? now) : now),
      RevokedReason: reason,
      DispositionMessage: `Revoked by ${officer}`,
      crlKeyIndex: row.crlKeyIndex ?? (await issuerKeyIndex(engine.ca, certificate.RawCertificate)),
    });
    await tx.recordExitEvent(EXITEVENT_CERTREVOKED, row.RequestID);
    return row.RequestID;
  });
  return engine.describe(requestId, await engine.deliver(EXITEVENT_CERTREVOKED, requestId));
}

function _revocationReason(reason: number): number {
  if (reason === CRL_REASON_REMOVE_FROM_CRL) {
    throw new CertexitError({
      hresult: E_INVALIDARG,
      message: 'reason 8 (RemoveFromCRL) is not a revocation reason; release a certificate from hold with unrevoke',
    });
  }
  if (!Number.isInteger(reason) || reason < 0 || reason > 6) {
    throw new CertexitError({
      hresult: E_INVALIDARG,
      message: `${JSON.stringify(reason)} is not a revocation reason: use 0 to 6 (Unspecified, KeyCompromise, CACompromise, AffiliationChanged, Superseded, CessationOfOperation, CertificateHold)`,
    });
  }
  return reason;
}

function _effectiveDate(date: Date): Date {
  const year = date instanceof Date ? date.getUTCFullYear() : Number.NaN;
  if (!(year >= 1950 && year <= 9999)) {
    throw new CertexitError({
      hresult: E_INVALIDARG,
      message: `the effective date ${String(date)} is not a valid date between 1950 and 9999`,
    });
  }
  return date;
}
