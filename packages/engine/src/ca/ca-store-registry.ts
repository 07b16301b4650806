import type { RegistryFile } from '../registry/registry-file';
import type { CaStoreSettings } from '../store/ca-store-settings';
import { assertNoPasswordInConnection, CA_STORE_REGISTRY_VALUES } from '../store/ca-store-settings';

/**
 * The CA's store settings from its registry key (`Configuration\<CA>\DBStore`, `DBConnection`, …): SQLite when
 * `DBStore` is absent. A connection that holds a password is refused (the message says where it goes instead).
 */
export function readCaStoreSettings(registry: RegistryFile, caPath: string): CaStoreSettings {
  const value = (name: string) => registry.getValue(`${caPath}\\${name}`);
  const text = (name: string) => {
    const v = value(name);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const number = (name: string) => {
    const v = value(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`${caPath}\\${name} is ${JSON.stringify(v)}, not a positive number`);
    return n;
  };
  const names = CA_STORE_REGISTRY_VALUES;
  const kind = text(names.kind) ?? 'sqlite';
  const connection = text(names.connection);
  if (kind.toLowerCase() !== 'sqlite') {
    if (!connection) throw new Error(`${caPath}\\${names.kind} is ${kind}, but ${names.connection} names no database`);
    assertNoPasswordInConnection(connection, `${caPath}\\${names.connection}`);
  }
  const settings: Record<string, string | number | undefined> = {
    kind,
    connection,
    schema: text(names.schema),
    passwordFile: text(names.passwordFile),
    passwordEnv: text(names.passwordEnv),
    tlsCaFile: text(names.tlsCaFile),
    poolSize: number(names.poolSize),
    statementTimeoutMs: number(names.statementTimeoutMs),
    leaseMs: number(names.leaseMs),
    synchronousCommit: text(names.synchronousCommit),
  };
  const commit = settings.synchronousCommit;
  if (commit !== undefined && !['off', 'local', 'on', 'remote_write', 'remote_apply'].includes(String(commit)))
    throw new Error(
      `${caPath}\\${names.synchronousCommit} is ${JSON.stringify(commit)}: off, local, on, remote_write or remote_apply`,
    );
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as unknown as CaStoreSettings;
}

/**
 * Writes store settings into the CA's registry key (what `setupCa` with a store and `certexit store migrate` do):
 * the `DB*` values of the settings; those it leaves out are removed. Refuses a connection holding a password.
 */
export function writeCaStoreSettings(registry: RegistryFile, caPath: string, settings: CaStoreSettings): void {
  if (settings.connection) assertNoPasswordInConnection(settings.connection, 'the store connection');
  for (const [key, name] of Object.entries(CA_STORE_REGISTRY_VALUES)) {
    const value = settings[key as keyof CaStoreSettings];
    if (value === undefined || (key === 'kind' && value === 'sqlite')) registry.delete(`${caPath}\\${name}`);
    else registry.setValue(`${caPath}\\${name}`, value);
  }
}
