import type { RegistryValue, RegistryValueDeclaration, RegistryValueType } from '@certexit/core';

/** What a `setreg` input is applied to: the value's type, its value in effect, and its flag names. */
export interface RegistryEditTarget {
  readonly name: string;
  readonly type: RegistryValueType;
  /** The stored value, else the default: what `+X` and `-X` start from. */
  readonly current: RegistryValue | undefined;
  /** The flag bits by name, for a DWORD of flags. */
  readonly flags?: RegistryValueDeclaration['flags'];
}

/**
 * The value `certexit setreg` stores, certutil-style, always of the target's type:
 * - REG_DWORD: a number (decimal or 0x hex) or one of its flag names; `+X`/`-X` set or clear bits, starting from the
 *   value in effect (the default when none is stored);
 * - REG_MULTI_SZ: entries separated by `\n`; `+X` appends an entry, `-X` removes one;
 * - REG_SZ: the text as given.
 * @throws an error naming the value and what it takes
 */
export function editRegistryValue(target: RegistryEditTarget, input: string): RegistryValue {
  const sign = input[0];
  const edit = (sign === '+' || sign === '-') && input.length > 1 ? sign : undefined;
  const operand = edit ? input.slice(1) : input;
  switch (target.type) {
    case 'REG_DWORD': {
      const bits = _number(operand) ?? _flag(target, operand);
      if (bits === undefined) {
        const names = Object.keys(target.flags ?? {});
        throw new Error(
          `${target.name} is a REG_DWORD: ${JSON.stringify(operand)} is not a number${names.length > 0 ? ` or one of its flags (${names.join(', ')})` : ''}`,
        );
      }
      if (!edit) return bits;
      const current = typeof target.current === 'number' ? target.current : 0;
      return edit === '+' ? (current | bits) >>> 0 : (current & ~bits) >>> 0;
    }
    case 'REG_MULTI_SZ': {
      const list = Array.isArray(target.current)
        ? [...target.current]
        : typeof target.current === 'string' && target.current !== ''
          ? [target.current]
          : [];
      if (edit === '+') return list.includes(operand) ? list : [...list, operand];
      if (edit === '-') {
        if (!list.includes(operand))
          throw new Error(
            `${target.name} has no entry ${JSON.stringify(operand)}; its entries: ${list.map((e) => JSON.stringify(e)).join(', ') || 'none'}`,
          );
        return list.filter((entry) => entry !== operand);
      }
      return input.split(/\\n|\n/);
    }
    case 'REG_SZ':
      return input;
    default:
      throw new Error(`${target.name} is a REG_BINARY value: setreg does not change binary values`);
  }
}

function _number(text: string): number | undefined {
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return Number.parseInt(text, 16);
  if (/^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff) return Number(text);
  return undefined;
}

function _flag(target: RegistryEditTarget, name: string): number | undefined {
  if (!/^[A-Z][A-Z0-9_]*$/.test(name)) return undefined;
  const flags = target.flags ?? {};
  const found = Object.entries(flags).find(([flag]) => flag === name);
  if (found) return found[1];
  if (Object.keys(flags).length > 0)
    throw new Error(`${name} is not a flag of ${target.name}: use ${Object.keys(flags).join(', ')}`);
  return undefined;
}
