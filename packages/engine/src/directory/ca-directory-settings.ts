import type { RegistryValue } from '@certexit/core';
import type { CaFolderContext } from '../ca/open-ca-folder';

/** The values of the CA's `Directory` key (`CA\Directory\…`), which the engine's CDP/AIA publication reads. */
export const CA_DIRECTORY_VALUE_NAMES = {
  LdapServers: 'LdapServers',
  LdapBindDN: 'LdapBindDN',
  LdapBindPasswordFile: 'LdapBindPasswordFile',
  LdapBindPasswordEnv: 'LdapBindPasswordEnv',
  LdapCAFile: 'LdapCAFile',
  LdapStartTLS: 'LdapStartTLS',
  LdapTimeoutMs: 'LdapTimeoutMs',
  LdapBinaryAttributes: 'LdapBinaryAttributes',
  MaxLdapValueBytes: 'MaxLdapValueBytes',
} as const;

/** The CA's directory key, below the CA's registry key. */
export const CA_DIRECTORY_KEY = 'Directory';

/**
 * The largest value written to the directory by default: 10 MiB, Active Directory's default LDAP policy
 * `MaxReceiveBuffer` (10,485,760 bytes). A DC drops a request larger than that (the connection closes, or the
 * write fails with a vague error), so a bigger CRL fails the preflight with a clear error instead.
 */
export const DEFAULT_MAX_LDAP_VALUE_BYTES = 10 * 1024 * 1024;

/** How the engine reaches the directory. Holds no secret: the password is read when used. */
export interface CaDirectorySettings {
  /** `LdapServers`, in failover order; empty: LDAP publication locations are skipped. */
  readonly servers: readonly string[];
  readonly bindDN: string | undefined;
  readonly bindPasswordFile: string | undefined;
  readonly bindPasswordEnv: string | undefined;
  readonly caFile: string | undefined;
  readonly startTLS: boolean;
  readonly timeoutMs: number;
  /** `LdapBinaryAttributes`: append `;binary` to `certificateRevocationList`, `deltaRevocationList`, `cACertificate`. */
  readonly binaryAttributes: boolean;
  /** `MaxLdapValueBytes`: the preflight limit of one value. */
  readonly maxValueBytes: number;
}

/**
 * Reads `CA\Directory`. Values mirror the default exit module's directory settings (`LdapServers`, `LdapBindDN`,
 * `LdapBindPasswordFile` / `LdapBindPasswordEnv`, `LdapCAFile`, `LdapStartTLS`, `LdapTimeoutMs`), plus
 * `LdapBinaryAttributes` (OpenLDAP) and `MaxLdapValueBytes`.
 * @throws when a value has the wrong type or a server is not an `ldap://` / `ldaps://` URL
 */
export function readCaDirectorySettings(ca: Pick<CaFolderContext, 'registry' | 'registryPath'>): CaDirectorySettings {
  const key = `${ca.registryPath}\\${CA_DIRECTORY_KEY}`;
  const get = (name: string) => ca.registry.getValue(`${key}\\${name}`);
  const n = CA_DIRECTORY_VALUE_NAMES;
  const servers = _strings(get(n.LdapServers), `${key}\\${n.LdapServers}`).map((url) => {
    if (!/^ldaps?:\/\/[^/?#\s]+\/?$/i.test(url)) {
      throw new Error(`${key}\\${n.LdapServers}: ${JSON.stringify(url)} is not an ldap:// or ldaps:// server URL`);
    }
    return url.replace(/\/$/, '');
  });
  const string = (name: string) => {
    const value = get(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new Error(`${key}\\${name} must be a string (REG_SZ)`);
    return value.trim() === '' ? undefined : value.trim();
  };
  const dword = (name: string) => {
    const value = get(name);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    if (typeof value === 'string' && /^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(value)) return Number(value.trim());
    throw new Error(`${key}\\${name} must be a number (REG_DWORD), not ${JSON.stringify(value)}`);
  };
  return {
    servers,
    bindDN: string(n.LdapBindDN),
    bindPasswordFile: string(n.LdapBindPasswordFile),
    bindPasswordEnv: string(n.LdapBindPasswordEnv),
    caFile: string(n.LdapCAFile),
    startTLS: (dword(n.LdapStartTLS) ?? 0) !== 0,
    timeoutMs: dword(n.LdapTimeoutMs) || 10_000,
    binaryAttributes: (dword(n.LdapBinaryAttributes) ?? 0) !== 0,
    maxValueBytes: dword(n.MaxLdapValueBytes) || DEFAULT_MAX_LDAP_VALUE_BYTES,
  };
}

function _strings(value: RegistryValue | undefined, where: string): string[] {
  if (value === undefined) return [];
  const list =
    typeof value === 'string' ? value.split(/[\s,;]+/) : Array.isArray(value) ? value.map(String) : undefined;
  if (!list) throw new Error(`${where} must be a string list (REG_MULTI_SZ)`);
  return list.map((s) => s.trim()).filter((s) => s !== '');
}
