import { E_FAIL, HRESULT_TIMEOUT, SEC_E_UNTRUSTED_ROOT } from '../constants/hresults';
import { CertexitError } from './certexit-error';

// Node's TLS verification failures: the peer's certificate will not verify on a retry either.
const _TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A module's failure to reach a server over TCP or TLS, as the host's retry needs it: a certificate that does not
 * verify is permanent (`SEC_E_UNTRUSTED_ROOT`, naming `CAFile`), anything else (refused, reset, timed out) transient.
 * @param where what was being reached, e.g. `endpoint "siem" (https://siem.example/hook)`; it starts the message
 * @param error the socket's or request's `error` event
 * @example socket.on('error', (error) => reject(connectionError(`syslog ${host}:${port}`, error)))
 */
export function connectionError(where: string, error: NodeJS.ErrnoException): CertexitError {
  const code = error.code ?? '';
  if (_TLS_VERIFY_CODES.has(code)) {
    return new CertexitError({
      hresult: SEC_E_UNTRUSTED_ROOT,
      message: `${where}: the server's TLS certificate does not verify (${code}: ${error.message}); trust its CA with CAFile`,
      isRetryable: false,
      cause: error,
    });
  }
  return new CertexitError({
    hresult: code === 'ETIMEDOUT' ? HRESULT_TIMEOUT : E_FAIL,
    message: `${where}: ${code ? `${code} ` : ''}${error.message}`,
    isRetryable: true,
    cause: error,
  });
}
