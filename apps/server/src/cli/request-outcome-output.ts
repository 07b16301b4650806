import { writeFileSync } from 'node:fs';
import { exitEventName, hresultName } from '@certexit/core';
import type { RequestOutcome } from '@certexit/engine';
import { dispositionText } from '@certexit/engine';
import { toPem } from '@certexit/x509';
import type { CliContext } from './cli-context';
import { exitCodeOfDisposition } from './cli-exit-codes';

/**
 * Prints a request's outcome as certreq does (and as one JSON object with `--json`), writing the certificate as
 * PEM when there is one and a file was named. With `exitWithDisposition` (submit, retrieve, resubmit) the command
 * exits with the request's outcome (`exitCodeOfDisposition`).
 */
export function printRequestOutcome(
  cli: CliContext,
  outcome: RequestOutcome,
  certOut: string | undefined,
  options: { exitWithDisposition?: boolean } = {},
): void {
  if (options.exitWithDisposition) cli.setExitCode(exitCodeOfDisposition(outcome.disposition));
  if (outcome.certificate && certOut) writeFileSync(certOut, toPem(outcome.certificate, 'CERTIFICATE'));
  cli.print(
    {
      requestId: outcome.requestId,
      disposition: outcome.disposition,
      statusCode: outcome.statusCode,
      dispositionMessage: outcome.message,
      ...(outcome.serialNumber && { serialNumber: outcome.serialNumber }),
      ...(outcome.certificate && certOut && { certificateFile: certOut }),
      deliveries: outcome.deliveries.map((d) => ({
        event: exitEventName(d.event),
        module: d.progId,
        hresult: hresultName(d.hresult),
      })),
    },
    [
      `RequestId: ${outcome.requestId}`,
      `${dispositionText(outcome.disposition)}: ${outcome.message}${outcome.statusCode ? ` (${hresultName(outcome.statusCode)})` : ''}`,
      ...(outcome.serialNumber ? [`SerialNumber: ${outcome.serialNumber}`] : []),
      ...outcome.deliveries.map(
        (d) => `  ${exitEventName(d.event)} -> ${d.progId}: ${hresultName(d.hresult)} (${d.ms.toFixed(1)} ms)`,
      ),
      ...(outcome.certificate && certOut ? [`Certificate written to ${certOut}`] : []),
    ],
  );
}

/** A positive whole number from the command line, or a clear error naming the argument. */
export function positiveInt(text: string, what: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1)
    throw new Error(`${what} must be a positive whole number, not ${JSON.stringify(text)}`);
  return Number(text);
}
