import type { DirectoryErrorCode } from './directory-error';
import { DIRECTORY_ERROR_CODES, DIRECTORY_HRESULTS, DirectoryError } from './directory-error';

/** Node's codes for a certificate that does not verify (chain, validity, host name). */
const _TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const _UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

/** Why a server could not be used while connecting, binding or starting TLS: the code, HRESULT and reason. */
export function classifyConnectFailure(
  error: unknown,
  phase: 'connect' | 'starttls' | 'bind',
  bindDN: string | undefined,
): { code: DirectoryErrorCode; hresult: number; text: string } {
  const code = errorCode(error);
  if (code === 'ABORT_ERR')
    return { code: DIRECTORY_ERROR_CODES.ABORTED, hresult: DIRECTORY_HRESULTS.OPERATION_ABORTED, text: 'aborted' };
  if (code !== undefined && _TLS_VERIFY_CODES.has(code)) {
    return {
      code: DIRECTORY_ERROR_CODES.TLS_VERIFICATION_FAILED,
      hresult: DIRECTORY_HRESULTS.UNTRUSTED_ROOT,
      text: `TLS certificate verification failed (${code}: ${reason(error)}); check LdapCAFile and the server name`,
    };
  }
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(reason(error))) {
    return {
      code: DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE,
      hresult: DIRECTORY_HRESULTS.SERVER_DOWN,
      text: `no answer during ${phase} (${reason(error)})`,
    };
  }
  const sslCode = code?.startsWith('ERR_SSL_') === true || code?.startsWith('ERR_TLS_') === true;
  if (sslCode || (phase === 'starttls' && code === undefined && ldapCode(error) === undefined)) {
    return {
      code: DIRECTORY_ERROR_CODES.TLS_VERIFICATION_FAILED,
      hresult: DIRECTORY_HRESULTS.UNTRUSTED_ROOT,
      text: `TLS handshake failed (${code ?? 'TLS'}: ${reason(error)})`,
    };
  }
  if (code !== undefined && _UNREACHABLE_CODES.has(code)) {
    return {
      code: DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE,
      hresult: DIRECTORY_HRESULTS.SERVER_DOWN,
      text: `cannot connect (${code}: ${reason(error)})`,
    };
  }
  const ldap = ldapCode(error);
  if (phase === 'starttls' && ldap !== undefined) {
    return {
      code: DIRECTORY_ERROR_CODES.TLS_VERIFICATION_FAILED,
      hresult: ldapHResult(ldap),
      text: `StartTLS refused (LDAP ${ldap}: ${reason(error)})`,
    };
  }
  if (phase === 'bind' && ldap !== undefined) {
    return {
      code: DIRECTORY_ERROR_CODES.BIND_FAILED,
      hresult: ldap === 49 ? DIRECTORY_HRESULTS.LOGON_FAILURE : ldapHResult(ldap),
      text: `simple bind as ${bindDN || '(anonymous)'} failed (LDAP ${ldap}: ${reason(error)})`,
    };
  }
  return {
    code: DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE,
    hresult: DIRECTORY_HRESULTS.SERVER_DOWN,
    text: `${phase} failed (${code ? `${code}: ` : ''}${reason(error)})`,
  };
}

/** A failed operation on a bound connection as a {@link DirectoryError} naming the server and the DN. */
export function operationError(error: unknown, server: string, dn: string, what: string): DirectoryError {
  if (DirectoryError.isInstance(error)) return error;
  const code = errorCode(error);
  if (code === 'ABORT_ERR') {
    return new DirectoryError({
      code: DIRECTORY_ERROR_CODES.ABORTED,
      hresult: DIRECTORY_HRESULTS.OPERATION_ABORTED,
      server,
      dn,
      message: `${what} ${dn} on ${server} was aborted`,
      cause: error,
    });
  }
  const ldap = ldapCode(error);
  if (ldap === undefined && /timed? ?out/i.test(reason(error))) {
    return new DirectoryError({
      code: DIRECTORY_ERROR_CODES.TIMEOUT,
      hresult: DIRECTORY_HRESULTS.TIMEOUT,
      server,
      dn,
      message: `${what} ${dn} on ${server} timed out`,
      cause: error,
      isRetryable: true,
    });
  }
  return new DirectoryError({
    code: DIRECTORY_ERROR_CODES.OPERATION_FAILED,
    hresult: ldap === undefined ? DIRECTORY_HRESULTS.SERVER_DOWN : ldapHResult(ldap),
    server,
    dn,
    message: `${what} ${dn} on ${server} failed (${ldap === undefined ? (code ?? 'error') : `LDAP ${ldap}`}: ${reason(error)})`,
    cause: error,
    isRetryable: ldap === undefined || ldap === 51 || ldap === 52,
  });
}

/** The HRESULT Windows reports for an LDAP result code. */
export function ldapHResult(code: number): number {
  switch (code) {
    case 8:
    case 13:
      return DIRECTORY_HRESULTS.STRONG_AUTH_REQUIRED;
    case 19:
      return DIRECTORY_HRESULTS.CONSTRAINT_VIOLATION;
    case 32:
      return DIRECTORY_HRESULTS.NO_SUCH_OBJECT;
    case 49:
      return DIRECTORY_HRESULTS.LOGON_FAILURE;
    case 50:
      return DIRECTORY_HRESULTS.INSUFF_ACCESS_RIGHTS;
    case 51:
      return DIRECTORY_HRESULTS.BUSY;
    case 52:
      return DIRECTORY_HRESULTS.UNAVAILABLE;
    default:
      return DIRECTORY_HRESULTS.GENERIC;
  }
}

/** A `CONFIGURATION` failure of one server attempt. */
export function configFailure(text: string): { code: DirectoryErrorCode; hresult: number; text: string } {
  return { code: DIRECTORY_ERROR_CODES.CONFIGURATION, hresult: DIRECTORY_HRESULTS.BAD_CONFIGURATION, text };
}

/** A `CONFIGURATION` {@link DirectoryError}. */
export function configError(message: string, cause?: unknown): DirectoryError {
  return new DirectoryError({
    code: DIRECTORY_ERROR_CODES.CONFIGURATION,
    hresult: DIRECTORY_HRESULTS.BAD_CONFIGURATION,
    message,
    cause,
  });
}

/** Node's string error code (`ECONNREFUSED`, `ABORT_ERR`, a TLS code), else `undefined`. */
export function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The LDAP result code of an ldapts `ResultCodeError` (numeric `code`), else `undefined`. */
export function ldapCode(error: unknown): number | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/** An error's message on one line. */
export function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim();
}
