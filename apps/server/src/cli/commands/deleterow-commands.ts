import type { DeleteRowsQuery, DeleteRowsTable } from '@certexit/engine';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';

const _TABLES: readonly DeleteRowsTable[] = ['Request', 'Cert', 'Ext', 'Attrib', 'CRL'];

/** `deleterow <id | date> [Request|Cert|Ext|Attrib|CRL]`: certutil -deleterow. */
export function registerDeleteRowCommands(program: Command, cli: CliContext): void {
  program
    .command('deleterow')
    .description(
      'delete database rows like certutil -deleterow: by RequestID (CRL row id for CRL), or by date only failed, denied and pending requests (Request), expired certificates (Cert) and expired CRLs (CRL) older than it',
    )
    .argument('<id-or-date>', 'a RequestID / CRL row id, or a date (2026-01-31): the rows older than it')
    .argument('[table]', `${_TABLES.join(', ')} (default Request)`)
    .action(async (target: string, tableName: string | undefined) => {
      const table = _TABLES.find((t) => t.toLowerCase() === (tableName ?? 'Request').toLowerCase());
      if (!table)
        throw new Error(`deleterow: there is no table ${JSON.stringify(tableName)}; use ${_TABLES.join(', ')}`);
      const now = new Date();
      let query: DeleteRowsQuery;
      if (/^\d+$/.test(target)) query = { table, id: Number(target), now };
      else {
        const before = new Date(target);
        if (Number.isNaN(before.getTime()))
          throw new Error(`deleterow: ${JSON.stringify(target)} is neither a row id nor a date (2026-01-31)`);
        query = { table, before, now };
      }
      const result = await cli.withCa((ca) => ca.store.deleteRows(query));
      cli.print(result, [
        ...(result.deleted.length ? [`Deleted: ${result.deleted.join(', ')}`] : []),
        ...result.kept.map((k) => `Kept ${k.id}: ${k.reason}`),
        `Rows deleted: ${result.deleted.length}`,
      ]);
    });
}
