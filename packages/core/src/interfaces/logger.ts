/**
 * The logger a host gives a module. pino-compatible: a pino logger satisfies it as it is.
 * Secrets never go into log fields.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
