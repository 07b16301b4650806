import { hostAutomationModule, hostOutOfProcessModule, isDispatch } from '@certexit/automation';
import type {
  ExitModuleFactory,
  ExitModuleServices,
  HostedExitModuleV1,
  ICertManageModule,
  Logger,
  RegistryValueDeclaration,
} from '@certexit/core';
import {
  CertexitError,
  createModuleLogger,
  createServerExit,
  E_NOINTERFACE,
  exitEventMaskNames,
  PROGID_SERVER_EXIT,
  readRegistryValue,
  registryKeyFromTree,
  UnsupportedSpecificationVersionError,
} from '@certexit/core';
import { hostDirectModule, isCertExit } from '@certexit/direct';
import { caRegistryPaths } from '../ca/ca-configuration-paths';
import type { CaContext } from '../ca/ca-context';
import { databaseDataSource } from './database-data-source';
import type { DeliverySettings } from './delivery-settings';
import { readDeliverySettings } from './delivery-settings';
import { logExitModuleError } from './exit-module-event-log';
import { EXIT_MODULE_VALUES } from './exit-module-registry-values';
import type { InFlightDeliveries } from './in-flight-deliveries';
import { locateExitModule } from './locate-exit-module';
import { moduleIdempotencyStore } from './module-idempotency-store';
import { ModuleRegistrations } from './module-registrations';

/** An exit module the host loaded and initialized. */
export interface LoadedExitModule {
  readonly progId: string;
  readonly description: string;
  /** The `EXITEVENT_*` mask `Initialize` returned. */
  readonly mask: number;
  readonly hosted: HostedExitModuleV1;
  readonly manage: ICertManageModule | undefined;
  /** Timeouts, retries, breaker and concurrency, from the module's registry key. */
  readonly settings: DeliverySettings;
  /** Ends what the module holds outside the host (its process); called when the engine stops. */
  readonly dispose?: () => Promise<void>;
}

/** An active module that did not load, and why (what `certexit module list --load` shows). */
export interface ExitModuleLoadFailure {
  readonly progId: string;
  /** The step that failed: `Load` (finding or importing the code), `Initialize`, … */
  readonly method: string;
  /** Unsigned HRESULT. */
  readonly hresult: number;
  readonly message: string;
}

/** Module factories the app composes in, by ProgID: a factory, or a function of the opened CA returning one. */
export type BuiltinExitModules = Readonly<Record<string, ExitModuleFactory | ((ca: CaContext) => ExitModuleFactory)>>;

/**
 * Imports the code registered by package name (or file URL) for a ProgID. The app gives its own, so that package
 * names resolve from where the app is installed, not from the engine's package.
 */
export type ExitModuleImporter = (specifier: string) => Promise<unknown>;

/** Options of {@link loadExitModules}. */
export interface LoadExitModulesOptions {
  /** Module factories the app composes in explicitly, by ProgID (the default module, the samples). */
  builtins: BuiltinExitModules;
  /** @default `(specifier) => import(specifier)`, resolving package names from this package */
  importModule?: ExitModuleImporter;
  logger: Logger;
  /** Aborted when the host stops. */
  signal: AbortSignal;
  notifyTimeoutMs?: number;
  /** Which delivery is in flight per (module, context): answers `EventID`. */
  inFlight?: InFlightDeliveries;
  /** Called for each active module that does not load (it is also logged as event 46). */
  onLoadFailure?: (failure: ExitModuleLoadFailure) => void;
}

/**
 * Loads the modules of `ExitModules\Active`, in order: finds each ProgID's code (built in, or the registered
 * package or file), creates it with its services, picks direct calls when it implements `ICertExit` and the
 * Automation adapter when it only offers `IDispatch`, then calls `Initialize` and `GetDescription`. A module that
 * fails any step is logged (event 46, method named) and left out; the CA runs on.
 */
