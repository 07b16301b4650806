/** The certexit reference server engine, for composition and tests. */
export { builtinExitModules } from './builtin-exit-modules';
export { type CaCertificateState, caCertificateStates } from './ca/ca-certificate-states';
export type { CaContext, CaSigningKey } from './ca/ca-context';
export {
  type InstallCaCertificateOptions,
  type InstalledCaCertificate,
  installCaCertificate,
} from './ca/install-ca-certificate';
export { openCa } from './ca/open-ca';
export type { ParentCa, ParentCaSubmission } from './ca/parent-ca';
export { type RenewCaOptions, type RenewCaResult, renewCa } from './ca/renew-ca';
export { type CaSetupType, type SetupCaOptions, type SetupCaResult, setupCa } from './ca/setup-ca';
export { type CliIo, runCli } from './cli/main';
export { CrlScheduler, type CrlSchedulerOptions, type CrlScheduleState } from './crl/crl-scheduler';
export type { CrlProgress } from './crl/issue-crls';
export { type CrlPublication, type PublishCrlsOptions, type PublishedCrl, publishCrls } from './crl/publish-crls';
export { startCrlSchedule } from './crl/start-crl-schedule';
export { runDemo } from './demo/run-demo';
export { CertificateAuthority, type CertificateAuthorityOptions } from './engine/certificate-authority';
export { databaseDataSource } from './engine/database-data-source';
export type { EngineServices } from './engine/engine-services';
export { localParentCa } from './engine/local-parent-ca';
export type { RequestOutcome } from './engine/request-outcome';
export type { RevokeOptions } from './engine/revoke-certificate';
export type { DeliveryRecord } from './hosting/exit-dispatcher';
export type { ExitHost, ExitModuleInfo } from './hosting/exit-host';
export { type ExitHostThreadOptions, startExitHostThread } from './hosting/exit-host-thread';
export type { ExitHostThreadData } from './hosting/exit-host-thread-protocol';
export type { LoadedExitModule } from './hosting/load-exit-modules';
export { runExitHostThread } from './hosting/run-exit-host-thread';
export { API_ROUTES, type ApiRoute } from './http/api-routes';
export { buildOpenApiDocument } from './http/build-openapi-document';
export { type Caller, CallerDirectory, type CallerRole } from './http/caller-directory';
export { createHttpApi, type HttpApi, type HttpApiOptions } from './http/create-http-api';
export type { HttpApiEngine } from './http/http-api-engine';
export { serveUntilSignal } from './http/serve-until-signal';
export { createServerMetrics, type ServerMetrics } from './http/server-metrics';
export { type RunningServer, type StartServerOptions, startServer } from './http/start-server';
export { createLogger } from './logging/create-logger';
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
export { evaluateRequest, type IssuancePlan, type PolicyVerdict } from './policy/evaluate-request';
export {
  copyTemplate,
  editCaTemplates,
  listTemplateViews,
  setTemplateField,
  type TemplateView,
  templateWarnings,
} from './policy/template-administration';
export { hasTemplateRight, type TemplateAccessEntry, type TemplateRight } from './policy/template-permissions';
export * as x509 from './x509';
