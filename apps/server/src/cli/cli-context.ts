import type { Logger } from '@certexit/core';
import type { CaContext } from '@certexit/engine';
import { CertificateAuthority, openCa } from '@certexit/engine';
import { builtinExitModules, importExitModule } from '../builtin-exit-modules';
import { createLogger } from '../logging/create-logger';

/** Where the CLI writes; tests capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  logger?: Logger;
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
  logger(): Logger;
  /** Runs work on an opened engine (exit modules loaded); one-shot commands send no EXITEVENT_SHUTDOWN. */
  withEngine<T>(work: (authority: CertificateAuthority) => Promise<T>): Promise<T>;
  /** Runs work on the CA's configuration and store only, without loading exit modules. */
  withCa<T>(work: (ca: CaContext) => Promise<T>): Promise<T>;
}

export function createCliContext(io: CliIo, options: () => { dir: string; json?: boolean }): CliContext {
  const logger = () => io.logger ?? createLogger();
  return {
    io,
    dir: () => options().dir,
    json: () => options().json === true,
    print(result, text) {
      if (options().json === true) io.out(JSON.stringify(result, _jsonValue));
      else for (const line of text) io.out(line);
    },
    logger,
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
