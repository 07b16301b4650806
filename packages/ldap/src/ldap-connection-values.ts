/** @default 10000: the connect and per-operation timeout of a directory connection, in milliseconds. */
export const DEFAULT_LDAP_TIMEOUT_MS = 10_000;

/**
 * The registry values that say how to bind to a directory, the same under every key that configures a connection
 * (the CA's `Directory` key, the default exit module's key). Spread them into that key's `declareRegistryValues`
 * beside its `LdapServers`; a key whose wording differs overrides an entry after the spread (it keeps its place).
 */
export const LDAP_CONNECTION_VALUES = {
  LdapBindDN: { type: 'REG_SZ', meaning: 'The account to bind as (simple bind); anonymous when not set.' },
  LdapBindPasswordFile: { type: 'REG_SZ', meaning: 'A file holding the bind password; wins over LdapBindPasswordEnv.' },
  LdapBindPasswordEnv: { type: 'REG_SZ', meaning: 'The name of an environment variable holding the bind password.' },
  LdapCAFile: {
    type: 'REG_SZ',
    meaning: 'PEM of the CAs trusted for LDAPS and StartTLS; the system CAs when not set.',
  },
  LdapStartTLS: { type: 'REG_DWORD', default: 0, max: 1, meaning: '1: upgrade ldap:// connections with StartTLS.' },
  LdapTimeoutMs: {
    type: 'REG_DWORD',
    default: DEFAULT_LDAP_TIMEOUT_MS,
    min: 1,
    meaning: 'Connect and per-operation timeout.',
  },
} as const;
