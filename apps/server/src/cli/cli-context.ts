import type { Logger } from '@certexit/core';
import type { CaContext } from '@certexit/engine';
import { CertificateAuthority, openCa } from '@certexit/engine';
import type pino from 'pino';
import { builtinExitModules, importExitModule } from '../builtin-exit-modules';
import { createCliLogger } from '../logging/create-cli-logger';
import { createLogger, logLevelOf } from '../logging/create-logger';

/** Where the CLI writes; tests capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** A logger to use instead of the CLI's own (tests). */
  logger?: Logger;
  /**
   * Where `serve` writes its JSON log lines, each ending in a newline (default: through {@link err}). The process's
   * CLI writes the lines of each turn of the event loop to standard error in one write (`turnBufferedLines`).
   */
  logStream?: () => { write(line: string): void };
  /** Standard input as text (tests; default: the process's). */
  stdin?: () => Promise<string>;
  /** Asks for a password without echo (tests; default: the terminal). */
  prompt?: (question: string) => Promise<string>;
}

/** The global options every command sees. */
export interface CliGlobalOptions {
  dir: string;
  json?: boolean;
  logLevel?: string;
}

/** What every command gets: the global options and the ways to open the CA. */
export interface CliContext {
  readonly io: CliIo;
  /** The CA folder (`--dir`). */
  dir(): string;
  /** `--json`: print one JSON object instead of text. */
  json(): boolean;
  /** Prints a result: the object as JSON with `--json`, else the text lines. */
  print(result: object, text: readonly string[]): void;
  /**
   * The logger of one-shot commands: warnings and errors as one short line each, unless `--log-level` or
   * `CERTEXIT_LOG_LEVEL` asks for the JSON logs at some level.
   */
  logger(): Logger;
  /** The logger of `serve`: JSON logs always, at `--log-level` / `CERTEXIT_LOG_LEVEL`, else `info`. */
  serviceLogger(): pino.Logger;
  /** Sets the code the command exits with when it ends without an error (see `CLI_EXIT_CODES`). */
  setExitCode(code: number): void;
  /** The code set by {@link setExitCode}, 0 by default. */
  exitCode(): number;
  /** Runs work on an opened engine (exit modules loaded); one-shot commands send no EXITEVENT_SHUTDOWN. */
  withEngine<T>(work: (authority: CertificateAuthority) => Promise<T>): Promise<T>;
  /** Runs work on the CA's configuration and store only, without loading exit modules. */
  withCa<T>(work: (ca: CaContext) => Promise<T>): Promise<T>;
}

export function createCliContext(io: CliIo, options: () => CliGlobalOptions): CliContext {
  let code = 0;
  const level = (): string | undefined => {
    const flag = options().logLevel;
    if (flag !== undefined) return logLevelOf(flag, '--log-level');
    const env = process.env.CERTEXIT_LOG_LEVEL;
    return env ? logLevelOf(env, 'CERTEXIT_LOG_LEVEL') : undefined;
  };
  // pino writes its lines through the CLI's error stream, so that a caller capturing it (the tests) gets them too.
  const destination = { write: (line: string) => io.err(line.replace(/\n$/, '')) };
  let oneShot: Logger | undefined;
  const logger = (): Logger => {
    if (io.logger) return io.logger;
    if (!oneShot) {
      const asked = level();
      oneShot =
        asked !== undefined
          ? createLogger(asked, destination)
          : createCliLogger({ err: io.err, json: options().json === true });
    }
    return oneShot;
  };
  return {
    io,
    dir: () => options().dir,
    json: () => options().json === true,
    print(result, text) {
      if (options().json === true) io.out(JSON.stringify(result, _jsonValue));
      else for (const line of text) io.out(line);
    },
    logger,
    serviceLogger: () => createLogger(level() ?? 'info', io.logStream?.() ?? destination),
    setExitCode(next) {
      code = next;
    },
    exitCode: () => code,
    async withEngine(work) {
      const authority = await CertificateAuthority.open({
        dir: options().dir,
        builtins: builtinExitModules(),
        importModule: importExitModule,
        logger: logger(),
      });
      try {
        return await work(authority);
      } finally {
        await authority.stop({ sendShutdownEvent: false });
      }
    },
    async withCa(work) {
      const ca = await openCa(options().dir, { importModule: importExitModule });
      try {
        return await work(ca);
      } finally {
        await ca.store.close();
      }
    },
  };
}

/** Binary values print as base64 in JSON output. */
function _jsonValue(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}
