/**
 * certexit: the `certexit` command and the reference server composed of the certexit packages (the engine, the
 * default and inventory exit modules, the HTTP API). The engine itself is `@certexit/engine`.
 */
export { builtinExitModules, builtinExitModulesUrl, importExitModule } from './builtin-exit-modules';
export { type CliIo, runCli } from './cli/main';
export { type DemoResult, runDemo } from './demo/run-demo';
export { API_ROUTES, type ApiRoute } from './http/api-routes';
export { buildOpenApiDocument } from './http/build-openapi-document';
export { type Caller, CallerDirectory, type CallerRole } from './http/caller-directory';
export { createHttpApi, type HttpApi, type HttpApiOptions } from './http/create-http-api';
export type { HttpApiEngine } from './http/http-api-engine';
export { serveUntilSignal } from './http/serve-until-signal';
export { createServerMetrics, type ServerMetrics } from './http/server-metrics';
export { type RunningServer, type StartServerOptions, startServer } from './http/start-server';
export { createLogger } from './logging/create-logger';
