import { readFileSync } from 'node:fs';
import { highWaterMarkFileOf, openCa } from '@certexit/engine';
import type { Command } from 'commander';
import { importExitModule } from '../../builtin-exit-modules';
import type { CliContext } from '../cli-context';
import { printRequestOutcome } from '../request-outcome-output';

/** `importcert` and `database accept-rollback`. */
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
}
