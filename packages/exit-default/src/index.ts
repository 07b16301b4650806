/**
 * @certexit/exit-default: the default exit module (`CertificateAuthority_MicrosoftDefault.Exit`).
 * @packageDocumentation
 */
export {
  createDefaultExitModule,
  DEFAULT_EXIT_DESCRIPTION,
  DEFAULT_EXIT_EVENT_MASK,
  type DefaultExitModuleOptions,
} from './create-default-exit-module';
export {
  createDefaultExitManageModule,
  DEFAULT_EXIT_MODULE_NAME,
  type DefaultExitManageModuleOptions,
} from './default-exit-manage-module';
export {
  type CaFacts,
  DEFAULT_EXIT_VALUE_NAMES,
  DEFAULT_LDAP_TIMEOUT_MS,
  DEFAULT_USER_CERTIFICATE_ATTRIBUTE,
  type DefaultExitSettings,
  type DirectorySettings,
  describeDefaultExitSettings,
  readDefaultExitSettings,
  resolveBindPassword,
  type SettingsIssue,
} from './default-exit-settings';
export {
  type AccountKind,
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
  DIRECTORY_ERROR_CODES,
  DIRECTORY_HRESULTS,
  DirectoryError,
  type DirectoryErrorCode,
} from './directory-error';
export { escapeFilterValue } from './escape-filter-value';
export {
  type DirectoryPublishOutcome,
  type PublishToDirectoryOptions,
  publishToDirectory,
} from './publish-to-directory';
export { parseRequesterName, type RequesterName, samAccountNameFor } from './requester-name';

import { createDefaultExitModule } from './create-default-exit-module';
export default createDefaultExitModule;
