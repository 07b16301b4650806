import type { MaybePromise } from '@certexit/core';
import { CERTSRV_E_PROPERTY_EMPTY, CertexitError } from '@certexit/core';

/**
 * Reads a property that may have no value: `CERTSRV_E_PROPERTY_EMPTY` becomes `undefined` (the samples treat it
 * as "absent", not as an error); every other failure propagates.
 *
 * @example const flags = (await readOptionalProperty(() => server.GetCertificateProperty('EnrollmentFlags', PROPTYPE_LONG))) ?? 0;
 */
export async function readOptionalProperty<T>(read: () => MaybePromise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (CertexitError.hresultOf(error) === CERTSRV_E_PROPERTY_EMPTY) return undefined;
    throw error;
  }
}
