import { isAbsolute, resolve } from 'node:path';
import type { RegistryKey, RegistryValue } from '../interfaces/registry-key';
import type { RegistryValueDeclaration, RegistryValueType } from '../interfaces/registry-value-declaration';

/**
 * One typed value under a module's configuration key (`...\ExitModules\<ProgID>`): its registry name and type,
 * and how it becomes a TypeScript value. Build one with {@link setting}; `defineExitModule` reads them all at
 * `Initialize` and again on `Configure(CMM_REFRESHONLY)`.
 */
export interface ExitSetting<T> {
  /** The registry value name, e.g. `OutputFile` (compared case-insensitively, as on Windows). */
  readonly valueName: string;
  readonly registryType: RegistryValueType;
  /** What an absent value reads as (`undefined` when the setting is optional without a default). */
  readonly defaultValue: T | undefined;
  /** Never logged nor shown: `Configure` prints `[set]` or `[not set]` instead of the value. */
  readonly secret: boolean;
  /** One line for the settings table and messages. */
  readonly description: string | undefined;
  /**
   * The value as the registry catalogue declares it (name, type, default, meaning, bounds): `defineExitModule` puts
   * these on the factory's `configuration`, so `certexit getreg` shows the defaults and `setreg` checks names and
   * types under the module's key.
   */
  readonly declaration: RegistryValueDeclaration;
  /**
   * Reads the value from the key.
   * @returns the value, or a sentence naming what is wrong (the caller adds the key path and the value name).
   */
  read(key: RegistryKey): { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };
}

/** Options every setting takes. */
export interface SettingOptions<T> {
  /** What an absent value reads as. */
  readonly default?: T;
  /** An absent value fails `Initialize` (the module is not loaded; the host logs why). @default false */
  readonly required?: boolean;
  /** Keep the value out of logs and `Configure` output (passwords, tokens, HMAC secrets). @default false */
  readonly secret?: boolean;
  readonly description?: string;
  /** Extra rule: return a sentence saying what is wrong, or `undefined` when the value is fine. */
  readonly validate?: (value: T) => string | undefined;
}

/** Options of `setting.dword`: bounds, inclusive. */
export interface DwordSettingOptions extends SettingOptions<number> {
  readonly min?: number;
  readonly max?: number;
}

/** A setting's TypeScript type: optional (`| undefined`) unless it has a default or is required. */
type _Read<T, O> = O extends { default: unknown } | { required: true } ? T : T | undefined;

/**
 * Builders of typed settings, one per registry type, so that a module declares its configuration in one place:
 *
 * @example
 * ```ts
 * settings: {
 *   outputFile: setting.path('OutputFile', { required: true }),
 *   timeoutMs: setting.dword('TimeoutMs', { default: 10_000, min: 1, max: 600_000 }),
 *   mode: setting.oneOf('Mode', ['append', 'replace'], { default: 'append' }),
 *   verbose: setting.flag('Verbose', { default: false }),
 *   urls: setting.multiString('Urls'),
 *   token: setting.string('Token', { secret: true }),
 * }
 * ```
 */
