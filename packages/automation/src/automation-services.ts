import type { ExitModuleServices, Logger, RegistryKey } from '@certexit/core';
import { CertexitError, E_NOINTERFACE, PROGID_IDEMPOTENCY_STORE, PROGID_SERVER_EXIT } from '@certexit/core';
import type { IDispatch } from './dispatch';
import { idempotencyStoreToDispatch } from './idempotency-store-dispatch';
import { serverExitToDispatch } from './server-exit-dispatch';

/**
 * What a script-style module gets instead of `ExitModuleServices`: VBScript's `CreateObject` and the host's logger,
 * configuration and stop signal.
 */
export interface AutomationServices {
  /**
   * `CreateObject(progId)`: `CertificateAuthority.ServerExit` (any case) gives a new late-bound callback object,
   * one per call, as on Windows; `CertExit.IdempotencyStore` gives the host's idempotency store.
   * @throws {CertexitError} `E_NOINTERFACE` for any other ProgID, as the host's `createObject` does.
   */
  CreateObject(progId: string): IDispatch;
  /** The module's logger. */
  readonly logger: Logger;
  /** The module's configuration location (what `ModuleRegistryLocation` returns). */
  readonly config: RegistryKey;
  /** Aborted when the host stops. */
  readonly signal: AbortSignal;
}

/**
 * The Automation view of the host's services, for modules written the way a VBScript module is: they reach the CA
 * only through `CreateObject("CertificateAuthority.ServerExit")` and late-bound calls.
 * @example
 * ```ts
 * const automation = createAutomationServices(services);
 * const server = automation.CreateObject('CertificateAuthority.ServerExit');
 * await callByName(server, 'SetContext', [context]);
 * ```
 */
export function createAutomationServices(services: ExitModuleServices): AutomationServices {
  return {
    CreateObject(progId: string): IDispatch {
      if (typeof progId === 'string' && progId.toLowerCase() === PROGID_SERVER_EXIT.toLowerCase()) {
        return serverExitToDispatch(services.createServerExit());
      }
      if (typeof progId === 'string' && progId.toLowerCase() === PROGID_IDEMPOTENCY_STORE.toLowerCase()) {
        return idempotencyStoreToDispatch(services.idempotency);
      }
      // Windows says CO_E_CLASSSTRING here; certexit's contract (ExitModuleServices.createObject) says E_NOINTERFACE.
      throw new CertexitError({
        hresult: E_NOINTERFACE,
        message: `CreateObject(${JSON.stringify(progId)}): unknown ProgID; this host provides ${PROGID_SERVER_EXIT} and ${PROGID_IDEMPOTENCY_STORE}`,
        source: 'automation',
      });
    },
    logger: services.logger,
    config: services.config,
    signal: services.signal,
  };
}
