import type { Logger } from '@certexit/core';
import pino from 'pino';

/**
 * The engine's logger: pino, JSON lines to stderr (stdout stays for command output). Secret-looking fields are
 * redacted wherever a module or the engine puts them.
 */
export function createLogger(level: string = process.env.CERTEXIT_LOG_LEVEL ?? 'info'): Logger & pino.Logger {
  return pino(
    {
      level,
      base: { app: 'certexit' },
      redact: { paths: ['password', '*.password', 'secret', '*.secret', 'token', '*.token'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}
