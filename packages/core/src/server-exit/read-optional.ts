import { CERTSRV_E_PROPERTY_EMPTY, sameHResult } from '../constants/hresults';
import { CertexitError } from '../errors/certexit-error';
import type { MaybePromise } from '../interfaces/maybe-promise';

/**
 * Reads a property or attribute that may be empty: `CERTSRV_E_PROPERTY_EMPTY` becomes `undefined` ("absent", as
 * the SDK sample treats it); every other failure is rethrown.
 * @example const certFile = await readOptional(() => server.GetRequestAttribute('CertFile'));
 */
export async function readOptional<T>(read: () => MaybePromise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (sameHResult(CertexitError.hresultOf(error), CERTSRV_E_PROPERTY_EMPTY)) return undefined;
    throw error;
  }
}
