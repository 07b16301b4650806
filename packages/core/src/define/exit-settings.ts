import { HRESULT_BAD_CONFIGURATION } from '../constants/hresults';
import { CertexitError } from '../errors/certexit-error';
import type { RegistryKey } from '../interfaces/registry-key';
import type { ExitSetting } from './exit-setting';

/** A module's settings declared as typed values: `{ outputFile: setting.path('OutputFile'), ... }`. */
// biome-ignore lint/suspicious/noExplicitAny: any setting type may appear in a schema.
export type ExitSettingsSchema = Readonly<Record<string, ExitSetting<any>>>;

/** A module's settings read by a function of its own (for rules between values, or a library's schema). */
export type ExitSettingsParser<T> = (key: RegistryKey) => T;

/** What `defineExitModule`'s `settings` takes: a schema of {@link setting}s or a parse function. */
export type ExitSettingsInput = ExitSettingsSchema | ExitSettingsParser<unknown>;

/** The settings object a schema or parser gives the handlers. */
export type ExitSettingsOf<I> =
  I extends ExitSettingsParser<infer T>
    ? T
    : I extends ExitSettingsSchema
      ? { readonly [K in keyof I]: I[K] extends ExitSetting<infer T> ? T : never }
      : Readonly<Record<string, never>>;

/**
 * The configuration under a module's key cannot be used: `HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION)`, never
 * retryable (it fails the same way until someone changes the value). `problems` names each value and what is wrong.
 */
export class ExitSettingsError extends CertexitError {
  readonly problems: readonly string[];
  constructor(options: { source?: string; problems: readonly string[]; cause?: unknown }) {
    super({
      hresult: HRESULT_BAD_CONFIGURATION,
      source: options.source,
      cause: options.cause,
      isRetryable: false,
      message: `bad configuration: ${options.problems.join('; ')}`,
    });
    this.name = 'ExitSettingsError';
    this.problems = options.problems;
  }
}

/**
 * Reads a module's settings from its configuration key: every value of a schema (all problems reported at once,
 * each with its full registry path), or the result of a parse function (whose throw becomes the error's cause).
 * @throws {ExitSettingsError} naming every value that is missing or wrong.
 * @example readExitSettings(services.config, { outputFile: setting.path('OutputFile', { required: true }) })
 */
export function readExitSettings<I extends ExitSettingsInput | undefined>(
  key: RegistryKey,
  input: I,
  source?: string,
): ExitSettingsOf<I> {
  if (input === undefined) return {} as ExitSettingsOf<I>;
  if (typeof input === 'function') {
    try {
      return input(key) as ExitSettingsOf<I>;
    } catch (cause) {
      if (cause instanceof ExitSettingsError) throw cause;
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new ExitSettingsError({ source, problems: [`${key.path}: ${why}`], cause });
    }
  }
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(input as ExitSettingsSchema)) {
    const read = entry.read(key);
    if (read.ok) values[name] = read.value;
    else problems.push(`${key.path}\\${entry.valueName} ${read.problem}`);
  }
  if (problems.length > 0) throw new ExitSettingsError({ source, problems });
  return values as ExitSettingsOf<I>;
}

/**
 * The settings in effect as lines for a log or `Configure`'s output: `Name (REG_TYPE) = value`, secrets shown only
 * as `[set]` / `[not set]`.
 */
export function describeExitSettings(schema: ExitSettingsSchema, values: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(schema).map(([name, entry]) => {
    const value = values[name];
    const shown = entry.secret ? (value === undefined ? '[not set]' : '[set]') : _show(value);
    return `${entry.valueName} (${entry.registryType}) = ${shown}`;
  });
}

function _show(value: unknown): string {
  if (value === undefined) return '[not set]';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return JSON.stringify(value);
}
