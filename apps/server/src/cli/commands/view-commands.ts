import { dispositionName, VIEW_NAMES, viewSchema } from '@certexit/engine';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { csvRecord } from '../csv-record';
import { positiveInt } from '../request-outcome-output';

/**
 * `view` (certutil -view) and `view schema` (certutil -schema): the views by name (Queue, Log, LogFail, Revoked,
 * Ext, Attrib, CRL), `--restrict` and `--out` as certutil's `-restrict` and `-out`, `--csv` (certutil's `csv`),
 * and paging on the server (`--limit`, `--after`).
 */
export function registerViewCommands(program: Command, cli: CliContext): void {
  const view = program
    .command('view')
    .description(
      `list the CA database like certutil -view: requests, or a view (${VIEW_NAMES.join(', ')}); "view schema" lists the columns`,
    )
    .argument('[view]', `Request (default), ${VIEW_NAMES.slice(1).join(', ')}; or "csv"`)
    .argument('[csv]', 'csv: print comma-separated values, as certutil -view ... csv')
    .option(
      '--restrict <conditions>',
      'Column<op>Value,… e.g. "Disposition=Issued,RequestID>5,NotAfter<now+30:00"; +Column / -Column sorts',
    )
    .option('--out <columns>', 'columns, e.g. "RequestID,Request.RequesterName,SerialNumber,NotAfter"')
    .option('--csv', 'print comma-separated values (a header line, then one quoted record per row)')
    .option('--limit <n>', 'at most this many rows (a page)', '1000')
    .option('--after <cursor>', 'the rows after this one: the "next" cursor a page printed (a RequestID by default)')
    .action(
      async (
        first: string | undefined,
        second: string | undefined,
        o: { restrict?: string; out?: string; csv?: boolean; limit: string; after?: string },
      ) => {
        const words = [first, second].filter((w): w is string => w !== undefined);
        const csv = o.csv === true || words.some((w) => w.toLowerCase() === 'csv');
        const name = words.find((w) => w.toLowerCase() !== 'csv');
        if (name?.toLowerCase() === 'schema') throw new Error('use "certexit view schema [Ext|Attrib|CRL]"');
        const result = await cli.withEngine((a) =>
          a.view({
            ...(name !== undefined && { view: name as never }),
            restrict: o.restrict,
            columns: o.out?.split(',').map((c) => c.trim()),
            limit: positiveInt(o.limit, '--limit'),
            ...(o.after !== undefined && { after: o.after }),
          }),
        );
        const disposition = (column: string) => /^(request\.)?disposition$/i.test(column);
        if (csv && !cli.json()) {
          cli.io.out(csvRecord(result.columns));
          for (const row of result.rows) cli.io.out(csvRecord(result.columns.map((c) => _csvValue(row[c]))));
          if (result.next !== undefined) cli.io.err(`more rows: --after ${result.next}`);
          return;
        }
        const show = (column: string, v: unknown) => {
          if (v === null || v === undefined) return 'EMPTY';
          if (disposition(column) && typeof v === 'number') {
            const named = dispositionName(v);
            return named ? `${v} -- ${named}` : String(v);
          }
          return v instanceof Date ? v.toISOString() : v instanceof Uint8Array ? `${v.length} bytes` : String(v);
        };
        cli.print(result, [
          ...result.rows.flatMap((row, i) => [
            `Row ${i + 1}:`,
            ...result.columns.map((c) => `  ${c}: ${show(c, row[c])}`),
          ]),
          `${result.rows.length} row(s)${result.next !== undefined ? `; more after ${result.next} (--after ${result.next})` : ''}`,
        ]);
      },
    );

  view
    .command('schema')
    .description('list the columns of a view with their types, like certutil -schema')
    .argument('[table]', 'Request (default), Ext, Attrib or CRL')
    .option('--csv', 'print comma-separated values')
    .action((table: string | undefined, o: { csv?: boolean }) => {
      const columns = viewSchema(table ?? 'Request');
      // `view`'s own --csv is parsed first wherever it stands: either one asks for CSV.
      if ((o.csv || view.opts<{ csv?: boolean }>().csv) && !cli.json()) {
        cli.io.out(csvRecord(['Name', 'Type', 'Indexed', 'Description']));
        for (const c of columns) cli.io.out(csvRecord([c.name, c.type, c.indexed ? 'yes' : 'no', c.description]));
        return;
      }
      const width = Math.max(...columns.map((c) => c.name.length));
      cli.print({ table: table ?? 'Request', columns }, [
        ...columns.map(
          (c) =>
            `  ${c.name.padEnd(width)}  ${c.type.padEnd(6)}  ${c.indexed ? 'Indexed' : '       '}  ${c.description}`,
        ),
        `${columns.length} column(s)`,
      ]);
    });
}

/** A value as a CSV field: empty for none, ISO 8601 for dates, base64 for binary. */
function _csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return String(v);
}
