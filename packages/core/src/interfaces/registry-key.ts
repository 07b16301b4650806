/**
 * A registry value: REG_DWORD → number, REG_SZ/REG_EXPAND_SZ → string, REG_MULTI_SZ → string[],
 * REG_BINARY → Uint8Array.
 */
export type RegistryValue = number | string | readonly string[] | Uint8Array;

/**
 * A read view of one key of the registry-shaped configuration, e.g. a module's own location
 * (`...\Configuration\<CA>\ExitModules\<ProgID>`, what `ModuleRegistryLocation` returns).
 * Value and key names compare case-insensitively, as on Windows.
 */
export interface RegistryKey {
  /** The full path of this key, backslash-separated, relative to HKLM. */
  readonly path: string;
  /** A value, or `undefined` when absent. Reads always see the current configuration. */
  getValue(name: string): RegistryValue | undefined;
  getValueNames(): string[];
  getSubKeyNames(): string[];
  /** A subkey (`SMTP`, `Templates\User\Issued`, …); it may not exist yet, in which case it reads as empty. */
  openSubKey(relativePath: string): RegistryKey;
}
