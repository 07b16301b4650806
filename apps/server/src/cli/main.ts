import { Command, CommanderError } from 'commander';
import { runDemo } from '../demo/run-demo';
import type { CliIo } from './cli-context';
import { createCliContext } from './cli-context';
import { registerCaCommands } from './commands/ca-commands';
import { registerDatabaseCommands } from './commands/database-commands';
import { registerDsPublishCommands } from './commands/dspublish-commands';
import { registerModuleCommands } from './commands/module-commands';
import { registerRegistryCommands } from './commands/registry-commands';
import { registerRequestCommands } from './commands/request-commands';
import { registerRevocationCommands } from './commands/revocation-commands';
import { registerServeCommands } from './commands/serve-commands';
import { registerStoreCommands } from './commands/store-commands';
import { registerTemplateCommands } from './commands/template-commands';

export type { CliIo } from './cli-context';

const _stdio: CliIo = { out: (l) => _write(process.stdout, l), err: (l) => _write(process.stderr, l) };

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
 * `certexit`: the administrator's command line, shaped like certreq and certutil. Returns the exit code; errors
 * are printed as one clear line, never as a stack trace.
 */
export async function runCli(argv: readonly string[], io: CliIo = _stdio): Promise<number> {
  const program = new Command('certexit')
    .description('certexit: a certificate authority that notifies exit modules, AD CS style')
    .option('--dir <folder>', 'the CA folder', process.env.CERTEXIT_DIR ?? './ca')
    .option('--json', 'print one JSON object per command')
    .version(__PACKAGE_VERSION__, '-V, --version', 'print the certexit version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const cli = createCliContext(io, () => program.opts<{ dir: string; json?: boolean }>());

  registerCaCommands(program, cli);
  registerRequestCommands(program, cli);
  registerRevocationCommands(program, cli);
  registerDsPublishCommands(program, cli);
  registerDatabaseCommands(program, cli);
  registerRegistryCommands(program, cli);
  registerModuleCommands(program, cli);
  registerTemplateCommands(program, cli);
  registerServeCommands(program, cli);
  registerStoreCommands(program, cli);
  program
    .command('demo')
    .description('set up a demo CA, issue certificates from CSRs and show the exit modules being notified')
    .action(() => runDemo({ dir: cli.dir(), io, logger: io.logger }));

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.err(`certexit: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
