/**
 * @certexit/exit-default: the default exit module (`CertificateAuthority_MicrosoftDefault.Exit`).
 * @packageDocumentation
 */

export {
  type CertificateFacts,
  isIssuedBy,
  OID_CERTIFICATE_TEMPLATE,
  OID_ENROLL_CERTTYPE,
  readCertificateFacts,
} from './certificate-facts';
export {
  createDefaultExitModule,
  DEFAULT_EXIT_DESCRIPTION,
  DEFAULT_EXIT_EVENT_MASK,
  type DefaultExitModuleOptions,
} from './create-default-exit-module';
export { DEFAULT_EXIT_CONFIGURATION } from './default-exit-configuration';
export {
  createDefaultExitManageModule,
  DEFAULT_EXIT_MODULE_NAME,
  type DefaultExitManageModuleOptions,
} from './default-exit-manage-module';
export {
  type CaFacts,
  DEFAULT_EXIT_VALUES,
  DEFAULT_LDAP_TIMEOUT_MS,
  DEFAULT_USER_CERTIFICATE_ATTRIBUTE,
  type DefaultExitSettings,
  type DirectorySettings,
  describeDefaultExitSettings,
  type FileSettings,
  readDefaultExitSettings,
  type SettingsIssue,
} from './default-exit-settings';
export {
  FILE_PUBLISH_ERROR_CODES,
  FILE_PUBLISH_HRESULTS,
  FilePublishError,
  type FilePublishErrorCode,
} from './file-publish-error';
export { MAIL_ERROR_CODES, MAIL_HRESULTS, MailError, type MailErrorCode } from './mail-error';
export {
  DEFAULT_MAIL_TEMPLATES,
  DEFAULT_TEMPLATE_KEY,
  MAIL_EVENT_KEYS,
  MAIL_TEMPLATE_VALUES,
  type MailTemplate,
  resolveMailTemplate,
  SMTP_KEY_DECLARATION,
} from './mail-template';
export { formatMailText, MAIL_PROPERTY_NOT_FOUND, readMailArguments } from './mail-text';
export {
  type DirectoryPublishOutcome,
  type PublishToDirectoryOptions,
  publishToDirectory,
} from './publish-to-directory';
export {
  CERT_FILE_ATTRIBUTE,
  type FilePublishOutcome,
  type PublishToFileOptions,
  publishToFile,
} from './publish-to-file';
export { parseRequesterName, type RequesterName, samAccountNameFor } from './requester-name';
export {
  type OldCertificate,
  type OldCertificateReason,
  REMOVE_OLD_CERTS_DEFAULT_RULES,
  REMOVE_OLD_CERTS_EXPIRED,
  REMOVE_OLD_CERTS_REVOKED,
  REMOVE_OLD_CERTS_SUPERSEDED,
  type RevocationLookup,
  type SelectOldCertificatesOptions,
  selectOldCertificates,
} from './select-old-certificates';
export {
  type MailTransportFactory,
  type SendNotificationMailOptions,
  type SentMail,
  sendNotificationMail,
} from './send-notification-mail';
export {
  describeSmtpSettings,
  readSmtpSettings,
  resolveSmtpCredentials,
  SMTP_AUTH_ANONYMOUS,
  SMTP_AUTH_BASIC,
  SMTP_KEY,
  SMTP_VALUES,
  type SmtpSettings,
} from './smtp-settings';

import { createDefaultExitModule } from './create-default-exit-module';
export default createDefaultExitModule;
