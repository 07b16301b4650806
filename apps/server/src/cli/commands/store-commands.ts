import type { CaStoreTable } from '@certexit/engine';
import { CA_STORE_TABLES, migrateCaStore } from '@certexit/engine';
import type { Command } from 'commander';
import { importExitModule } from '../../builtin-exit-modules';
import { findRunningServer } from '../../http/running-server-record';
import type { CliContext } from '../cli-context';
import type { StoreTargetOptions } from '../store-target';
import { addStoreTargetOptions, storeTarget } from '../store-target';

/**
 * `store show` and `store migrate`: where the CA's database is, and moving it between the embedded SQLite file and a
 * PostgreSQL database (both ways), copied, verified and switched to in one command.
 */
export function registerStoreCommands(program: Command, cli: CliContext): void {
  const store = program.command('store').description("the CA's database: where it is, and moving it");
  store
    .command('show')
    .description('which store the CA uses, where (no password), its schema version and its rows per table')
    .action(() =>
      cli.withCa(async (ca) => {
        const counts: Array<{ table: CaStoreTable; rows: number }> = [];
        if (ca.store.transfer) {
          for (const table of Object.keys(CA_STORE_TABLES) as CaStoreTable[])
            counts.push({ table, rows: await ca.store.transfer.count(table) });
        }
        const result = {
          store: ca.store.kind,
          location: ca.store.location,
          schemaVersion: await ca.store.schemaVersion(),
          tables: counts,
        };
        cli.print(result, [
          `${result.store}: ${result.location} (schema version ${result.schemaVersion})`,
          ...counts.map((c) => `  ${c.table}  ${c.rows}`),
        ]);
      }),
    );
  addStoreTargetOptions(
    store
      .command('migrate')
      .description(
        'move the CA to another store: copies every table and the counters, verifies the copy (rows per table, SHA-256 of the certificates and CRLs) and switches the CA folder to it; the CA must be stopped, the target empty',
      )
      .requiredOption(
        '--to <target>',
        "postgres://user@host:port/database[?sslmode=verify-full] (no password in it), or sqlite (the CA folder's certexit.db)",
      ),
  ).action(async (o: StoreTargetOptions & { to: string }) => {
    const target = storeTarget(o.to, o);
    const server = findRunningServer(cli.dir());
    if (server) {
      throw new Error(
        `a server runs on this CA (pid ${server.pid}, ${server.url}): stop it first, nothing may change while the CA is copied`,
      );
    }
    const result = await migrateCaStore(cli.dir(), target, { importModule: importExitModule });
    cli.print(result, [
      `copied ${result.from}`,
      `    to ${result.to}`,
      ...result.tables.map((t) => `  ${t.table}  ${t.rows}`),
      `verified: rows per table, certificates SHA-256 ${result.certificatesSha256}, CRLs SHA-256 ${result.crlsSha256}`,
      `the CA now runs on ${result.to}; the old store is left as it was (see docs/postgresql.md for going back)`,
    ]);
  });
}
