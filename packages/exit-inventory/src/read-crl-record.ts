import type { ICertServerExit } from '@certexit/core';
import {
  CA_DISP_VALID,
  CertexitError,
  HRESULT_FILE_NOT_FOUND,
  PROPTYPE_BINARY,
  PROPTYPE_LONG,
  readOptional,
  sameHResult,
} from '@certexit/core';
import type { InventoryCrlEntry, InventoryCrlRecord, InventoryRecordBase } from './inventory-record';
import { withoutUndefined } from './without-undefined';

/**
 * Builds the record of `EXITEVENT_CRLISSUED` from CA-scope properties, following the SDK sample's loop: for each
 * CA certificate index it records `CRLState.N` and `CRLIndex.N`, and for indexes whose key still publishes CRLs
 * (`CA_DISP_VALID`) the sizes of `RawCRL.N` and `RawDeltaCRL.N`.
 * @throws the read error when `RawDeltaCRL.N` is missing (`HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)`) although
 *   delta CRLs are enabled: the sample treats that as a failure, not as "no delta".
 */
export async function readCrlRecord(server: ICertServerExit, base: InventoryRecordBase): Promise<InventoryCrlRecord> {
  const ca = <T extends number>(name: string, type: T) => readOptional(() => server.GetCertificateProperty(name, type));

  const certCount = await ca('CertCount', PROPTYPE_LONG);
  const deltaDisabled = await ca('fDeltaCRLsDisabled', PROPTYPE_LONG);
  const crls: InventoryCrlEntry[] = [];
  const count = certCount !== undefined && Number.isInteger(certCount) && certCount > 0 ? certCount : 0;
  for (let index = 0; index < count; index++) {
    const state = await ca(`CRLState.${index}`, PROPTYPE_LONG);
    const entry: { -readonly [K in keyof InventoryCrlEntry]: InventoryCrlEntry[K] } = {
      index,
      CRLState: state,
      CRLIndex: await ca(`CRLIndex.${index}`, PROPTYPE_LONG),
    };
    // Other states mean another certificate's key manages this CRL, or it is revoked/expired: nothing to size.
    if (state === CA_DISP_VALID) {
      entry.baseCrlBytes = (await ca(`RawCRL.${index}`, PROPTYPE_BINARY))?.length;
      try {
        entry.deltaCrlBytes = (await ca(`RawDeltaCRL.${index}`, PROPTYPE_BINARY))?.length;
      } catch (error) {
        if (!(sameHResult(CertexitError.hresultOf(error), HRESULT_FILE_NOT_FOUND) && deltaDisabled === 1)) throw error;
        entry.deltaCrlDisabled = true;
      }
    }
    crls.push(withoutUndefined(entry));
  }
  return withoutUndefined({ ...base, CertCount: certCount, fDeltaCRLsDisabled: deltaDisabled, crls });
}
