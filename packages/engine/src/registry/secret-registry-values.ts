import type { RegistryTree, RegistryValue } from '@certexit/core';
import { isRegistrySubtree } from '@certexit/core';

/** What a secret value shows as: it is stored, never printed. */
export const HIDDEN_VALUE = '(hidden)';

/**
 * True for a registry value that may hold a credential and is therefore never printed: the variables of a process
 * module's environment (`...\ExitModules\<ProgID>\Environment\<NAME>`), which `module register --env` sets.
 */
export function isSecretRegistryValue(path: string): boolean {
  const segments = path.split('\\').map((s) => s.toLowerCase());
  const environment = segments.lastIndexOf('environment');
  return environment >= 2 && environment === segments.length - 2 && segments[environment - 2] === 'exitmodules';
}

/** The value as it may be shown: a secret one as {@link HIDDEN_VALUE}. */
export function shownRegistryValue(path: string, value: RegistryValue): RegistryValue {
  return isSecretRegistryValue(path) ? HIDDEN_VALUE : value;
}

/** A key (at `path`) as it may be shown: every secret value below it replaced by {@link HIDDEN_VALUE}. */
export function shownRegistryKey(path: string, key: RegistryTree): RegistryTree {
  const out: RegistryTree = {};
  for (const [name, entry] of Object.entries(key)) {
    const below = `${path}\\${name}`;
    out[name] = isRegistrySubtree(entry) ? shownRegistryKey(below, entry) : shownRegistryValue(below, entry);
  }
  return out;
}