export async function loadExitModules(ca: CaContext, options: LoadExitModulesOptions): Promise<LoadedExitModule[]> {
  const registrations = new ModuleRegistrations(ca.registry, ca.sanitizedName);
  const loaded: LoadedExitModule[] = [];
  for (const progId of registrations.active()) {
    const log = _child(options.logger, { module: progId });
    try {
      const location = caRegistryPaths.exitModule(ca.sanitizedName, progId);
      const segments = location.split('\\');
      const settings = readDeliverySettings(ca.registry, location, options.notifyTimeoutMs);
      const eventIdOf = (context: number) => options.inFlight?.eventIdOf(progId, context);
      const newServerExit = () => createServerExit(databaseDataSource(ca, location, undefined, eventIdOf));
      const services: ExitModuleServices = {
        createServerExit: newServerExit,
        createObject(name) {
          if (name.toLowerCase() === PROGID_SERVER_EXIT.toLowerCase()) return newServerExit();
          throw new CertexitError({
            hresult: E_NOINTERFACE,
            source: progId,
            message: `CreateObject: unknown ProgID ${JSON.stringify(name)}`,
          });
        },
        // The module's fields in a namespace of their own: it cannot forge the host's (event 46, level, time).
        logger: createModuleLogger(options.logger, { module: progId }),
        idempotency: moduleIdempotencyStore(ca.store.exitActions, progId, log),
        config: registryKeyFromTree(() => ca.registry.root(), location, segments),
        signal: options.signal,
      };
      const hostOptions = { source: progId, notifyTimeoutMs: settings.notifyTimeoutMs };
      let hosted: HostedExitModuleV1;
      let dispose: (() => Promise<void>) | undefined;
      const processSpec = registrations.processOf(progId);
      if (processSpec) {
        // A module in its own process (any language): late-bound calls over the wire protocol, with only the
        // environment configured for it and limits from its key.
        const key = ca.registry.keyAt(location);
        const dword = (declaration: RegistryValueDeclaration<'REG_DWORD'>) => readRegistryValue(key, declaration).value;
        const hostedProcess = hostOutOfProcessModule(
          {
            command: processSpec.command,
            args: processSpec.args,
            env: registrations.environmentOf(progId),
            cwd: ca.folder.root,
            source: progId,
            callTimeoutMs: settings.notifyTimeoutMs,
            maxFrameBytes: dword(EXIT_MODULE_VALUES.MaxFrameBytes),
            restart: { maxConsecutiveFaults: dword(EXIT_MODULE_VALUES.MaxRestarts) },
            hostLogger: log,
          },
          services,
        );
        hosted = hostedProcess;
        dispose = () => hostedProcess.close(2_000);
      } else {
        const factory = await _resolveFactory(progId, registrations, ca, options);
        const object = await factory.create(services);
        if (isCertExit(object)) hosted = hostDirectModule(object, hostOptions);
        else if (isDispatch(object)) hosted = hostAutomationModule(object, hostOptions);
        else
          throw new CertexitError({
            hresult: E_NOINTERFACE,
            source: progId,
            message: 'the module object offers neither ICertExit nor IDispatch',
          });
      }

      const init = await hosted.doInitialize(ca.sanitizedName);
      if (!init.ok) {
        await dispose?.();
        logExitModuleError(options.logger, {
          progId,
          description: progId,
          method: 'Initialize',
          hresult: init.hresult,
          error: init.error,
        });
        options.onLoadFailure?.({
          progId,
          method: 'Initialize',
          hresult: init.hresult >>> 0,
          message: init.error.message,
        });
        continue;
      }
      const described = await hosted.doGetDescription();
      const description = described.ok ? described.value : progId;
      if (!described.ok) {
        logExitModuleError(options.logger, {
          progId,
          description,
          method: 'GetDescription',
          hresult: described.hresult,
          error: described.error,
        });
      }
      const manage = await hosted.doGetManageModule();
      if (!manage.ok) {
        logExitModuleError(options.logger, {
          progId,
          description,
          method: 'GetManageModule',
          hresult: manage.hresult,
          error: manage.error,
        });
      }
      loaded.push({
        progId,
        description,
        mask: init.value,
        hosted,
        manage: manage.ok ? manage.value : undefined,
        settings,
        ...(dispose && { dispose }),
      });
      log.info({ binding: hosted.binding, events: exitEventMaskNames(init.value), description }, 'exit module loaded');
    } catch (thrown) {
      const error = CertexitError.toError(thrown);
      logExitModuleError(options.logger, {
        progId,
        description: progId,
        method: 'Load',
        hresult: CertexitError.hresultOf(thrown),
        error,
      });
      options.onLoadFailure?.({
        progId,
        method: 'Load',
        hresult: CertexitError.hresultOf(thrown),
        message: CertexitError.isInstance(error) ? error.reason : error.message,
      });
    }
  }
  return loaded;
}

