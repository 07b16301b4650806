import type { ICertServerExit } from './cert-server-exit';
import type { ExitIdempotencyStore } from './exit-idempotency-store';
import type { Logger } from './logger';
import type { MaybePromise } from './maybe-promise';
import type { RegistryKey } from './registry-key';
import type { RegistryKeyDeclaration } from './registry-value-declaration';

/**
 * What the host hands a module when it creates it: the equivalents of COM's `CreateObject`, a logger and the
 * module's own configuration location.
 */
export interface ExitModuleServices {
  /** A new callback object: `CreateObject("CertificateAuthority.ServerExit")`. Create one per `Notify`. */
  createServerExit(): ICertServerExit;
  /**
   * `CreateObject(progId)` for the objects the host provides (`CertificateAuthority.ServerExit`).
   * @throws a `CertexitError` with `E_NOINTERFACE`-style HRESULT for an unknown ProgID.
   */
  createObject(progId: string): unknown;
  /**
   * The module's logger, already bound to its ProgID. The host keeps the module's fields in a namespace of their own
   * (`fields`), so they can never stand for the host's own (`level`, `time`, `eventId`, `msg`, ...).
   */
  logger: Logger;
  /**
   * Which side effects this module already made for a notification, per EventID and action, kept by the host on the
   * CA's store: a retry repeats only the one that failed (see `runOnce`).
   */
  idempotency: ExitIdempotencyStore;
  /** The module's configuration location (what `ModuleRegistryLocation` returns), read-only. */
  config: RegistryKey;
  /** Aborted when the host stops; long work should watch it. */
  signal: AbortSignal;
}

/**
 * How a package exposes an exit module: a factory with no import-time side effects. The host registers it under
 * a ProgID, calls `create` once at start and then speaks to the returned object directly (`ICertExit`/`ICertExit2`)
 * or, when it only offers late binding, through the Automation adapter.
 *
 * @example
 * ```ts
 * import { type ExitModuleFactoryV1, EXITEVENT_CERTISSUED, PROPTYPE_BINARY } from '@certexit/core';
 *
 * export function createHelloExitModule(): ExitModuleFactoryV1 {
 *   return {
 *     specificationVersion: 'v1',
 *     progId: 'CertExit_Hello.Exit',
 *     version: '1.0.0',
 *     create: (services) => ({
 *       Initialize: () => EXITEVENT_CERTISSUED,
 *       GetDescription: () => 'Hello exit module',
 *       async Notify(event, context) {
 *         const server = services.createServerExit();
 *         await server.SetContext(context);
 *         const der = await server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY);
 *         services.logger.info({ bytes: der.length }, 'certificate issued');
 *       },
 *     }),
 *   };
 * }
 * export default createHelloExitModule;
 * ```
 */
export interface ExitModuleFactoryV1 {
  readonly specificationVersion: 'v1';
  /** The default ProgID, `<App>.Exit`. The registration may map another ProgID to the same package. */
  readonly progId: string;
  /** The package version (from the build-time `__PACKAGE_VERSION__`). */
  readonly version: string;
  /**
   * The values the module reads from its key (`services.config`), each with its type, default and meaning
   * (`declareRegistryValues`). `certexit getreg` shows their defaults and `setreg` refuses other names and wrong
   * types under the module's key. Without it, `setreg` takes any name there, given an explicit `--type`.
   */
  readonly configuration?: RegistryKeyDeclaration;
  /** Creates the module object. Called once per host start. */
  create(services: ExitModuleServices): MaybePromise<unknown>;
}

/** The factory types of every specification version a host accepts. */
export type ExitModuleFactory = ExitModuleFactoryV1;
