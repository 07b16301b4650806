import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { ExpiryReportMail, ExpiryReportWebhook } from '../expiry-report';
import { formatExpiryReport, sendExpiryReport } from '../expiry-report';
import type { InventoryStore } from '../store/inventory-store';
import { openSqliteInventoryStore } from '../store/sqlite-inventory-store';

/** Where the command writes (injected by tests). */
export interface InventoryCliIo {
  out(text: string): void;
  err(text: string): void;
}

const _stdio: InventoryCliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/**
 * Runs `certexit-inventory <command>` and resolves to its exit code (0 done, 1 failed, 2 usage).
 * - `export --db <file> [--since <cursor>] [--limit <n>]`: one JSON document `{ cursor, more, certificates }`;
 *   without `--since` the snapshot of every certificate, with it what changed after that cursor.
 * - `expiring --db <file> --within <days> [--json]`: certificates still valid whose NotAfter falls within the days.
 * - `report --db <file> --within <days> --ca <name> (--mail-to … | --webhook-url …)`: the expiry report, once.
 */
export async function runInventoryCli(argv: readonly string[], io: InventoryCliIo = _stdio): Promise<number> {
  let code = 0;
  const withStore = async (db: string, readOnly: boolean, work: (store: InventoryStore) => Promise<void>) => {
    const store = openSqliteInventoryStore(db, { readOnly });
    try {
      await work(store);
    } finally {
      await store.close();
    }
  };
  const program = new Command('certexit-inventory')
    .description("certexit's certificate inventory (the SQLite DatabaseFile of CertExit_Inventory.Exit)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('export')
    .description('the snapshot of every certificate, or (--since) the ones changed after a cursor, as JSON')
    .requiredOption('--db <file>', 'the inventory database (DatabaseFile)')
    .option('--since <cursor>', 'the cursor of the previous export')
    .option('--limit <n>', 'at most this many certificates (then "more" is true)', _positive)
    .action(async (o: { db: string; since?: string; limit?: number }) => {
      await withStore(o.db, true, async (store) => {
        const page = await store.exportSince(o.since, o.limit !== undefined ? { limit: o.limit } : {});
        io.out(JSON.stringify(page));
      });
    });

  program
    .command('expiring')
    .description('certificates still valid whose NotAfter falls within the next days')
    .requiredOption('--db <file>', 'the inventory database (DatabaseFile)')
    .requiredOption('--within <days>', 'days from now', _days)
    .option('--json', 'a JSON array instead of text')
    .action(async (o: { db: string; within: number; json?: boolean }) => {
      await withStore(o.db, true, async (store) => {
        const now = new Date();
        const certificates = await store.expiring(o.within, now);
        io.out(o.json ? JSON.stringify(certificates) : formatExpiryReport(certificates, o.within, now).trimEnd());
      });
    });

  program
    .command('report')
    .description('mail or post the expiry report once (run it from cron, or set ExpiryReportIntervalSeconds)')
    .requiredOption('--db <file>', 'the inventory database (DatabaseFile)')
    .requiredOption('--within <days>', 'days from now', _days)
    .requiredOption('--ca <name>', 'the CA named in the report')
    .option('--always', 'send a report that lists nothing as well')
    .option('--mail-to <address...>', 'recipients')
    .option('--mail-from <address>', 'sender')
    .option('--smtp-server <host>', 'SMTP server')
    .option('--smtp-port <port>', 'SMTP port (default 587)', _positive)
    .addOption(new Option('--no-starttls', 'do not require STARTTLS (a loopback relay only)'))
    .option('--smtp-ca-file <file>', "PEM of the CAs trusted for the SMTP server's certificate")
    .option('--smtp-user <name>', 'SMTP user')
    .option('--smtp-password-file <file>', 'a file holding the SMTP password')
    .option('--webhook-url <url>', 'post the report as a signed CloudEvent to this URL')
    .option('--webhook-secret-file <file>', 'a file of whsec_ secrets')
    .option('--webhook-secret-env <name>', 'an environment variable holding whsec_ secrets')
    .option('--webhook-ca-file <file>', "PEM of the CAs trusted for the web hook's certificate")
    .action(async (o: _ReportOptions) => {
      const mail = _mail(o);
      const webhook = _webhook(o);
      if (!mail && !webhook)
        throw new InvalidArgumentError('give --mail-to (with --mail-from and --smtp-server) or --webhook-url');
      await withStore(o.db, true, async (store) => {
        const result = await sendExpiryReport({
          store,
          withinDays: o.within,
          ca: o.ca,
          whenEmpty: o.always ?? false,
          ...(mail && { mail }),
          ...(webhook && { webhook }),
          warn: io.err,
        });
        io.out(
          `${result.certificates.length} expiring; ${result.mailed ? 'mailed' : 'not mailed'}, ${result.posted ? 'posted' : 'not posted'}`,
        );
      });
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode === 0 ? 0 : 2;
    } else if (error instanceof InvalidArgumentError) {
      io.err(`certexit-inventory: ${error.message}`);
      code = 2;
    } else {
      io.err(`certexit-inventory: ${(error as Error).message}`);
      code = 1;
    }
  }
  return code;
}

interface _ReportOptions {
  db: string;
  within: number;
  ca: string;
  always?: boolean;
  mailTo?: string[];
  mailFrom?: string;
  smtpServer?: string;
  smtpPort?: number;
  starttls: boolean;
  smtpCaFile?: string;
  smtpUser?: string;
  smtpPasswordFile?: string;
  webhookUrl?: string;
  webhookSecretFile?: string;
  webhookSecretEnv?: string;
  webhookCaFile?: string;
}

function _mail(o: _ReportOptions): ExpiryReportMail | undefined {
  if (!o.mailTo?.length) return undefined;
  if (!o.mailFrom || !o.smtpServer) throw new InvalidArgumentError('--mail-to needs --mail-from and --smtp-server');
  return {
    to: o.mailTo,
    from: o.mailFrom,
    server: o.smtpServer,
    startTls: o.starttls,
    ...(o.smtpPort !== undefined && { port: o.smtpPort }),
    ...(o.smtpCaFile !== undefined && { caFile: o.smtpCaFile }),
    ...(o.smtpUser !== undefined && { user: o.smtpUser }),
    ...(o.smtpPasswordFile !== undefined && { passwordFile: o.smtpPasswordFile }),
  };
}

function _webhook(o: _ReportOptions): ExpiryReportWebhook | undefined {
  if (o.webhookUrl === undefined) return undefined;
  if (o.webhookSecretFile === undefined && o.webhookSecretEnv === undefined) {
    throw new InvalidArgumentError('--webhook-url needs --webhook-secret-file or --webhook-secret-env');
  }
  return {
    url: o.webhookUrl,
    ...(o.webhookSecretFile !== undefined && { secretFile: o.webhookSecretFile }),
    ...(o.webhookSecretEnv !== undefined && { secretEnv: o.webhookSecretEnv }),
    ...(o.webhookCaFile !== undefined && { caFile: o.webhookCaFile }),
  };
}

function _positive(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a positive whole number');
  return Number(value);
}

function _days(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('a number of days');
  return Number(value);
}
