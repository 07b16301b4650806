import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrlIssuedExitContext, ExitContext, ExitModuleFactoryV1, RequestExitContext } from '@certexit/core';
import {
  CertexitError,
  defineExitModule,
  E_ACCESSDENIED,
  EXITEVENT_STARTUP,
  exitEventMaskNames,
  HRESULT_FILE_NOT_FOUND,
} from '@certexit/core';
import { COMMAND_DEFAULT_PATH, COMMAND_DESCRIPTION, COMMAND_PROGID } from './command-constants';
import type { CommandSettings } from './command-settings';
import { commandSettings } from './command-settings';
import { exitCodeOutcome } from './exit-code-outcome';
import { readCommandEvent } from './read-command-event';
import { runProgram } from './run-program';

/** Options for embedding the module (the registry configures everything else). */
export interface CommandExitModuleOptions {
  /** Where each run's private folder (0700, holding the event file) is made. @default os.tmpdir() */
  readonly tmpDirectory?: string;
}

type _Context =
  | ExitContext<CommandSettings>
  | RequestExitContext<CommandSettings>
  | CrlIssuedExitContext<CommandSettings>;

/** The argument tokens `Arguments` may use. */
const _TOKENS = /\{(eventFile|eventId|event|requestId|serialNumber)\}/g;

/**
 * The command exit module (`CertExit_Command.Exit`): runs a configured program for each event, as Microsoft's proxy
 * exit module (PMI) and EJBCA's script publisher do, but without a shell, with the event in `CERTEXIT_*` environment
 * variables and a JSON file (0600, in a private folder removed afterwards), a timeout, output limits and a process
 * group of its own that is killed whole on timeout. The program's exit code says whether the notification succeeded,
 * may be retried (`EX_TEMPFAIL`, 75) or failed for good; stderr output alone never fails it.
 *
 * Written with the typed layer (`defineExitModule`): settings, handlers and `ctx.once` (the program runs once per
 * notification, or at most once per event with `AtMostOnce`).
 *
 * @example
 * ```ts
 * import { createCommandExitModule } from '@certexit/exit-command';
 * const factory = createCommandExitModule(); // configure Program, Arguments, ... under its registry key
 * ```
 */
export function createCommandExitModule(options: CommandExitModuleOptions = {}): ExitModuleFactoryV1 {
  const tmpDirectory = typeof options.tmpDirectory === 'string' ? options.tmpDirectory : undefined;
  const run = (ctx: _Context) => _run(ctx, tmpDirectory);
  return defineExitModule({
    progId: COMMAND_PROGID,
    description: COMMAND_DESCRIPTION,
    version: __PACKAGE_VERSION__,
    manage: { name: 'certexit Command Exit Module', description: 'Runs a configured program per exit event' },
    settings: commandSettings,
    eventMask: (settings) => settings.eventMask & ~EXITEVENT_STARTUP,
    async initialize({ settings, logger, config }) {
      // Not fatal: the program may be installed after the CA starts; each run then fails with the reason.
      try {
        await access(settings.program, constants.X_OK);
      } catch {
        logger.warn(
          { program: settings.program, configPath: config.path },
          'Program is not an executable file (yet): every run will fail until it is',
        );
      }
      logger.info({ program: settings.program, events: exitEventMaskNames(settings.eventMask) }, 'command ready');
    },
    events: {
      issued: run,
      pending: run,
      denied: run,
      revoked: run,
      retrievePending: run,
      imported: run,
      crlIssued: run,
      shutdown: run,
    },
  });
}

export default createCommandExitModule;

async function _run(ctx: _Context, tmpDirectory: string | undefined): Promise<void> {
  const { settings } = ctx;
  const once = settings.atMostOnce ? ({ scope: 'event', ifInterrupted: 'skip' } as const) : {};
  const outcome = await ctx.once('run', () => _runProgram(ctx, tmpDirectory), once);
  if (outcome.status === 'skipped')
    ctx.logger.info({ event: ctx.event, because: outcome.because }, 'already run for this event');
}

async function _runProgram(ctx: _Context, tmpDirectory: string | undefined): Promise<void> {
  const { settings, logger } = ctx;
  const event = await readCommandEvent(ctx, settings.includeCertificate);
  // A private folder per run: the event file is readable by the CA's user only, and nothing is left behind.
  const folder = await mkdtemp(join(tmpDirectory ?? tmpdir(), 'certexit-command-'));
  try {
    const eventFile = join(folder, 'event.json');
    await writeFile(eventFile, `${JSON.stringify(event.document)}\n`, { mode: 0o600, flag: 'wx' });
    const tokens: Record<string, string> = { ...event.tokens, eventFile };
    const args = settings.arguments.map((arg) => _clean(arg.replace(_TOKENS, (_, name: string) => tokens[name] ?? '')));
    const env: Record<string, string> = { PATH: COMMAND_DEFAULT_PATH, TMPDIR: folder };
    for (const line of settings.environment) {
      const eq = line.indexOf('=');
      env[line.slice(0, eq)] = _clean(line.slice(eq + 1));
    }
    // The event's variables come last: configuration cannot stand for them.
    for (const [name, value] of Object.entries(event.env)) env[name] = _clean(value);
    env.CERTEXIT_EVENT_FILE = eventFile;

    let result: Awaited<ReturnType<typeof runProgram>>;
    try {
      result = await runProgram({
        program: settings.program,
        args,
        env,
        cwd: settings.workingDirectory ?? folder,
        timeoutMs: settings.timeoutMs,
        maxOutputBytes: settings.maxOutputBytes,
        signal: ctx.signal,
      });
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      throw new CertexitError({
        hresult:
          code === 'ENOENT'
            ? HRESULT_FILE_NOT_FOUND
            : code === 'EACCES'
              ? E_ACCESSDENIED
              : CertexitError.hresultOf(cause),
        // The same program fails to start the same way until someone fixes the configuration.
        isRetryable: !(code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR'),
        source: COMMAND_PROGID,
        message: `cannot start ${settings.program}${settings.workingDirectory ? ` in ${settings.workingDirectory}` : ''}: ${(cause as Error).message}`,
        cause,
      });
    }
    const summary = {
      event: ctx.event,
      program: settings.program,
      exitCode: result.exitCode,
      signal: result.signal,
      durationMs: result.durationMs,
      stdoutBytes: result.stdout.bytes,
      stderrBytes: result.stderr.bytes,
      ...(result.timedOut && { timedOut: true }),
      ...(result.killedLeftovers && { killedLeftovers: true }),
    };
    const error = exitCodeOutcome(
      result,
      { success: _codes(settings.successExitCodes), transient: _codes(settings.transientExitCodes) },
      settings.program,
    );
    logger.debug(
      { stdout: result.stdout.text, stderr: result.stderr.text },
      'program output (the last MaxOutputBytes)',
    );
    if (error) {
      logger.warn({ ...summary, retryable: error.isRetryable }, 'program failed');
      throw error;
    }
    logger.info(summary, 'program ran');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function _codes(values: readonly string[]): Set<number> {
  return new Set(values.map(Number));
}

/** An environment value or argument cannot hold NUL (spawn refuses it): data from a request must not stop the run. */
function _clean(value: string): string {
  return value.replaceAll('\0', '');
}
