import {
  CERTSRV_E_UNSUPPORTED_CERT_TYPE,
  DISP_E_BADPARAMCOUNT,
  DISP_E_MEMBERNOTFOUND,
  DISP_E_TYPEMISMATCH,
  DISP_E_UNKNOWNNAME,
  E_ACCESSDENIED,
  E_INVALIDARG,
  E_NOINTERFACE,
  E_NOTIMPL,
  HRESULT_BAD_CONFIGURATION,
  HRESULT_DS_CONSTRAINT_VIOLATION,
  HRESULT_DS_INSUFF_ACCESS_RIGHTS,
  HRESULT_DS_NO_SUCH_OBJECT,
  HRESULT_DS_OBJ_NOT_FOUND,
  HRESULT_DS_STRONG_AUTH_REQUIRED,
  HRESULT_INVALID_NAME,
  HRESULT_LOGON_FAILURE,
  HRESULT_NO_SUCH_USER,
  hresultName,
  SEC_E_UNTRUSTED_ROOT,
} from '../constants/hresults';

/**
 * Whether trying a failed call again can help: `transient` failures (a server down, a timeout, a full disk) back
 * off and are tried again; `permanent` ones (access denied, a path refused by policy, an account that does not
 * exist, a configuration that cannot be used) fail the same way until someone changes something, so the host
 * dead-letters them at once.
 */
export type ExitFailureKind = 'permanent' | 'transient';

/** What {@link classifyExitFailure} decided, and why (for the dead letter and the log). */
export interface ExitFailureClass {
  readonly kind: ExitFailureKind;
  readonly reason: string;
}

/**
 * HRESULTs that mean "the same call fails again until someone changes something". A module that does not say
 * otherwise (see {@link classifyExitFailure}) and fails with one of them is dead-lettered at once. Any other failure
 * HRESULT is transient.
 */
export const PERMANENT_FAILURE_HRESULTS: ReadonlySet<number> = new Set([
  E_ACCESSDENIED,
  E_INVALIDARG, // also HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER)
  E_NOTIMPL,
  E_NOINTERFACE,
  HRESULT_BAD_CONFIGURATION,
  HRESULT_NO_SUCH_USER,
  HRESULT_INVALID_NAME,
  HRESULT_LOGON_FAILURE, // a wrong password stays wrong
  HRESULT_DS_OBJ_NOT_FOUND,
  HRESULT_DS_NO_SUCH_OBJECT,
  HRESULT_DS_INSUFF_ACCESS_RIGHTS,
  HRESULT_DS_STRONG_AUTH_REQUIRED,
  HRESULT_DS_CONSTRAINT_VIOLATION,
  SEC_E_UNTRUSTED_ROOT, // the server's certificate will not verify on a retry either
  CERTSRV_E_UNSUPPORTED_CERT_TYPE,
  DISP_E_UNKNOWNNAME,
  DISP_E_MEMBERNOTFOUND,
  DISP_E_TYPEMISMATCH,
  DISP_E_BADPARAMCOUNT,
]);

/**
 * The rule every host applies to a failed `Notify`, and what module authors rely on:
 *
 * 1. A thrown value that says so decides: `isRetryable: false` (a `CertexitError` built with it, or any error object
 *    carrying the property) is **permanent**; `isRetryable: true` is **transient**.
 * 2. Otherwise the HRESULT decides (what a module in any language returns or raises as `scode`): one of
 *    {@link PERMANENT_FAILURE_HRESULTS} is **permanent**, any other failure is **transient**.
 *
 * Permanent failures are dead-lettered at once with the reason and do not count towards the module's circuit
 * breaker; transient ones are retried with backoff until `MaxAttempts`. Pure: no state.
 *
 * @example
 * ```ts
 * throw new CertexitError({ hresult: E_ACCESSDENIED, message: 'the share refused the write', isRetryable: false });
 * ```
 */
export function classifyExitFailure(error: unknown, hresult: number): ExitFailureClass {
  const said =
    typeof error === 'object' && error !== null ? (error as { isRetryable?: unknown }).isRetryable : undefined;
  if (said === false) return { kind: 'permanent', reason: 'the module said retrying cannot help (isRetryable: false)' };
  if (said === true) return { kind: 'transient', reason: 'the module said retrying may help (isRetryable: true)' };
  if (PERMANENT_FAILURE_HRESULTS.has(hresult >>> 0)) {
    return { kind: 'permanent', reason: `${hresultName(hresult)} fails the same way until something is changed` };
  }
  return { kind: 'transient', reason: `${hresultName(hresult)} may pass on a later attempt` };
}