export const setting = {
  /** REG_SZ (a REG_EXPAND_SZ reads the same). Leading and trailing spaces are kept; an empty string is a value. */
  string<const O extends SettingOptions<string> = SettingOptions<string>>(
    valueName: string,
    options?: O,
  ): ExitSetting<_Read<string, O>> {
    return _define(valueName, 'REG_SZ', options, {}, (value) =>
      typeof value === 'string' ? { ok: true, value } : _wrongType('REG_SZ', value),
    );
  },

  /**
   * REG_SZ holding an absolute path, resolved (`.` and `..` removed). Relative paths are refused: a module runs
   * with the host's working directory, which is nobody's intent.
   */
  path<const O extends SettingOptions<string> = SettingOptions<string>>(
    valueName: string,
    options?: O,
  ): ExitSetting<_Read<string, O>> {
    return _define(valueName, 'REG_SZ', options, {}, (value) => {
      if (typeof value !== 'string') return _wrongType('REG_SZ', value);
      const text = value.trim();
      if (text.includes('\0')) return { ok: false, problem: 'contains a NUL character' };
      if (!isAbsolute(text)) return { ok: false, problem: `${JSON.stringify(value)} is not an absolute path` };
      return { ok: true, value: resolve(text) };
    });
  },

  /** REG_SZ that must be one of `values` (compared exactly); typed as their union. */
  oneOf<
    const V extends readonly [string, ...string[]],
    const O extends SettingOptions<V[number]> = SettingOptions<V[number]>,
  >(valueName: string, values: V, options?: O): ExitSetting<_Read<V[number], O>> {
    return _define(valueName, 'REG_SZ', options, { oneOf: values }, (value) => {
      if (typeof value !== 'string') return _wrongType('REG_SZ', value);
      return (values as readonly string[]).includes(value)
        ? { ok: true, value: value as V[number] }
        : {
            ok: false,
            problem: `${JSON.stringify(value)} is none of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
          };
    });
  },

  /**
   * REG_DWORD, read unsigned (a DWORD stored signed, such as -1 for 0xFFFFFFFF, reads as 4294967295), within
   * `min`..`max` when given.
   */
  dword<const O extends DwordSettingOptions = DwordSettingOptions>(
    valueName: string,
    options?: O,
  ): ExitSetting<_Read<number, O>> {
    const bounds = { min: options?.min, max: options?.max };
    return _define(valueName, 'REG_DWORD', options, bounds, (value) => {
      if (typeof value !== 'number' || !Number.isInteger(value)) return _wrongType('REG_DWORD', value);
      const unsigned = value >>> 0;
      if (options?.min !== undefined && unsigned < options.min)
        return { ok: false, problem: `${unsigned} is below the minimum ${options.min}` };
      if (options?.max !== undefined && unsigned > options.max)
        return { ok: false, problem: `${unsigned} is above the maximum ${options.max}` };
      return { ok: true, value: unsigned };
    });
  },

  /** REG_DWORD read as a switch: 0 is false, anything else true. */
  flag<const O extends SettingOptions<boolean> = SettingOptions<boolean>>(
    valueName: string,
    options?: O,
  ): ExitSetting<_Read<boolean, O>> {
    return _define(valueName, 'REG_DWORD', options, {}, (value) =>
      typeof value === 'number' && Number.isInteger(value)
        ? { ok: true, value: value !== 0 }
        : _wrongType('REG_DWORD', value),
    );
  },

  /**
   * REG_MULTI_SZ, empty strings dropped. A REG_SZ is taken as one line per entry (what `certutil -setreg` makes of
   * a single value). Absent: the default, else an empty list.
   */
  multiString<const O extends SettingOptions<readonly string[]> = SettingOptions<readonly string[]>>(
    valueName: string,
    options?: O,
  ): ExitSetting<readonly string[]> {
    return _define(valueName, 'REG_MULTI_SZ', { default: [], ...options }, {}, (value) => {
      if (typeof value === 'string') return { ok: true, value: _lines(value.split(/\r?\n/)) };
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { ok: true, value: _lines(value) };
      return _wrongType('REG_MULTI_SZ', value);
    });
  },

  /** REG_BINARY. */
  binary<const O extends SettingOptions<Uint8Array> = SettingOptions<Uint8Array>>(
    valueName: string,
    options?: O,
  ): ExitSetting<_Read<Uint8Array, O>> {
    return _define(valueName, 'REG_BINARY', options, {}, (value) =>
      value instanceof Uint8Array ? { ok: true, value } : _wrongType('REG_BINARY', value),
    );
  },
} as const;

type _Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

function _define<T>(
  valueName: string,
  registryType: RegistryValueType,
  options: SettingOptions<T> | undefined,
  limits: { readonly min?: number | undefined; readonly max?: number | undefined; readonly oneOf?: readonly string[] },
  parse: (value: RegistryValue) => _Parsed<T>,
  // biome-ignore lint/suspicious/noExplicitAny: the builders narrow the type through their overload-like generics.
): ExitSetting<any> {
  if (typeof valueName !== 'string' || valueName.trim() === '' || valueName.includes('\\')) {
    throw new TypeError(`setting: ${JSON.stringify(valueName)} is not a registry value name`);
  }
  const fallback: unknown = typeof options?.default === 'boolean' ? Number(options.default) : options?.default;
  const declaration = {
    name: valueName,
    type: registryType,
    meaning: options?.description ?? (options?.required ? `${valueName} (required)` : valueName),
    ...(fallback !== undefined && { default: fallback }),
    ...(limits.min !== undefined && { min: limits.min }),
    ...(limits.max !== undefined && { max: limits.max }),
    ...(limits.oneOf !== undefined && { oneOf: limits.oneOf }),
    ...(options?.secret && { secret: true }),
  } as RegistryValueDeclaration;
  return {
    valueName,
    registryType,
    defaultValue: options?.default,
    secret: options?.secret ?? false,
    description: options?.description,
    declaration,
    read(key) {
      const raw = key.getValue(valueName);
      if (raw === undefined) {
        if (options?.default !== undefined) return { ok: true, value: options.default };
        return options?.required
          ? { ok: false, problem: `is required (${registryType}) and not set` }
          : { ok: true, value: undefined };
      }
      const parsed = parse(raw);
      if (!parsed.ok) return parsed;
      const problem = options?.validate?.(parsed.value);
      return problem === undefined ? parsed : { ok: false, problem };
    },
  };
}

function _wrongType(expected: RegistryValueType, value: RegistryValue): { ok: false; problem: string } {
  return { ok: false, problem: `must be a ${expected}, not a ${_registryTypeOf(value)}` };
}

function _registryTypeOf(value: RegistryValue): RegistryValueType {
  if (typeof value === 'number') return 'REG_DWORD';
  if (typeof value === 'string') return 'REG_SZ';
  return value instanceof Uint8Array ? 'REG_BINARY' : 'REG_MULTI_SZ';
}

function _lines(values: readonly string[]): readonly string[] {
  return values.map((v) => v.trim()).filter((v) => v !== '');
}
