/**
 * @certexit/engine: the certexit CA engine, for embedding a certificate authority. A CA folder (registry,
 * database, keys, templates), the AD CS request lifecycle, policy, CRLs, CDP/AIA publication, and the exit-module
 * host with its outbox.
 * @packageDocumentation
 */

export { BACKUP_MIN_PASSWORD, type BackupCaOptions, type BackupCaResult, backupCa } from './backup/backup-ca';
export { BACKUP_FORMAT, type BackupManifest, type BackupSource } from './backup/backup-manifest';
export { type RestoreCaOptions, type RestoreCaResult, restoreCa } from './backup/restore-ca';
export { type CaCertificateState, caCertificateStates } from './ca/ca-certificate-states';
export { caRegistryPaths } from './ca/ca-configuration-paths';
export type { CaContext, CaSigningKey } from './ca/ca-context';
export { type CaFolder, caFolder, caKeyFile } from './ca/ca-folder';
export { readCaStoreSettings, writeCaStoreSettings } from './ca/ca-store-registry';
export { CA_TYPE_NAMES, type CaInfoCertificate, type CaInformation, describeCa } from './ca/describe-ca';
export {
  type InstallCaCertificateOptions,
  type InstalledCaCertificate,
  installCaCertificate,
} from './ca/install-ca-certificate';
export { type CaStoreMigration, type MigrateCaStoreOptions, migrateCaStore } from './ca/migrate-ca-store';
export { openCa } from './ca/open-ca';
export { type CaFolderContext, type OpenCaOptions, openCaFolder } from './ca/open-ca-folder';
export type { ParentCa, ParentCaSubmission } from './ca/parent-ca';
export { type RenewCaOptions, type RenewCaResult, renewCa } from './ca/renew-ca';
export { sanitizeCaName } from './ca/sanitize-ca-name';
export {
  CA_STORE_CHECKS,
  type CaStoreCheckName,
  type CaStoreCheckResult,
  type CaStoreConformanceOptions,
  type CaStoreConformanceReport,
  checkCaStore,
} from './conformance/check-ca-store';
export {
  type CrlPeriod,
  type CrlScheduleSettings,
  deltaCrlsEnabled,
  readCrlScheduleSettings,
} from './crl/crl-schedule-settings';
export { CrlScheduler, type CrlSchedulerOptions, type CrlScheduleState } from './crl/crl-scheduler';
export type { CrlProgress } from './crl/issue-crls';
export {
  type CrlPublication,
  type CrlPublishingServices,
  type PublishCrlsOptions,
  type PublishedCrl,
  publishCrls,
} from './crl/publish-crls';
export { startCrlSchedule } from './crl/start-crl-schedule';
export {
  CA_DIRECTORY_KEY,
  CA_DIRECTORY_VALUES,
  type CaDirectorySettings,
  readCaDirectorySettings,
} from './directory/ca-directory-settings';
export { type DsPublishCertificateKind, dsPublishCertificateUrl, dsPublishCrlUrl } from './directory/ds-publish-target';
export { findRequesterInDirectory } from './directory/find-requester-in-directory';
export {
  type DirectoryPublicationItem,
  type DirectoryPublicationResult,
  type PublishToCaDirectoryOptions,
  publishToCaDirectory,
} from './directory/publish-to-ca-directory';
export { CA_REGISTRY_KEY } from './engine/ca-registry-declaration';
export { CertificateAuthority, type CertificateAuthorityOptions } from './engine/certificate-authority';
export { REVOCATION_REASONS } from './engine/crl-reason-names';
export { dispositionText } from './engine/disposition-text';
export type { EngineServices } from './engine/engine-services';
export { localParentCa } from './engine/local-parent-ca';
export { parseRequestAttributes } from './engine/request-attributes';
export type { RequestOutcome } from './engine/request-outcome';
export type { RevokeOptions } from './engine/revoke-certificate';
export { CA_SETUP_TYPES, type CaSetupType, type SetupCaOptions, type SetupCaResult, setupCa } from './engine/setup-ca';
export { defaultRequesterName, type SubmitInput } from './engine/submit-request';
export {
  DEFAULT_VIEW_COLUMNS,
  VIEW_NAMES,
  type ViewName,
  type ViewOptions,
  type ViewResult,
  type ViewSchemaColumn,
  viewRequests,
  viewSchema,
} from './engine/view-requests';
export { DISPOSITION_NAMES, dispositionName, parseRestrictions } from './engine/view-restriction';
export { databaseDataSource } from './hosting/database-data-source';
export type { DeliveryRecord } from './hosting/delivery-record';
export type { ExitHost, ExitModuleInfo } from './hosting/exit-host';
export { type ExitHostThreadOptions, startExitHostThread } from './hosting/exit-host-thread';
export type { ExitHostThreadData } from './hosting/exit-host-thread-protocol';
export { EXIT_MODULE_KEY, EXIT_MODULE_VALUES, EXIT_MODULES_VALUES } from './hosting/exit-module-registry-values';
export type { DeliveryMode } from './hosting/exit-outbox';
export {
  dropExitQueueItem,
  type ExitQueueItem,
  type ExitQueueLease,
  type ExitQueueReport,
  exitQueueItem,
  exitQueueReport,
  leaseNode,
  retryExitQueue,
} from './hosting/exit-queue-report';
export { formatEventId } from './hosting/in-flight-deliveries';
export { knownProgId } from './hosting/known-prog-id';
export {
  type BuiltinExitModules,
  type ExitModuleImporter,
  type ExitModuleLoadFailure,
  exitModuleFactoryOf,
  importExitModuleFactory,
  type LoadedExitModule,
} from './hosting/load-exit-modules';
export { type ExitModuleCodeLocation, isExitModulePath, locateExitModule } from './hosting/locate-exit-module';
export {
  assertProgId,
  type ModuleRegistration,
  ModuleRegistrations,
  PROGID_REGISTRY_VALUES,
} from './hosting/module-registrations';
export {
  parseReplayMask,
  REPLAY_DEFAULT_LIMIT,
  REPLAY_MAX_EVENTS,
  REPLAYABLE_EVENTS,
  type ReplayOptions,
  type ReplayResult,
  replayExitEvents,
} from './hosting/replay-exit-events';
export { runExitHostThread } from './hosting/run-exit-host-thread';
export {
  defaultCaTemplateNames,
  editCaTemplateNames,
  enrolleeSuppliesNames,
  REGVAL_CA_TEMPLATES,
  readCaTemplateNames,
} from './policy/ca-template-list';
export { ADMINISTRATOR_GROUPS, effectiveGroups, PRINCIPALS } from './policy/certexit-principals';
export type { CertificateTemplate, TemplateKeyAlgorithm } from './policy/certificate-template';
export { defaultTemplates } from './policy/default-templates';
export {
  evaluateRequest,
  type IssuancePlan,
  type PolicyContext,
  type PolicyRequest,
  type PolicyVerdict,
} from './policy/evaluate-request';
export type { PolicyCa } from './policy/policy-ca';
export { POLICY_MODULE_VALUES, POLICY_MODULES_VALUES } from './policy/policy-registry-values';
export {
  DEFAULT_ENABLED_REQUEST_EXTENSIONS,
  defaultEditFlags,
  defaultRequestDisposition,
  POLICY_VALUE_NAMES,
  type PolicySettings,
  policyModuleKey,
  REGVAL_CRL_FLAGS,
  readPolicySettings,
} from './policy/policy-settings';
export type { FindRequester, RequesterDirectoryEntry, RequesterLookup } from './policy/requester-lookup';
export {
  copyTemplate,
  editCaTemplates,
  editTemplateFlags,
  listTemplateViews,
  requireTemplate,
  setTemplateField,
  suppliesNames,
  TEMPLATE_SET_FIELDS,
  type TemplateChange,
  type TemplateView,
  templateView,
  templateWarnings,
} from './policy/template-administration';
export { hasTemplateRight, type TemplateAccessEntry, type TemplateRight } from './policy/template-permissions';
export { CA_REGISTRY_VALUES, CRL_PERIOD_UNITS } from './registry/ca-registry-values';
export { RegistryFile } from './registry/registry-file';
export { RegistryFileError } from './registry/registry-file-error';
export {
  HIDDEN_VALUE,
  isSecretRegistryValue,
  shownRegistryKey,
  shownRegistryValue,
} from './registry/secret-registry-values';
export type { AuditEntry, AuditRecord } from './store/audit-log';
export type {
  CaCertificateRow,
  CaStore,
  CaStoreTransaction,
  CertificateRow,
  CrlRow,
  ExitEventRow,
  RequestRow,
  StoredExtension,
  WalCheckpoints,
} from './store/ca-store';
export {
  assertNoPasswordInConnection,
  CA_STORE_PACKAGES,
  CA_STORE_REGISTRY_VALUES,
  type CaStoreSettings,
  caStorePackage,
  redactConnection,
} from './store/ca-store-settings';
export {
  CA_STORE_SEQUENCES,
  CA_STORE_TABLE_KEYS,
  CA_STORE_TABLES,
  type CaStoreExport,
  type CaStoreSequence,
  type CaStoreTable,
  type CaStoreTransfer,
  type CaStoreTransferRow,
} from './store/ca-store-transfer';
export { claimOwnerIsGone } from './store/claim-owner';
export { type CaStoreCopy, type CopyCaStoreOptions, copyCaStore } from './store/copy-ca-store';
export { DatabaseWentBackError } from './store/database-went-back-error';
export type { ExitActionRecord, ExitActionRecords } from './store/exit-action-records';
export type {
  ExitOutboxStore,
  OutboxClaim,
  OutboxCount,
  OutboxLease,
  OutboxReplay,
  OutboxReplayRequest,
  OutboxReplaySummary,
  OutboxRow,
  OutboxStatus,
} from './store/exit-outbox-store';
export {
  HighWaterMarkFile,
  type HighWaterMarks,
  marksBehind,
  type StoredHighWaterMarks,
} from './store/high-water-mark';
export {
  type CaStoreOpenContext,
  type CaStorePackage,
  type OpenCaStoreOptions,
  openCaStore,
  type PackageImporter,
} from './store/open-ca-store';
export { parseRevocationBatch } from './store/parse-revocation-batch';
export { propertiesFromJson, propertiesToJson, tagDates } from './store/property-json';
export {
  assertRequestViewQuery,
  REQUEST_VIEW_COLUMN_TYPES,
  REQUEST_VIEW_FOLDERS,
  REQUEST_VIEW_MAX_LIMIT,
  REQUEST_VIEW_SORTS,
  type RequestViewColumn,
  type RequestViewCursor,
  type RequestViewFilter,
  type RequestViewFilterOp,
  type RequestViewFolder,
  type RequestViewPage,
  type RequestViewQuery,
  type RequestViewRow,
} from './store/request-view-query';
export type { RevocationBatch, RevocationQuery } from './store/revocation-batch';
export type { DeleteRowsQuery, DeleteRowsResult, DeleteRowsTable } from './store/sqlite-delete-rows';
export { highWaterMarkFileOf, openSqliteStore, type SqliteStoreOptions } from './store/sqlite-store';
export { buildViewRowsSql } from './store/sqlite-view-rows';
export {
  HRESULT_IO_DEVICE,
  HRESULT_WRITE_PROTECT,
  type StorageFault,
  StorageFaultError,
  storageFaultOf,
} from './store/storage-fault-error';
export {
  auditRecordFromRecord,
  certificateRowFromRecord,
  crlInfoFromRecord,
  outboxRowFromRecord,
  outcomeFromRecord,
  REQUEST_ROW_COLUMNS,
  replaySummaryFromRecord,
  requestRowFromRecord,
  requestViewPageFromRecords,
  requestViewRowFromRecord,
  storedBytes,
} from './store/store-rows';
export {
  parseViewCursor,
  type ResolvedViewCondition,
  resolveViewColumns,
  toViewRowsPage,
} from './store/view-rows-page';
export {
  VIEW_STORE_COLUMNS,
  type ViewCondition,
  type ViewRowsPage,
  type ViewRowsQuery,
  type ViewStoreColumn,
  type ViewTable,
} from './store/view-rows-query';
export { createPkiUrlFetcher, type PkiUrlFetcherOptions } from './verify/fetch-pki-url';
