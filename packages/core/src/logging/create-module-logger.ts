import type { Logger } from '../interfaces/logger';

/** The key under which a module's own log fields go: they can never stand for the host's. */
export const MODULE_LOG_FIELDS_KEY = 'fields';

/**
 * The logger a host hands a module: each record goes to the host's logger with the host's `bindings` (the module's
 * ProgID, say) at the top and everything the module put in it under {@link MODULE_LOG_FIELDS_KEY}, so a module can
 * never forge or override the host's own fields (`level`, `time`, `eventId`, `msg`, `module`, ...). Errors among
 * the module's fields keep their message and stack. Pure: no state of its own.
 *
 * @example
 * ```ts
 * const logger = createModuleLogger(hostLogger, { module: 'Contoso_Hook.Exit' });
 * logger.error({ eventId: 46, level: 'fatal' }, 'hi'); // -> { module, fields: { eventId: 46, level: 'fatal' }, msg: 'hi' }
 * ```
 */
export function createModuleLogger(host: Logger, bindings: Readonly<Record<string, unknown>>): Logger {
  const at =
    (level: keyof Logger) =>
    (obj: object, msg?: string): void => {
      // A module written loosely may log a bare message: it is the message, not fields.
      if (typeof obj === 'string' && msg === undefined) {
        host[level]({ ...bindings }, obj);
        return;
      }
      const fields = _plain(obj);
      host[level](
        { ...bindings, ...(fields !== undefined && { [MODULE_LOG_FIELDS_KEY]: fields }) },
        msg === undefined ? undefined : String(msg),
      );
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The module's fields as plain data: Errors keep their type, message and stack; nothing else is changed. */
function _plain(obj: unknown): unknown {
  if (obj === null || obj === undefined) return undefined;
  if (typeof obj !== 'object') return { value: obj };
  if (obj instanceof Error) return _error(obj);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) out[key] = value instanceof Error ? _error(value) : value;
  return Object.keys(out).length === 0 ? undefined : out;
}

function _error(error: Error): Record<string, unknown> {
  return { type: error.name, message: error.message, ...(error.stack !== undefined && { stack: error.stack }) };
}
