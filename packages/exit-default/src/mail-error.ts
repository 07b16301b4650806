import {
  CDO_E_FAILED_TO_CONNECT,
  CDO_E_LOGON_FAILURE,
  CDO_E_SMTP_SEND_FAILED,
  E_INVALIDARG,
  HRESULT_BAD_CONFIGURATION,
} from '@certexit/core';
import type { DefaultExitErrorOptions } from './default-exit-error';
import { DefaultExitError, hasErrorMarker } from './default-exit-error';

const _name = 'CertexitMailError';
const _symbol = Symbol.for(`certexit.error.${_name}`);

/** Why an e-mail notification was not sent. */
export const MAIL_ERROR_CODES = {
  /** The SMTP settings cannot be used (no credentials, unreadable CA or password file). */
  CONFIGURATION: 'CONFIGURATION',
  /** No valid recipient: `To` is empty and the requester has no usable address. */
  NO_RECIPIENT: 'NO_RECIPIENT',
  /** The server refused, could not be reached, failed TLS verification or authentication. */
  SEND_FAILED: 'SEND_FAILED',
} as const;
export type MailErrorCode = (typeof MAIL_ERROR_CODES)[keyof typeof MAIL_ERROR_CODES];

/** HRESULTs of {@link MailError}. */
export const MAIL_HRESULTS = {
  /** `HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION)`. */
  BAD_CONFIGURATION: HRESULT_BAD_CONFIGURATION,
  /** `HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER)`, which is `E_INVALIDARG`: no usable recipient. */
  INVALID_PARAMETER: E_INVALIDARG,
  /** `CDO_E_FAILED_TO_CONNECT` (0x80040213), what the Windows module's CDO reports for an unreachable server. */
  FAILED_TO_CONNECT: CDO_E_FAILED_TO_CONNECT,
  /** `CDO_E_SMTP_SEND_FAILED` (0x8004020F). */
  SEND_FAILED: CDO_E_SMTP_SEND_FAILED,
  /** `CDO_E_LOGON_FAILURE` (0x80040217): authentication refused. */
  LOGON_FAILURE: CDO_E_LOGON_FAILURE,
} as const;

/**
 * An e-mail notification could not be sent. The message reads like the Windows module's event-46 text:
 * "The Certification Authority was unable to send an email notification for EXITEVENT_… to <recipient>: <reason>".
 * It never contains the SMTP password.
 */
export class MailError extends DefaultExitError<MailErrorCode> {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker isInstance reads through the symbol
  private readonly [_symbol] = true;

  constructor(options: DefaultExitErrorOptions<MailErrorCode>) {
    super(_name, options, false);
  }

  static override isInstance(error: unknown): error is MailError {
    return hasErrorMarker(error, _symbol);
  }
}
