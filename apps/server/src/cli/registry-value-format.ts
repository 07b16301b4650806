import type { RegistryValue, RegistryValueDeclaration } from '@certexit/core';

/** How `getreg` and `setreg` print one value: `  Name REG_DWORD = 2 (0x2) EXITPUB_ACTIVEDIRECTORY (default)`. */
export function formatRegistryValue(
  name: string,
  value: RegistryValue | undefined,
  options: { declaration?: RegistryValueDeclaration | undefined; isDefault?: boolean; secret?: boolean } = {},
): string {
  const mark = options.isDefault ? ' (default)' : '';
  if (value === undefined) return `  ${name} ${options.declaration?.type ?? ''} (not set)`.replace('  (', ' (');
  if (options.secret || options.declaration?.secret)
    return `  ${name} ${options.declaration?.type ?? _type(value)} = (hidden)${mark}`;
  if (typeof value === 'number') {
    const names = _flagNames(value, options.declaration?.flags);
    return `  ${name} REG_DWORD = ${value} (0x${value.toString(16)})${names ? ` ${names}` : ''}${mark}`;
  }
  if (typeof value === 'string') return `  ${name} REG_SZ = ${value}${mark}`;
  if (value instanceof Uint8Array) return `  ${name} REG_BINARY = ${Buffer.from(value).toString('hex')}${mark}`;
  return [`  ${name} REG_MULTI_SZ =${mark}`, ...value.map((v, i) => `    ${i}: ${v}`)].join('\n');
}

function _type(value: RegistryValue): string {
  if (typeof value === 'number') return 'REG_DWORD';
  if (typeof value === 'string') return 'REG_SZ';
  return value instanceof Uint8Array ? 'REG_BINARY' : 'REG_MULTI_SZ';
}

/** The names of the set bits a declaration names, `A | B`; unnamed bits as hex. */
function _flagNames(value: number, flags: RegistryValueDeclaration['flags']): string | undefined {
  if (!flags || value === 0) return undefined;
  const names: string[] = [];
  let rest = value >>> 0;
  for (const [name, bit] of Object.entries(flags).sort((a, b) => a[1] - b[1])) {
    if (bit !== 0 && (rest & bit) === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names.join(' | ');
}
