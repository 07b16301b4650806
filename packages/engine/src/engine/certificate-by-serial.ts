import { CERTSRV_E_NO_REQUEST, CertexitError, E_INVALIDARG } from '@certexit/core';
import type { RequestRow } from '../store/ca-store';
import type { EngineServices } from './engine-services';

/**
 * A serial number as an operator types it (certutil style: any case, spaces or colons between bytes, e.g.
 * `"61 00 00 00 05"` or `61:00:00:00:05`), as the database keeps it: lowercase hex of the INTEGER content octets.
 * Anything else is a clear `E_INVALIDARG` error.
 */
export function normalizeSerialNumber(text: string): string {
  const compact = text.trim().replace(/[\s:]/g, '').toLowerCase();
  if (compact === '' || !/^[0-9a-f]+$/.test(compact) || compact.length > 42) {
    throw new CertexitError({
      hresult: E_INVALIDARG,
      message: `${JSON.stringify(text)} is not a serial number: expected up to 20 bytes of hexadecimal digits, optionally separated by spaces or colons`,
    });
  }
  return compact.length % 2 === 1 ? `0${compact}` : compact;
}

/**
 * The request row of the certificate with this serial, or `CERTSRV_E_NO_REQUEST`. A serial typed without the
 * `00` sign byte the INTEGER carries (or with one it does not) still finds its certificate.
 */
export async function requestBySerial(
  engine: EngineServices,
  serialNumber: string,
): Promise<{ serialNumber: string; row: RequestRow }> {
  const serial = normalizeSerialNumber(serialNumber);
  const candidates = [serial];
  if (serial.startsWith('00')) candidates.push(serial.slice(2));
  else if (/^[89a-f]/.test(serial)) candidates.push(`00${serial}`);
  for (const candidate of candidates) {
    const id = await engine.ca.store.findRequestIdBySerial(candidate);
    const row = id === undefined ? undefined : await engine.ca.store.getRequest(id);
    if (row) return { serialNumber: candidate, row };
  }
  throw new CertexitError({
    hresult: CERTSRV_E_NO_REQUEST,
    message: `no certificate with serial number ${serial} is in the CA database`,
  });
}
