import { CertexitError, FAILED, hresultName } from '@certexit/core';
import { CommanderError } from 'commander';

/** An error as `--json` prints it: what kind, the HRESULT where there is one, and the message. */
export interface CliErrorReport {
  /** The HRESULT's name (`CERTSRV_E_NO_REQUEST`), a system error code (`ENOENT`), `usage` or `error`. */
  error: string;
  /** Unsigned 32-bit HRESULT, when the error carries one. */
  hresult?: number;
  message: string;
}

/** Describes anything a command threw, for one line of text or one JSON object. */
export function cliErrorReport(error: unknown): CliErrorReport {
  if (error instanceof CommanderError) return { error: 'usage', message: error.message.replace(/^error:\s*/i, '') };
  const hresult = _hresultOf(error);
  if (CertexitError.isInstance(error)) return { error: hresultName(error.hresult), hresult, message: error.reason };
  const message = error instanceof Error ? error.message : String(error);
  if (hresult !== undefined) return { error: hresultName(hresult), hresult, message };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return { error: typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : 'error', message };
}

/** The error as one line for people: `certexit: <message> (<HRESULT name>)`. */
export function cliErrorLine(report: CliErrorReport): string {
  return `certexit: ${report.message}${report.hresult !== undefined ? ` (${report.error})` : ''}`;
}

function _hresultOf(error: unknown): number | undefined {
  const hr = (error as { hresult?: unknown } | undefined)?.hresult;
  return typeof hr === 'number' && FAILED(hr) ? hr >>> 0 : undefined;
}
