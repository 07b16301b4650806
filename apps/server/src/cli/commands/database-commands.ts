import { readFileSync } from 'node:fs';
import { highWaterMarkFileOf, openCa } from '@certexit/engine';
import type { Command } from 'commander';
import { importExitModule } from '../../builtin-exit-modules';
import type { CliContext } from '../cli-context';
import { positiveInt, printRequestOutcome } from '../request-outcome-output';

/** `importcert` and `view`: the database verbs of certutil. */
export function registerDatabaseCommands(program: Command, cli: CliContext): void {
  program
    .command('importcert')
    .description('import a certificate into the database, like certutil -importcert')
    .argument('<file>', 'PEM or DER certificate')
    .option('--foreign', 'record a certificate of another CA (DB_DISP_FOREIGN) instead of refusing it')
    .action(async (file: string, o: { foreign?: boolean }) => {
      const certificate = readFileSync(file);
      printRequestOutcome(
        cli,
        await cli.withEngine((a) => a.importCertificate(certificate, { foreign: o.foreign })),
        undefined,
      );
    });

  const database = program.command('database').description('the CA database itself');
  database
    .command('accept-rollback')
    .description(
      'go on with a database that went back in time (a lost certexit.db-wal, an older copy restored): RequestIDs, EventIDs and CRL numbers continue above the high-water mark, so none is reused',
    )
    .action(async () => {
      const ca = await openCa(cli.dir(), { store: { acceptRollback: true }, importModule: importExitModule });
      try {
        const marks = highWaterMarkFileOf(ca.folder.database);
        const last = (await ca.store.listRequests({ limit: 1 }))[0]?.RequestID ?? 0;
        cli.print({ accepted: true, database: ca.store.location, highWaterMark: marks, lastRequestId: last }, [
          `${ca.store.location} accepted as it is; the newest request it holds is ${last}. What it lost is not in it:`,
          'reissue or revoke from your own records what was acknowledged after it. New RequestIDs, EventIDs and CRL',
          `numbers continue above the high-water mark (${marks}), so none is used twice.`,
        ]);
      } finally {
        await ca.store.close();
      }
    });

  program
    .command('view')
    .description('list requests, like certutil -view (-restrict, -out)')
    .option('--restrict <conditions>', 'Column<op>Value,… e.g. "Disposition=20,RequestID>5"')
    .option('--out <columns>', 'columns, e.g. "RequestID,Request.RequesterName,SerialNumber"')
    .option('--limit <n>', 'at most this many rows', '1000')
    .action(async (o: { restrict?: string; out?: string; limit: string }) => {
      const result = await cli.withEngine((a) =>
        a.view({
          restrict: o.restrict,
          columns: o.out?.split(',').map((c) => c.trim()),
          limit: positiveInt(o.limit, '--limit'),
        }),
      );
      const show = (v: unknown) =>
        v === null
          ? 'EMPTY'
          : v instanceof Date
            ? v.toISOString()
            : v instanceof Uint8Array
              ? `${v.length} bytes`
              : String(v);
      cli.print(result, [
        ...result.rows.flatMap((row, i) => [`Row ${i + 1}:`, ...result.columns.map((c) => `  ${c}: ${show(row[c])}`)]),
        `${result.rows.length} row(s)`,
      ]);
    });
}