async function _resolveFactory(
  progId: string,
  registrations: ModuleRegistrations,
  ca: CaContext,
  options: Pick<LoadExitModulesOptions, 'builtins' | 'importModule'>,
): Promise<ExitModuleFactory> {
  const source = registrations.sourceOf(progId);
  if (source !== undefined)
    return importExitModuleFactory(progId, source, ca, {
      resolveFrom: registrations.resolveFromOf(progId),
      importModule: options.importModule,
    });
  const builtin = Object.entries(options.builtins).find(([name]) => name.toLowerCase() === progId.toLowerCase())?.[1];
  if (!builtin)
    throw new Error(
      `ProgID ${progId} is active but not registered (certexit module register ${progId} <package-or-path>)`,
    );
  return exitModuleFactoryOf(progId, builtin, ca);
}

/**
 * Imports the code registered for a ProgID (a package name or a file, see {@link locateExitModule}) and returns its
 * factory: the default export (or `exitModule`), a factory or a function of the CA returning one.
 * @throws a clear error naming where the package was looked for, when it is nowhere; or what is wrong with the code
 */
export async function importExitModuleFactory(
  progId: string,
  source: string,
  ca: CaContext,
  options: { resolveFrom?: string | undefined; importModule?: ExitModuleImporter | undefined } = {},
): Promise<ExitModuleFactory> {
  const located = locateExitModule(source, { caFolder: ca.folder.root, resolveFrom: options.resolveFrom });
  let imported: { default?: unknown; exitModule?: unknown };
  try {
    imported = (await (located ? import(located.url) : (options.importModule ?? _importModule)(source))) as {
      default?: unknown;
      exitModule?: unknown;
    };
  } catch (error) {
    if (!located && (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && _names(error, source)) {
      const places = [`${ca.folder.root} (npm install --prefix "${ca.folder.root}" ${source})`];
      if (options.resolveFrom) places.push(options.resolveFrom);
      places.push("certexit's own packages");
      throw new Error(`cannot find the package ${source}: looked from ${places.join(', then ')}`, { cause: error });
    }
    throw new Error(`cannot load ${source}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const candidate = imported.default ?? imported.exitModule;
  if (candidate === undefined)
    throw new Error(`${source} has no default export (a module factory or a function returning one)`);
  return exitModuleFactoryOf(progId, candidate, ca);
}

/** Checks what a module's code exported: a factory, or a function of the CA returning one, of a known version. */
export function exitModuleFactoryOf(progId: string, candidate: unknown, ca: CaContext): ExitModuleFactory {
  const factory = (
    typeof candidate === 'function' ? (candidate as (ca: CaContext) => unknown)(ca) : candidate
  ) as ExitModuleFactory;
  if (typeof factory !== 'object' || factory === null || typeof factory.create !== 'function') {
    throw new Error(`the code registered for ${progId} does not export an exit-module factory`);
  }
  if (factory.specificationVersion !== 'v1') {
    throw new UnsupportedSpecificationVersionError({
      what: `module ${progId}`,
      version: factory.specificationVersion,
      supported: ['v1'],
    });
  }
  return factory;
}

/** True when a "not found" error is about the package itself, not a dependency of it. */
function _names(error: unknown, source: string): boolean {
  const message = String((error as Error).message ?? '');
  return message.includes(`'${source}'`) || message.includes(`"${source}"`);
}

function _child(logger: Logger, bindings: object): Logger {
  const withChild = logger as Logger & { child?: (b: object) => Logger };
  return typeof withChild.child === 'function' ? withChild.child(bindings) : logger;
}

function _importModule(specifier: string): Promise<unknown> {
  return import(specifier);
}
