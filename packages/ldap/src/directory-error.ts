import {
  CertexitError,
  HRESULT_BAD_CONFIGURATION,
  HRESULT_DS_BUSY,
  HRESULT_DS_CONSTRAINT_VIOLATION,
  HRESULT_DS_GENERIC_ERROR,
  HRESULT_DS_INSUFF_ACCESS_RIGHTS,
  HRESULT_DS_NO_SUCH_OBJECT,
  HRESULT_DS_OBJ_NOT_FOUND,
  HRESULT_DS_SERVER_DOWN,
  HRESULT_DS_STRONG_AUTH_REQUIRED,
  HRESULT_DS_UNAVAILABLE,
  HRESULT_LOGON_FAILURE,
  HRESULT_OPERATION_ABORTED,
  HRESULT_TIMEOUT,
  SEC_E_UNTRUSTED_ROOT,
} from '@certexit/core';

const _name = 'CertexitDirectoryError';
const _symbol = Symbol.for(`certexit.error.${_name}`);

/** What went wrong while publishing to the directory; one code per failure family. */
export const DIRECTORY_ERROR_CODES = {
  /** The module's directory configuration cannot be used (no DomainDN, unreadable password or CA file, and so on). */
  CONFIGURATION: 'CONFIGURATION',
  /** No server of `LdapServers` could be reached (refused, unreachable, timed out). */
  SERVER_UNREACHABLE: 'SERVER_UNREACHABLE',
  /** The server's TLS certificate did not verify against `LdapCAFile` (or the system CAs), or the handshake failed. */
  TLS_VERIFICATION_FAILED: 'TLS_VERIFICATION_FAILED',
  /** The simple bind was refused (wrong DN or password, account disabled). */
  BIND_FAILED: 'BIND_FAILED',
  /** The request names no requester, or no directory object matches it. */
  ACCOUNT_NOT_FOUND: 'ACCOUNT_NOT_FOUND',
  /** More than one directory object matches the requester. */
  ACCOUNT_AMBIGUOUS: 'ACCOUNT_AMBIGUOUS',
  /** A search or modify failed on a bound connection (insufficient rights, constraint violation, and so on). */
  OPERATION_FAILED: 'OPERATION_FAILED',
  /** An operation did not answer within `LdapTimeoutMs`. */
  TIMEOUT: 'TIMEOUT',
  /** The host stopped while the module was talking to the directory. */
  ABORTED: 'ABORTED',
} as const;
export type DirectoryErrorCode = (typeof DIRECTORY_ERROR_CODES)[keyof typeof DIRECTORY_ERROR_CODES];

/**
 * Whether retrying can help, by code, when the thrower does not say: a directory that is down, slow or stopping may
 * answer later; a configuration, a certificate chain, a password or an account that is wrong stays wrong until an
 * administrator changes something (the host dead-letters those at once). `OPERATION_FAILED` depends on the LDAP
 * result code and is always said explicitly.
 */
export const DIRECTORY_ERROR_RETRYABLE: Readonly<Record<DirectoryErrorCode, boolean>> = {
  CONFIGURATION: false,
  SERVER_UNREACHABLE: true,
  TLS_VERIFICATION_FAILED: false,
  BIND_FAILED: false,
  ACCOUNT_NOT_FOUND: false,
  ACCOUNT_AMBIGUOUS: false,
  OPERATION_FAILED: false,
  TIMEOUT: true,
  ABORTED: true,
};

/**
 * HRESULTs the directory publisher reports, chosen to match what the Windows LDAP client and SChannel report
 * for the same failure (so event-46 texts read the same).
 */
