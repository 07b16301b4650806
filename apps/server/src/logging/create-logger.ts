import type { Logger } from '@certexit/core';
import pino from 'pino';

/** The levels `--log-level` and `CERTEXIT_LOG_LEVEL` take. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** A log level checked against {@link LOG_LEVELS}; `where` names the option or variable in the error. */
export function logLevelOf(text: string, where: string): string {
  const level = text.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new Error(`${where} ${JSON.stringify(text)} is not a log level: use ${LOG_LEVELS.join(', ')}`);
  return level;
}

/**
 * The engine's logger: pino, JSON lines to stderr (stdout stays for command output), or to `destination` (the
 * CLI's own error stream when it is not the process's). Secret-looking fields are redacted wherever a module or
 * the engine puts them.
 */
export function createLogger(
  level: string = process.env.CERTEXIT_LOG_LEVEL ?? 'info',
  destination?: { write(line: string): void },
): Logger & pino.Logger {
  return pino(
    {
      level,
      base: { app: 'certexit' },
      redact: { paths: ['password', '*.password', 'secret', '*.secret', 'token', '*.token'], censor: '[redacted]' },
    },
    destination ?? pino.destination(2),
  );
}
