import { Command, CommanderError } from 'commander';
import { runDemo } from '../demo/run-demo';
import { turnBufferedLines } from '../logging/turn-buffered-lines';
import type { CliGlobalOptions, CliIo } from './cli-context';
import { createCliContext } from './cli-context';
import { cliErrorLine, cliErrorReport } from './cli-error-output';
import { CLI_EXIT_CODES } from './cli-exit-codes';
import { registerBackupCommands } from './commands/backup-commands';
import { registerCaCommands } from './commands/ca-commands';
import { registerCaStatusCommands } from './commands/ca-status-commands';
import { registerCertreqCommands } from './commands/certreq-commands';
import { registerCompletionCommands } from './commands/completion-commands';
import { registerDatabaseCommands } from './commands/database-commands';
import { registerDeleteRowCommands } from './commands/deleterow-commands';
import { registerDsPublishCommands } from './commands/dspublish-commands';
import { registerDumpCommands } from './commands/dump-commands';
import { registerModuleCommands } from './commands/module-commands';
import { registerRegistryCommands } from './commands/registry-commands';
import { registerRequestCommands } from './commands/request-commands';
import { registerRevocationCommands } from './commands/revocation-commands';
import { registerServeCommands } from './commands/serve-commands';
import { registerStoreCommands } from './commands/store-commands';
import { registerTemplateCommands } from './commands/template-commands';
import { registerVerifyCommands } from './commands/verify-commands';
import { registerViewCommands } from './commands/view-commands';

export type { CliIo } from './cli-context';

const _stdio: CliIo = {
  out: (l) => _write(process.stdout, l),
  err: (l) => _write(process.stderr, l),
  // The lines of a turn of the event loop in one write; each text ends in a newline, which `_write` adds back.
  logStream: () => turnBufferedLines((text) => _write(process.stderr, text.slice(0, -1))),
};

/**
 * Writes a line; a reader that has gone (`certexit view | head -1`) ends the command quietly, as `cat` does, instead of
 * an EPIPE stack trace: the rest of the output has nobody to read it.
 */
function _write(stream: NodeJS.WriteStream, line: string): void {
  if (!_watched.has(stream)) {
    _watched.add(stream);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  stream.write(`${line}\n`);
}

const _watched = new WeakSet<NodeJS.WriteStream>();

/**
 * `certexit`: the administrator's command line, shaped like certreq and certutil. Returns the exit code (see
 * `CLI_EXIT_CODES`); errors are printed as one clear line (one JSON object with `--json`), never as a stack trace.
 */
export async function runCli(argv: readonly string[], io: CliIo = _stdio): Promise<number> {
  const program = new Command('certexit')
    .description('certexit: a certificate authority that notifies exit modules, AD CS style')
    .option('--dir <folder>', 'the CA folder', process.env.CERTEXIT_DIR ?? './ca')
    .option('--json', 'print one JSON object per command, and errors as JSON')
    .option(
      '--log-level <level>',
      'print the JSON logs at this level (trace, debug, info, warn, error, silent; or CERTEXIT_LOG_LEVEL); serve logs at info by default',
    )
    .version(__PACKAGE_VERSION__, '-V, --version', 'print the certexit version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
      // Command-line errors are printed with the others below, as text or JSON.
      outputError: () => undefined,
    });
  const json = () => program.opts<CliGlobalOptions>().json === true || _jsonAsked(argv);
  const cli = createCliContext(io, () => program.opts<CliGlobalOptions>());

  registerCaCommands(program, cli);
  registerCaStatusCommands(program, cli);
  registerRequestCommands(program, cli);
  registerRevocationCommands(program, cli);
  registerDsPublishCommands(program, cli);
  registerDatabaseCommands(program, cli);
  registerViewCommands(program, cli);
  registerBackupCommands(program, cli);
  registerDumpCommands(program, cli);
  registerDeleteRowCommands(program, cli);
  registerVerifyCommands(program, cli);
  registerCertreqCommands(program, cli);
  registerRegistryCommands(program, cli);
  registerModuleCommands(program, cli);
  registerTemplateCommands(program, cli);
  registerServeCommands(program, cli);
  registerStoreCommands(program, cli);
  program
    .command('demo')
    .description(
      'set up a demo CA that issues, revokes and publishes CRLs, and show what each exit module was told and did',
    )
    .action(async () => {
      await runDemo({ dir: cli.dir(), io, logger: cli.logger() });
    });
  registerCompletionCommands(program, cli);

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return cli.exitCode();
  } catch (error) {
    // --help and --version end the parse with a CommanderError whose exit code is 0.
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    const report = cliErrorReport(error);
    io.err(json() ? JSON.stringify(report) : cliErrorLine(report));
    return CLI_EXIT_CODES.ERROR;
  }
}

/** `--json` among the global options, for errors raised before the options are parsed (a misspelt command). */
function _jsonAsked(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}