export const DIRECTORY_HRESULTS = {
  /** `HRESULT_FROM_WIN32(ERROR_DS_SERVER_DOWN)`: "The server is not operational." */
  SERVER_DOWN: HRESULT_DS_SERVER_DOWN,
  /** `SEC_E_UNTRUSTED_ROOT`: "The certificate chain was issued by an authority that is not trusted." */
  UNTRUSTED_ROOT: SEC_E_UNTRUSTED_ROOT,
  /** `HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE)`: "The user name or password is incorrect." */
  LOGON_FAILURE: HRESULT_LOGON_FAILURE,
  /** `HRESULT_FROM_WIN32(ERROR_DS_OBJ_NOT_FOUND)`: "Directory object not found." */
  OBJ_NOT_FOUND: HRESULT_DS_OBJ_NOT_FOUND,
  /** `HRESULT_FROM_WIN32(ERROR_DS_NO_SUCH_OBJECT)`: LDAP noSuchObject (32). */
  NO_SUCH_OBJECT: HRESULT_DS_NO_SUCH_OBJECT,
  /** `HRESULT_FROM_WIN32(ERROR_DS_INSUFF_ACCESS_RIGHTS)`: LDAP insufficientAccessRights (50). */
  INSUFF_ACCESS_RIGHTS: HRESULT_DS_INSUFF_ACCESS_RIGHTS,
  /** `HRESULT_FROM_WIN32(ERROR_DS_STRONG_AUTH_REQUIRED)`: LDAP strongAuthRequired (8). */
  STRONG_AUTH_REQUIRED: HRESULT_DS_STRONG_AUTH_REQUIRED,
  /** `HRESULT_FROM_WIN32(ERROR_DS_CONSTRAINT_VIOLATION)`: LDAP constraintViolation (19). */
  CONSTRAINT_VIOLATION: HRESULT_DS_CONSTRAINT_VIOLATION,
  /** `HRESULT_FROM_WIN32(ERROR_DS_BUSY)`: LDAP busy (51). */
  BUSY: HRESULT_DS_BUSY,
  /** `HRESULT_FROM_WIN32(ERROR_DS_UNAVAILABLE)`: LDAP unavailable (52). */
  UNAVAILABLE: HRESULT_DS_UNAVAILABLE,
  /** `HRESULT_FROM_WIN32(ERROR_DS_GENERIC_ERROR)`: any other LDAP failure. */
  GENERIC: HRESULT_DS_GENERIC_ERROR,
  /** `HRESULT_FROM_WIN32(ERROR_TIMEOUT)`. */
  TIMEOUT: HRESULT_TIMEOUT,
  /** `HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION)`. */
  BAD_CONFIGURATION: HRESULT_BAD_CONFIGURATION,
  /** `HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED)`. */
  OPERATION_ABORTED: HRESULT_OPERATION_ABORTED,
} as const;

/**
 * A failure to publish to the directory. The message names the requester, the DN and the server where known;
 * it never contains the bind password or certificate bytes.
 *
 * @example
 * ```ts
 * if (DirectoryError.isInstance(error) && error.code === DIRECTORY_ERROR_CODES.ACCOUNT_NOT_FOUND) { … }
 * ```
 */
export class DirectoryError extends CertexitError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker isInstance reads through the symbol
  private readonly [_symbol] = true;
  readonly code: DirectoryErrorCode;
  /** The server (URL) the failure happened on, when one was involved. */
  readonly server: string | undefined;
  /** The DN concerned (search base or target object), when known. */
  readonly dn: string | undefined;
  /** The message without the `[certexit] [ldap]` prefix and HRESULT suffix, for wrapping. */
  readonly detail: string;

  constructor(options: {
    code: DirectoryErrorCode;
    message: string;
    hresult: number;
    server?: string;
    dn?: string;
    cause?: unknown;
    isRetryable?: boolean;
  }) {
    super({
      hresult: options.hresult,
      message: options.message,
      source: 'ldap',
      cause: options.cause,
      isRetryable: options.isRetryable ?? DIRECTORY_ERROR_RETRYABLE[options.code],
    });
    this.name = _name;
    this.code = options.code;
    this.server = options.server;
    this.dn = options.dn;
    this.detail = options.message;
  }

  static override isInstance(error: unknown): error is DirectoryError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[_symbol] === true;
  }
}
