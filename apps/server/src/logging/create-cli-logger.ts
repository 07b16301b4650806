import type { Logger } from '@certexit/core';

/** Where the CLI's log lines go, and how. */
export interface CliLoggerOptions {
  /** Writes one line to stderr. */
  err(line: string): void;
  /** One JSON object per line (`--json`) instead of text. */
  json: boolean;
}

/**
 * The logger of one-shot commands when no log level is asked for: warnings and errors as one short line each
 * (`warning: <module>: <message>`), the rest dropped. The engine's and modules' JSON logs (their configuration at
 * `Initialize`, every module loaded) are for `serve` and for `--log-level`; a person running `submit` wants the
 * result and what needs their attention. The same line is printed once per command.
 */
export function createCliLogger(options: CliLoggerOptions): Logger & { child(bindings: object): Logger } {
  const seen = new Set<string>();
  const make = (bindings: Record<string, unknown>): Logger & { child(b: object): Logger } => {
    const write = (level: 'warning' | 'error', fields: object, msg?: string) => {
      const all = { ...bindings, ...(fields as Record<string, unknown>) };
      const module = typeof all.module === 'string' ? all.module : undefined;
      const text = _oneLine(
        msg ??
          (typeof (all.err as { message?: unknown })?.message === 'string'
            ? String((all.err as { message: string }).message)
            : ''),
      );
      const line = options.json
        ? JSON.stringify({ [level]: text, ...(module && { module }) })
        : `${level}: ${module ? `${module}: ` : ''}${text}`;
      if (seen.has(line)) return;
      seen.add(line);
      options.err(line);
    };
    return {
      debug() {},
      info() {},
      warn: (fields, msg) => write('warning', fields, msg),
      error: (fields, msg) => write('error', fields, msg),
      child: (more) => make({ ...bindings, ...(more as Record<string, unknown>) }),
    };
  };
  return make({});
}

function _oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
