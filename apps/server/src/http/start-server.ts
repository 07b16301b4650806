import { consoleAssetsDirectory } from '@certexit/console';
import type { BuiltinExitModules, CertificateAuthorityOptions } from '@certexit/engine';
import { CertificateAuthority, startCrlSchedule } from '@certexit/engine';
import type pino from 'pino';
import { builtinExitModules, builtinExitModulesUrl, importExitModule } from '../builtin-exit-modules';
import type { ConsoleAsset } from '../console/console-assets';
import { loadConsoleAssets } from '../console/console-assets';
import { createLogger } from '../logging/create-logger';
import { CallerDirectory } from './caller-directory';
import type { HttpApi, HttpTlsOptions } from './create-http-api';
import { createHttpApi } from './create-http-api';
import { DeliveryHistory } from './delivery-history';
import { registerExitQueueMetrics } from './exit-queue-metrics';
import type { ListenAddress } from './listen-address';
import { isLoopbackHost, parseListenAddress } from './listen-address';
import { writeRunningServerRecord } from './running-server-record';
import type { ServerMetrics } from './server-metrics';
import { createServerMetrics } from './server-metrics';

/** Where `certexit serve` listens unless told otherwise. */
export const DEFAULT_LISTEN = '127.0.0.1:8443';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** The CA folder. */
  dir: string;
  /** `host:port`; port 0 picks a free one. @default '127.0.0.1:8443' */
  listen?: string | ListenAddress;
  /** Serve HTTPS with this certificate (chain) and key, PEM; `clientCa` also accepts bound client certificates. */
  tls?: HttpTlsOptions;
  /** Allow plain HTTP on a non-loopback address. Tokens then cross the network in clear text. */
  insecureHttp?: boolean;
  /** @default the engine's pino logger (`createLogger()`) */
  logger?: pino.Logger;
  /** Exit-module factories by ProgID. @default builtinExitModules() */
  builtins?: BuiltinExitModules;
  notifyTimeoutMs?: number;
  /** Where the exit modules run (see `CertificateAuthorityOptions.exitModuleThread`). @default 'auto' */
  exitModuleThread?: CertificateAuthorityOptions['exitModuleThread'];
  /** Also export Node's process metrics. @default true */
  processMetrics?: boolean;
  /** `info.version` of the OpenAPI document. */
  version?: string;
  /**
   * Serve the Certification Authority console at `/console/` (the built `@certexit/console`), or from this
   * folder of built files. @default true
   */
  console?: boolean | string;
}

/** A running server. */
export interface RunningServer {
  /** `https://127.0.0.1:8443`, with the port actually bound. */
  readonly url: string;
  readonly address: ListenAddress;
  readonly authority: CertificateAuthority;
  readonly api: HttpApi;
  readonly metrics: ServerMetrics;
  readonly callers: CallerDirectory;
  /** Whether the console is served at `/console/`. */
  readonly consoleServed: boolean;
  /** Resolves when {@link close} has finished. */
  readonly closed: Promise<void>;
  /**
   * Stops: refuses new requests and lets those in flight finish, stops the CRL schedule, then stops the engine,
   * which waits for deliveries and sends `EXITEVENT_SHUTDOWN` to the exit modules. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Opens the CA of a folder, loads its exit modules and serves the HTTP API (`certexit serve`). HTTPS when a
 * certificate and key are given; plain HTTP only on a loopback address unless `insecureHttp` says otherwise.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const listen =
    typeof options.listen === 'string' || options.listen === undefined
      ? parseListenAddress(options.listen ?? DEFAULT_LISTEN)
      : options.listen;
  if (!options.tls && !isLoopbackHost(listen.host) && options.insecureHttp !== true) {
    throw new Error(
      `refusing plain HTTP on ${listen.host}, which is not a loopback address: give --tls-cert and --tls-key, or --insecure-http to send tokens in clear text`,
    );
  }
  const logger = options.logger ?? createLogger();
  const metrics = createServerMetrics({ processMetrics: options.processMetrics });
  const history = new DeliveryHistory();
  const consoleAssets = _consoleAssets(options.console ?? true, logger);
  const authority = await CertificateAuthority.open({
    dir: options.dir,
    builtins: options.builtins ?? builtinExitModules(),
    ...(options.builtins === undefined && { builtinsUrl: builtinExitModulesUrl() }),
    importModule: importExitModule,
    logger,
    notifyTimeoutMs: options.notifyTimeoutMs,
    onDelivered: (record) => {
      metrics.observeDelivery(record);
      history.observe(record);
    },
    // The server never waits for exit modules: the outbox delivers after commit, in the background, from the
    // modules' own thread when the server runs from its bundle.
    delivery: 'background',
    exitModuleThread: options.exitModuleThread ?? 'auto',
  });
  let started: HttpApi | undefined;
  let callers: CallerDirectory;
  try {
    registerExitQueueMetrics(metrics.registry, authority.ca.store.outbox);
    callers = new CallerDirectory(authority.ca.registry, authority.ca.registryPath);
    started = createHttpApi(authority, {
      callers,
      logger,
      metrics,
      tls: options.tls,
      version: options.version,
      history,
      consoleAssets,
    });
    await started.listen({ host: listen.host, port: listen.port });
  } catch (error) {
    // Whatever failed (TLS material, the port), the engine and its modules stop: nothing is left running.
    await started?.close().catch(() => undefined);
    await authority.stop();
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL'
        ? `cannot listen on ${listen.host}:${listen.port}: ${code === 'EADDRINUSE' ? 'the port is in use (another server listens on it)' : (error as Error).message}`
        : `cannot start the HTTP API: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const api = started;
  // Publishes what is overdue now (after downtime), then on the CA's CRL periods.
  const schedule = startCrlSchedule(authority, { logger });
  const bound = api.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : listen.port;
  const address = { host: listen.host, port };
  const url = `${options.tls ? 'https' : 'http'}://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}`;
  // Other commands on this folder (module retry) see that a server delivers: the record goes with the server.
  const forgetRecord = writeRunningServerRecord(authority.ca.folder.root, url);
  if (callers.list().length === 0) {
    logger.warn({}, 'no API callers are configured: add one with "certexit caller add <DOMAIN\\user> --role manager"');
  }
  logger.info(
    {
      url,
      ca: authority.ca.commonName,
      tls: Boolean(options.tls),
      clientCertificates: Boolean(options.tls?.clientCa),
      exitModules: authority.exitModulesThread ? 'own thread' : "engine's thread",
      console: consoleAssets ? `${url}/console/` : 'off',
    },
    'certexit API listening',
  );

  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  return {
    url,
    address,
    authority,
    api,
    metrics,
    callers,
    consoleServed: consoleAssets !== undefined,
    closed,
    close() {
      closing ??= (async () => {
        logger.info({ url }, 'certexit API stopping');
        try {
          await api.close();
        } finally {
          forgetRecord();
          // The schedule first: a publication in flight finishes before the store closes.
          await schedule.stop();
          await authority.stop();
          logger.info({}, 'certexit API stopped');
          markClosed();
        }
      })();
      return closing;
    },
  };
}

function _consoleAssets(option: boolean | string, logger: pino.Logger): Map<string, ConsoleAsset> | undefined {
  if (option === false) return undefined;
  const directory = typeof option === 'string' ? option : consoleAssetsDirectory();
  try {
    return loadConsoleAssets(directory);
  } catch (error) {
    // The API works without the console; say why it is missing rather than refusing to start.
    logger.warn({ err: error, directory }, 'the Certification Authority console is not served: its files are missing');
    return undefined;
  }
}
