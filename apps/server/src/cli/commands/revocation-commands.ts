import { exitEventName, hresultName } from '@certexit/core';
import type { CrlPublication } from '@certexit/engine';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { parseCrlReasonArgument } from '../crl-reason-argument';
import { printRequestOutcome } from '../request-outcome-output';

/** `revoke`, `unrevoke` and `crl`: certutil -revoke and certutil -crl. */
export function registerRevocationCommands(program: Command, cli: CliContext): void {
  program
    .command('revoke')
    .description('revoke a certificate, like certutil -revoke')
    .argument('<SerialNumber>', 'hex, any case; spaces or colons between bytes are fine')
    .argument(
      '[reason]',
      'a number or name: 0 Unspecified, 1 KeyCompromise, 2 CACompromise, 3 AffiliationChanged, 4 Superseded, 5 CessationOfOperation, 6 CertificateHold',
      'Unspecified',
    )
    .option('--effective <ISO date>', 'when the revocation takes effect (default: now)')
    .option('--officer <DOMAIN\\user>', 'who revokes it, recorded in the disposition message')
    .action(async (serial: string, reasonText: string, o: { effective?: string; officer?: string }) => {
      const reason = parseCrlReasonArgument(reasonText);
      const effectiveWhen = o.effective === undefined ? undefined : _isoDate(o.effective);
      const outcome = await cli.withEngine((a) =>
        a.revoke(serial, {
          reason,
          ...(effectiveWhen && { effectiveWhen }),
          ...(o.officer && { officer: o.officer }),
        }),
      );
      printRequestOutcome(cli, outcome, undefined);
    });

  program
    .command('unrevoke')
    .description('release a certificate from hold, like certutil -revoke <SerialNumber> unrevoke')
    .argument('<SerialNumber>')
    .option('--officer <DOMAIN\\user>', 'who releases it, recorded in the disposition message')
    .action(async (serial: string, o: { officer?: string }) => {
      printRequestOutcome(cli, await cli.withEngine((a) => a.unrevoke(serial, o.officer)), undefined);
    });

  program
    .command('crl')
    .description('publish CRLs now, like certutil -crl: base CRLs (each with a new delta), or only deltas')
    .argument('[delta]', '"delta" to publish only delta CRLs')
    .action(async (kind: string | undefined) => {
      if (kind !== undefined && kind.toLowerCase() !== 'delta') {
        throw new Error(`crl takes "delta" or nothing, not ${JSON.stringify(kind)}`);
      }
      const publication = await cli.withEngine((a) =>
        a.publishCrls({
          delta: kind !== undefined,
          onProgress: (p) =>
            cli.io.err(
              `key ${p.keyIndex} ${p.isDelta ? 'delta' : 'base'} CRL: ${p.entries.toLocaleString('en-US')} entries`,
            ),
        }),
      );
      _printPublication(cli, publication);
      if (publication.failures.length > 0) {
        throw new Error(
          `the CRLs are stored, but ${publication.failures.length} file(s) could not be written: ${publication.failures
            .map((f) => `${f.file} (${f.error})`)
            .join('; ')}`,
        );
      }
      if (publication.directoryFailures.length > 0) {
        throw new Error(
          `the CRLs are stored, but ${publication.directoryFailures.length} LDAP location(s) could not be written: ${publication.directoryFailures
            .map((f) => `${f.location} (${f.error})`)
            .join('; ')}`,
        );
      }
    });
}

function _printPublication(cli: CliContext, publication: CrlPublication): void {
  cli.print(
    {
      crls: publication.crls,
      failures: publication.failures,
      directoryFailures: publication.directoryFailures,
      caCertificate: publication.caCertificate,
      deliveries: publication.deliveries.map((d) => ({
        event: exitEventName(d.event),
        module: d.progId,
        hresult: hresultName(d.hresult),
      })),
    },
    [
      ...publication.crls.flatMap((c) => [
        `${c.isDelta ? `Delta CRL ${c.crlNumber} (over base ${c.deltaOfBase})` : `Base CRL ${c.crlNumber}`} of key ${c.keyIndex}: ${c.entries} entries, ${c.size} bytes, next publish ${c.nextPublish.toISOString()}`,
        ...c.files.map((f) => `  written to ${f}`),
        ...c.directory.map((d) => `  published to ${d.dn} on ${d.server} (${d.status})`),
        ...c.skipped.map((s) => `  not written to ${s.location}: ${s.reason}`),
      ]),
      ...publication.caCertificate.map((d) => `CA certificate in ${d.dn} (${d.status})`),
      ...publication.directoryFailures.map(
        (f) => `  NOT published to ${f.location}: ${f.error}${f.willRetry ? ' (retried at the next round)' : ''}`,
      ),
      ...publication.deliveries.map(
        (d) => `  ${exitEventName(d.event)} -> ${d.progId}: ${hresultName(d.hresult)} (${d.ms.toFixed(1)} ms)`,
      ),
    ],
  );
}

function _isoDate(text: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim()) || Number.isNaN(date.getTime())) {
    throw new Error(
      `--effective needs an ISO date such as 2025-06-01 or 2025-06-01T12:00:00Z, not ${JSON.stringify(text)}`,
    );
  }
  return date;
}
