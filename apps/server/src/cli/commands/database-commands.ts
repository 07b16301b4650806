import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
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
