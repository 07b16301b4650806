import { DB_DISP_DENIED, DB_DISP_ERROR, DB_DISP_QUEUE_MAX, DB_DISP_REVOKED } from '@certexit/core';

/**
 * What `certexit` exits with (docs/cli.md lists them). The request verbs that ask for a certificate (`submit`,
 * `retrieve`, `resubmit`) exit with their request's outcome, so a script can tell issued from denied, failed and
 * pending without parsing the output.
 */
export const CLI_EXIT_CODES = {
  /** The command did what it was asked; for the request verbs, a certificate was issued. */
  OK: 0,
  /** The command did not run: a bad command line, a missing file, no CA, an engine error (printed). */
  ERROR: 1,
  /** The request was denied (`DB_DISP_DENIED`). */
  DENIED: 2,
  /** The request failed (`DB_DISP_ERROR`: it could not be parsed, verified or processed). */
  FAILED: 3,
  /** The request is pending: taken under submission, waiting for an officer (`DB_DISP_PENDING`). */
  PENDING: 4,
  /** The certificate was issued and has since been revoked (`retrieve`; `verify`: a certificate of the chain is revoked). */
  REVOKED: 5,
  /** `verify`: the certificate does not verify (no trusted chain, a bad signature, expired, or revocation unknown). */
  NOT_VERIFIED: 6,
} as const;

/** The exit code of a request verb for a request's `Disposition`. */
export function exitCodeOfDisposition(disposition: number): number {
  if (disposition <= DB_DISP_QUEUE_MAX) return CLI_EXIT_CODES.PENDING;
  if (disposition === DB_DISP_DENIED) return CLI_EXIT_CODES.DENIED;
  if (disposition === DB_DISP_ERROR) return CLI_EXIT_CODES.FAILED;
  if (disposition === DB_DISP_REVOKED) return CLI_EXIT_CODES.REVOKED;
  return CLI_EXIT_CODES.OK;
}
