import { backupCa, restoreCa } from '@certexit/engine';
import type { Command } from 'commander';
import { importExitModule } from '../../builtin-exit-modules';
import { findRunningServer } from '../../http/running-server-record';
import type { CliContext } from '../cli-context';
import { readPassword } from '../password-input';
import { shellWord } from '../shell-word';
import { storeTargetCommandLine } from '../store-target';

/** `backup <folder>` and `restore <folder>`: certutil -backup and -restoredb. */
export function registerBackupCommands(program: Command, cli: CliContext): void {
  program
    .command('backup')
    .description(
      "back up the CA online (database, registry, templates, published files, CA keys), like certutil -backup; the keys and the registry are encrypted with a password. A CA on PostgreSQL is exported from one snapshot of its schema into the backup's certexit.db, verified",
    )
    .argument('<folder>', 'an empty folder outside the CA folder')
    .option('--password-stdin', 'read the password from the first line of standard input (never from the command line)')
    .option('--force', 'write into a folder that is not empty (its backup is replaced)')
    .action(async (folder: string, o: { passwordStdin?: boolean; force?: boolean }) => {
      const password = await readPassword(cli.io, { fromStdin: o.passwordStdin === true, confirm: true });
      const {
        manifest,
        folder: out,
        exported,
      } = await backupCa(cli.dir(), folder, {
        password,
        force: o.force === true,
        certexitVersion: __PACKAGE_VERSION__,
        importModule: importExitModule,
      });
      cli.print(
        {
          folder: out,
          ca: manifest.ca.commonName,
          createdAt: manifest.createdAt,
          counts: manifest.counts,
          highWaterMarks: manifest.highWaterMarks,
          source: manifest.source,
          ...(exported && { exported }),
          files: manifest.files.map((f) => f.path),
          encrypted: manifest.secretPaths,
        },
        [
          `Backed up "${manifest.ca.commonName}" to ${out}: ${manifest.counts.requests} request(s), ${manifest.counts.certificates} certificate(s), ${manifest.counts.crls} CRL(s)`,
          ...(exported
            ? [
                `Database: one snapshot of ${manifest.source?.location}, exported into certexit.db and verified (rows per table, certificates SHA-256 ${exported.certificatesSha256}, CRLs SHA-256 ${exported.crlsSha256})`,
              ]
            : []),
          `Encrypted (scrypt + AES-256-GCM): ${manifest.secretPaths.join(', ')}`,
          `Restore with: certexit --dir <CA folder> restore ${out}${exported ? ' (it restores onto the embedded store; certexit store migrate moves it back)' : ''}`,
        ],
      );
    });

  program
    .command('restore')
    .description(
      'restore a backup into the CA folder (empty, or --force), like certutil -restoredb; refused while serve runs on it, for a wrong password or an altered backup. A CA backed up from PostgreSQL comes back on the embedded store (certexit.db); "certexit store migrate --to postgres://…" (into an empty schema) moves it back',
    )
    .argument('<folder>', 'a folder made by certexit backup')
    .option('--password-stdin', 'read the password from the first line of standard input (never from the command line)')
    .option('--force', 'replace the CA in a folder that is not empty (its high-water marks are kept)')
    .action(async (folder: string, o: { passwordStdin?: boolean; force?: boolean }) => {
      const password = await readPassword(cli.io, { fromStdin: o.passwordStdin === true, confirm: false });
      const result = await restoreCa(folder, cli.dir(), {
        password,
        force: o.force === true,
        runningCa: (root) => {
          const running = findRunningServer(root);
          return running && `certexit serve (pid ${running.pid}, ${running.url}) runs on ${root}`;
        },
      });
      const moveBack =
        result.previousStore &&
        `certexit --dir ${shellWord(result.folder)} store migrate ${storeTargetCommandLine(result.previousStore)}`;
      cli.print(
        {
          folder: result.folder,
          ca: result.manifest.ca.commonName,
          backupCreatedAt: result.manifest.createdAt,
          counts: result.manifest.counts,
          highWaterMarks: result.highWaterMarks,
          skipped: result.skipped,
          ...(result.source && { source: result.source }),
          store: 'sqlite',
          ...(result.previousStore && {
            previousStore: result.previousStore,
            next: moveBack,
          }),
        },
        [
          `Restored "${result.manifest.ca.commonName}" (backup of ${result.manifest.createdAt}) into ${result.folder}`,
          ...(moveBack
            ? [
                `The CA was on ${result.source?.location ?? result.previousStore?.kind}: it is restored onto the embedded store (certexit.db in ${result.folder}).`,
                `To move it back (into an empty schema; the CA stopped): ${moveBack}`,
              ]
            : []),
          ...(result.skipped.length
            ? [
                `The backup is older than what this CA handed out: ${result.skipped.join('; ')}.`,
                'Numbers continue above those, so none is used twice; reissue or revoke from your records what came after the backup.',
              ]
            : []),
        ],
      );
    });
}
