/** The certexit reference server engine, for composition and tests. */
export { builtinExitModules } from './builtin-exit-modules';
export type { CaContext } from './ca/ca-context';
export { openCa } from './ca/open-ca';
export { type SetupCaOptions, setupCa } from './ca/setup-ca';
export { type CliIo, runCli } from './cli/main';
export { runDemo } from './demo/run-demo';
export { CertificateAuthority, type CertificateAuthorityOptions } from './engine/certificate-authority';
export type { EngineServices } from './engine/engine-services';
export type { RequestOutcome } from './engine/request-outcome';
export type { DeliveryRecord } from './hosting/exit-dispatcher';
export type { LoadedExitModule } from './hosting/load-exit-modules';
export { createLogger } from './logging/create-logger';
