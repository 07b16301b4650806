import { CertexitError, E_FAIL, HRESULT_OPERATION_ABORTED, HRESULT_TIMEOUT } from '@certexit/core';
import { COMMAND_PROGID } from './command-constants';
import type { ProgramResult } from './run-program';

/** Which exit codes mean what. */
export interface ExitCodePolicy {
  readonly success: ReadonlySet<number>;
  readonly transient: ReadonlySet<number>;
}

/**
 * What a finished run means for the notification, by this table (documented in the README):
 *
 * | How the program ended                       | Outcome                          |
 * | ------------------------------------------- | -------------------------------- |
 * | an exit code of `SuccessExitCodes` (0)      | success                          |
 * | an exit code of `TransientExitCodes` (75)   | transient: the host retries      |
 * | any other exit code                         | permanent: dead-lettered at once |
 * | killed after `TimeoutMs`                    | transient (`ERROR_TIMEOUT`)      |
 * | killed by a signal it did not get from us   | transient (a crash, the OOM killer) |
 * | killed because the host stopped             | transient (`ERROR_OPERATION_ABORTED`) |
 *
 * Output on stderr never fails a run (EJBCA's script publisher can fail on it; here it is only logged).
 * @returns `undefined` for success, else the error to throw.
 */
export function exitCodeOutcome(
  result: ProgramResult,
  policy: ExitCodePolicy,
  program: string,
): CertexitError | undefined {
  const fail = (hresult: number, isRetryable: boolean, what: string) =>
    new CertexitError({
      hresult,
      isRetryable,
      source: COMMAND_PROGID,
      message: `${program} ${what}${_tail(result)}`,
    });
  if (result.timedOut)
    return fail(HRESULT_TIMEOUT, true, `ran longer than ${result.durationMs} ms and was killed with its process group`);
  if (result.aborted)
    return fail(HRESULT_OPERATION_ABORTED, true, 'was killed with its process group: the host is stopping');
  if (result.exitCode === null) return fail(E_FAIL, true, `was killed by ${result.signal ?? 'a signal'}`);
  if (policy.success.has(result.exitCode)) return undefined;
  if (policy.transient.has(result.exitCode))
    return fail(E_FAIL, true, `exited with ${result.exitCode} (transient: retried)`);
  return fail(E_FAIL, false, `exited with ${result.exitCode} (permanent)`);
}

/** The end of what it said on stderr, for the failure's message. */
function _tail(result: ProgramResult): string {
  const text = result.stderr.text.trim();
  if (text === '') return '';
  return `; stderr: ${text.length > 400 ? `…${text.slice(-400)}` : text}`;
}
