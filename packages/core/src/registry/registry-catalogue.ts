import type { RegistryKey, RegistryValue } from '../interfaces/registry-key';
import type {
  RegistryDefaultContext,
  RegistryValueDeclaration,
  RegistryValueOfType,
  RegistryValueType,
} from '../interfaces/registry-value-declaration';

type _Declarations = Record<string, Omit<RegistryValueDeclaration, 'name'>>;

/**
 * Declares the values of a key: each entry gets its name from its property, so a reader writes
 * `CRL_SCHEDULE_VALUES.CRLPeriodUnits` instead of a string literal and its default.
 * @example
 * ```ts
 * export const INVENTORY_VALUES = declareRegistryValues({
 *   OutputFile: { type: 'REG_SZ', meaning: 'The JSON-lines file written, one line per event.' },
 * });
 * ```
 */
export function declareRegistryValues<const T extends _Declarations>(
  values: T,
): { readonly [K in keyof T & string]: T[K] & { readonly name: K } } {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { ...value, name }])) as {
    readonly [K in keyof T & string]: T[K] & { readonly name: K };
  };
}

/** The default of a declared value for a CA, or `undefined` when it has none. */
export function registryValueDefault<T extends RegistryValueType>(
  declaration: RegistryValueDeclaration<T>,
  ca: RegistryDefaultContext = {},
): RegistryValueOfType[T] | undefined {
  const value = declaration.default;
  return typeof value === 'function' ? value(ca) : value;
}

/**
 * Why a value cannot be the declared one, or `undefined` when it can: the wrong type, a text not among `oneOf`, a
 * number out of bounds.
 */
export function registryValueProblem(declaration: RegistryValueDeclaration, value: RegistryValue): string | undefined {
  const got = registryTypeOf(value);
  if (got !== declaration.type) return `${declaration.name} is ${_show(value)}, not a ${declaration.type}`;
  if (
    typeof value === 'string' &&
    declaration.oneOf &&
    !declaration.oneOf.some((v) => v.toLowerCase() === value.toLowerCase())
  )
    return `${declaration.name} is ${JSON.stringify(value)}; use ${declaration.oneOf.join(', ')}`;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
      return `${declaration.name} is ${value}, not a 32-bit unsigned number`;
    if (declaration.min !== undefined && value < declaration.min)
      return `${declaration.name} is ${value}; the smallest allowed is ${declaration.min}`;
    if (declaration.max !== undefined && value > declaration.max)
      return `${declaration.name} is ${value}; the largest allowed is ${declaration.max}`;
  }
  return undefined;
}

/** The registry type of a stored value. */
export function registryTypeOf(value: RegistryValue): RegistryValueType {
  if (typeof value === 'number') return 'REG_DWORD';
  if (typeof value === 'string') return 'REG_SZ';
  if (value instanceof Uint8Array) return 'REG_BINARY';
  return 'REG_MULTI_SZ';
}

/** A declared value as a reader gets it: the value in effect, where it came from, and what was wrong. */
export interface RegistryValueRead<T extends RegistryValueType> {
  /** The stored value when usable, else the default (`undefined` when there is none). */
  readonly value: RegistryValueOfType[T] | undefined;
  /** `set`: the stored value; `default`: nothing usable stored, the default applies; `unset`: neither. */
  readonly source: 'set' | 'default' | 'unset';
  /** Set when a stored value was not usable (it names the value and why); the reader decides: throw or warn. */
  readonly problem?: string;
}

/**
 * Reads a declared value from a key, with its default. A DWORD stored as decimal or `0x` text (configurations
 * written by hand, older setreg) is read as the number; a REG_SZ where a REG_MULTI_SZ is declared as a list of one.
 */
export function readRegistryValue<T extends RegistryValueType>(
  key: Pick<RegistryKey, 'getValue'>,
  declaration: RegistryValueDeclaration<T>,
  ca: RegistryDefaultContext = {},
): RegistryValueRead<T> {
  const stored = key.getValue(declaration.name);
  const fallback = registryValueDefault(declaration, ca);
  const absent = (problem?: string): RegistryValueRead<T> => ({
    value: fallback,
    source: fallback === undefined ? 'unset' : 'default',
    ...(problem && { problem }),
  });
  if (stored === undefined) return absent();
  const value = _coerce(declaration, stored);
  const problem = registryValueProblem(declaration, value);
  return problem ? absent(problem) : { value: value as RegistryValueOfType[T], source: 'set' };
}

function _coerce(declaration: RegistryValueDeclaration, value: RegistryValue): RegistryValue {
  const { type } = declaration;
  if (type === 'REG_DWORD' && typeof value === 'string' && /^\s*(0x[0-9a-f]{1,8}|\d{1,10})\s*$/i.test(value))
    return Number(value.trim());
  // A mask may have been stored signed (0xFFFFFFFF as -1); a negative count is a mistake the reader reports.
  if (type === 'REG_DWORD' && declaration.flags && typeof value === 'number' && Number.isInteger(value))
    return value >>> 0;
  if (type === 'REG_MULTI_SZ' && typeof value === 'string') return value === '' ? [] : [value];
  return value;
}

function _show(value: RegistryValue): string {
  return value instanceof Uint8Array ? `${value.length} bytes` : JSON.stringify(value);
}
