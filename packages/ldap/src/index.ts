/**
 * @certexit/ldap: the directory client of certexit, shared by the default exit module and the engine's CDP/AIA
 * publication.
 * @packageDocumentation
 */

export { batchWhileBusy } from './batch-while-busy';
export {
  type AccountKind,
  type AccountSchema,
  AD_ACCOUNT_SCHEMA,
  accountFilter,
  connectDirectory,
  type DirectoryAccount,
  type DirectoryClientOptions,
  type DirectoryConnection,
  defaultLdapClientFactory,
  type LdapClientFactory,
  type LdapClientLike,
  type LdapClientOptions,
} from './directory-client';
export {
  type DirectoryConnectionSettings,
  directoryClientOptions,
  resolveBindPassword,
} from './directory-client-options';
export {
  createDirectoryConnectionPool,
  DEFAULT_LDAP_CONNECTION_SHARING,
  type DirectoryConnectionPool,
  type DirectoryConnectionPoolOptions,
} from './directory-connection-pool';
export {
  DIRECTORY_ERROR_CODES,
  DIRECTORY_HRESULTS,
  DirectoryError,
  type DirectoryErrorCode,
} from './directory-error';
export { escapeDnValue } from './escape-dn-value';
export { escapeFilterValue } from './escape-filter-value';
