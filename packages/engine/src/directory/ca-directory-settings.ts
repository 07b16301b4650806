import type { RegistryValueDeclaration, RegistryValueType } from '@certexit/core';
import { declareRegistryValues, readRegistryValue } from '@certexit/core';
import { LDAP_CONNECTION_VALUES } from '@certexit/ldap';
import type { CaFolderContext } from '../ca/open-ca-folder';

/**
 * The largest value written to the directory by default: 10 MiB, Active Directory's default LDAP policy
 * `MaxReceiveBuffer` (10,485,760 bytes). A DC drops a request larger than that (the connection closes, or the
 * write fails with a vague error), so a bigger CRL fails the preflight with a clear error instead.
 */
export const DEFAULT_MAX_LDAP_VALUE_BYTES = 10 * 1024 * 1024;

/** The values of the CA's `Directory` key (`CA\Directory\…`), which the engine's CDP/AIA publication reads. */
export const CA_DIRECTORY_VALUES = declareRegistryValues({
  LdapServers: {
    type: 'REG_MULTI_SZ',
    meaning: 'ldap:// or ldaps:// server URLs in failover order; without them LDAP publication locations are skipped.',
  },
  ...LDAP_CONNECTION_VALUES,
  LdapBinaryAttributes: {
    type: 'REG_DWORD',
    default: 0,
    max: 1,
    meaning: '1: write the ;binary attribute forms (OpenLDAP).',
  },
  MaxLdapValueBytes: {
    type: 'REG_DWORD',
    default: DEFAULT_MAX_LDAP_VALUE_BYTES,
    min: 1,
    meaning: "The largest value sent (AD's MaxReceiveBuffer): a larger CRL fails before anything is sent.",
  },
});

/** The CA's directory key, below the CA's registry key. */
export const CA_DIRECTORY_KEY = 'Directory';

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
  const view = ca.registry.keyAt(key);
  const read = <T extends RegistryValueType>(declaration: RegistryValueDeclaration<T>) => {
    const { value, problem } = readRegistryValue(view, declaration);
    if (problem) throw new Error(`${key}\\${problem}`);
    return value;
  };
  const v = CA_DIRECTORY_VALUES;
  const servers = (read(v.LdapServers) ?? [])
    .flatMap((entry) => entry.split(/[\s,;]+/))
    .map((url) => url.trim())
    .filter((url) => url !== '')
    .map((url) => {
      if (!/^ldaps?:\/\/[^/?#\s]+\/?$/i.test(url)) {
        throw new Error(
          `${key}\\${v.LdapServers.name}: ${JSON.stringify(url)} is not an ldap:// or ldaps:// server URL`,
        );
      }
      return url.replace(/\/$/, '');
    });
  const string = (declaration: RegistryValueDeclaration<'REG_SZ'>) => {
    const value = read(declaration)?.trim();
    return value === '' ? undefined : value;
  };
  return {
    servers,
    bindDN: string(v.LdapBindDN),
    bindPasswordFile: string(v.LdapBindPasswordFile),
    bindPasswordEnv: string(v.LdapBindPasswordEnv),
    caFile: string(v.LdapCAFile),
    startTLS: read(v.LdapStartTLS) !== 0,
    timeoutMs: read(v.LdapTimeoutMs)!,
    binaryAttributes: read(v.LdapBinaryAttributes) !== 0,
    maxValueBytes: read(v.MaxLdapValueBytes)!,
  };
}
