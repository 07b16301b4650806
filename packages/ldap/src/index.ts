/**
 * @certexit/ldap: the directory client of certexit, shared by the default exit module and the engine's CDP/AIA
 * publication.
 * @packageDocumentation
 */

export {
  type AccountKind,
  type AccountLookup,
  type AccountSchema,
  AD_ACCOUNT_SCHEMA,
  accountFilter,
  type DirectoryAccount,
} from './account-lookup';
export { batchWhileBusy } from './batch-while-busy';
export { connectDirectory, type DirectoryClientOptions } from './connect-directory';
export {
  type DirectoryConnectionSettings,
  directoryClientOptions,
  resolveBindPassword,
} from './directory-client-options';
export type { DirectoryConnection } from './directory-connection';
export {
  createDirectoryConnectionPool,
  DEFAULT_LDAP_CONNECTION_SHARING,
  type DirectoryConnectionPool,
  type DirectoryConnectionPoolOptions,
} from './directory-connection-pool';
export {
  DIRECTORY_ERROR_CODES,
  DIRECTORY_ERROR_RETRYABLE,
  DIRECTORY_HRESULTS,
  DirectoryError,
  type DirectoryErrorCode,
} from './directory-error';
export type { DirectoryWrites } from './directory-writes';
export { escapeDnValue } from './escape-dn-value';
export { escapeFilterValue } from './escape-filter-value';
export {
  defaultLdapClientFactory,
  type LdapClientFactory,
  type LdapClientLike,
  type LdapClientOptions,
} from './ldap-client';
export { DEFAULT_LDAP_TIMEOUT_MS, LDAP_CONNECTION_VALUES } from './ldap-connection-values';
