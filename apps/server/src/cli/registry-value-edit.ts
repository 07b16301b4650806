import type { RegistryValue } from '@certexit/core';
import * as core from '@certexit/core';
import type { CaContext } from '@certexit/engine';
import { defaultEditFlags, POLICY_VALUE_NAMES, policyModuleKey, REGVAL_CRL_FLAGS } from '@certexit/engine';

/**
 * The value the CA acts on when a registry value is absent, for the flag words whose default is not 0:
 * `policy\EditFlags` (`EDITF_DEFAULT_ENTERPRISE` / `EDITF_DEFAULT_STANDALONE`) and `CA\CRLFlags`.
 */
export function defaultRegistryValue(ca: CaContext, path: string): RegistryValue | undefined {
  const lower = path.toLowerCase();
  if (lower === `${policyModuleKey(ca)}\\${POLICY_VALUE_NAMES.EditFlags}`.toLowerCase())
    return defaultEditFlags(ca.caType);
  if (lower === `${ca.registryPath}\\${REGVAL_CRL_FLAGS}`.toLowerCase()) return 0;
  return undefined;
}

/**
 * The value `certexit setreg` stores, certutil-style: a number (decimal or 0x hex) is a DWORD; text with `\n`
 * is a multi-string; `+X`/`-X` on a DWORD sets/clears bits (X a number or a constant name such as
 * `EXITEVENT_CERTISSUED`), on a multi-string appends/removes an entry.
 */
export function editRegistryValue(existing: RegistryValue | undefined, input: string): RegistryValue {
  const sign = input[0];
  if ((sign === '+' || sign === '-') && input.length > 1) {
    const operand = input.slice(1);
    if (existing === undefined || typeof existing === 'number') {
      const bits = _number(operand) ?? _constant(operand);
      if (bits === undefined)
        throw new Error(`${JSON.stringify(operand)} is neither a number nor a known constant name`);
      const current = existing ?? 0;
      return sign === '+' ? (current | bits) >>> 0 : (current & ~bits) >>> 0;
    }
    if (Array.isArray(existing) || typeof existing === 'string') {
      const list = Array.isArray(existing) ? [...existing] : [existing];
      return sign === '+' ? [...list, operand] : list.filter((entry) => entry !== operand);
    }
    throw new Error('+/- edits apply to DWORD and multi-string values only');
  }
  const number = _number(input);
  if (number !== undefined) return number;
  const parts = input.split(/\\n|\n/);
  return parts.length > 1 ? parts : input;
}

/** How `getreg` prints a value. */
export function formatRegistryValue(name: string, value: RegistryValue): string {
  if (typeof value === 'number') return `  ${name} REG_DWORD = ${value} (0x${value.toString(16)})`;
  if (typeof value === 'string') return `  ${name} REG_SZ = ${value}`;
  if (value instanceof Uint8Array) return `  ${name} REG_BINARY = ${Buffer.from(value).toString('hex')}`;
  return [`  ${name} REG_MULTI_SZ =`, ...value.map((v, i) => `    ${i}: ${v}`)].join('\n');
}

function _number(text: string): number | undefined {
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return Number.parseInt(text, 16);
  if (/^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff) return Number(text);
  return undefined;
}

function _constant(name: string): number | undefined {
  const value = (core as Record<string, unknown>)[name];
  return /^(EXITEVENT|EXITPUB|CSURL|CT_FLAG|CR_FLG|EXTENSION|EDITF|CRLF)_[A-Z0-9_]+$/.test(name) &&
    typeof value === 'number'
    ? value
    : undefined;
}
