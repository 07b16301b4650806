import {
  CERTSRV_E_BAD_REQUESTSTATUS,
  CertexitError,
  CRL_REASON_CERTIFICATE_HOLD,
  CRL_REASON_REMOVE_FROM_CRL,
  DB_DISP_ISSUED,
  DB_DISP_REVOKED,
  EXITEVENT_CERTREVOKED,
} from '@certexit/core';
import { requestBySerial } from './certificate-by-serial';
import { crlReasonName } from './crl-reason-names';
import type { EngineServices } from './engine-services';
import type { RequestOutcome } from './request-outcome';
import { defaultRequesterName } from './submit-request';

/**
 * Releases a certificate from hold (`certutil -revoke <serial> unrevoke`): `Disposition` returns to
 * `DB_DISP_ISSUED` and `EXITEVENT_CERTREVOKED` is raised, as AD CS does (modules tell the two apart by
 * `Disposition` and `RevokedReason`). What the next delta CRL needs to list the certificate as removeFromCRL stays:
 * `RevokedReason` becomes 8, `RevokedWhen` the release time, and `RevokedEffectiveWhen` keeps the hold's date.
 * @throws CertexitError `CERTSRV_E_NO_REQUEST` for an unknown serial, `CERTSRV_E_BAD_REQUESTSTATUS` when the
 * certificate is not on hold (naming the reason it has).
 */
export async function unrevokeCertificate(
  engine: EngineServices,
  serialNumber: string,
  officer = defaultRequesterName(),
): Promise<RequestOutcome> {
  const requestId = await engine.ca.store.transaction(async (tx) => {
    const { serialNumber: serial, row } = await requestBySerial(engine, serialNumber);
    if (row.Disposition !== DB_DISP_REVOKED) {
      throw new CertexitError({
        hresult: CERTSRV_E_BAD_REQUESTSTATUS,
        message: `the certificate ${serial} is not revoked (disposition ${row.Disposition}); only a certificate on hold can be unrevoked`,
      });
    }
    if (row.RevokedReason !== CRL_REASON_CERTIFICATE_HOLD) {
      throw new CertexitError({
        hresult: CERTSRV_E_BAD_REQUESTSTATUS,
        message: `the certificate ${serial} is revoked with reason ${String(row.RevokedReason)} (${crlReasonName(row.RevokedReason)}), not on hold (6, CertificateHold); only a certificate on hold can be unrevoked`,
      });
    }
    await tx.updateRequest(row.RequestID, {
      Disposition: DB_DISP_ISSUED,
      RevokedWhen: engine.now(),
      RevokedReason: CRL_REASON_REMOVE_FROM_CRL,
      DispositionMessage: `Released from hold by ${officer}`,
    });
    await tx.recordExitEvent(EXITEVENT_CERTREVOKED, row.RequestID);
    return row.RequestID;
  });
  return engine.describe(requestId, await engine.deliver(EXITEVENT_CERTREVOKED, requestId));
}
