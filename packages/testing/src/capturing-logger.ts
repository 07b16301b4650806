import type { Logger } from '@certexit/core';

/** One captured log line. */
export interface CapturedLogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string | undefined;
  readonly fields: object;
}

/** A logger that keeps every line, for assertions on what a module logged. */
export interface CapturingLogger extends Logger {
  readonly entries: CapturedLogEntry[];
}

/** Creates a {@link CapturingLogger}. */
export function createCapturingLogger(): CapturingLogger {
  const entries: CapturedLogEntry[] = [];
  const at =
    (level: CapturedLogEntry['level']) =>
    (fields: object, msg?: string): void => {
      entries.push({ level, msg, fields });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
