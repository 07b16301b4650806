import type { Logger, RegistryValueDeclaration } from '@certexit/core';
import { REGVAL_ACTIVE, readRegistryValue } from '@certexit/core';
import { caRegistryPaths } from '../ca/ca-configuration-paths';
import type { CaContext } from '../ca/ca-context';
import { caFolder } from '../ca/ca-folder';
import { openCa } from '../ca/open-ca';
import type { CrlPublication, PublishCrlsOptions } from '../crl/publish-crls';
import { publishCrls } from '../crl/publish-crls';
import type { DeliveryRecord } from '../hosting/delivery-record';
import type { ExitHost, ExitModuleInfo } from '../hosting/exit-host';
import { exitHostThreadAvailable, startExitHostThread } from '../hosting/exit-host-thread';
import type { DeliveryMode, ExitOutbox } from '../hosting/exit-outbox';
import type { InProcessExitHost } from '../hosting/in-process-exit-host';
import { startInProcessExitHost } from '../hosting/in-process-exit-host';
import type { BuiltinExitModules, ExitModuleImporter, ExitModuleLoadFailure } from '../hosting/load-exit-modules';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import { RegistryFile } from '../registry/registry-file';
import { EngineActivity } from './engine-activity';
import type { EngineServices } from './engine-services';
import { importCertificate } from './import-certificate';
import { denyRequest, resubmitRequest } from './pending-requests';
import type { RequestOutcome } from './request-outcome';
import { retrieveRequest } from './retrieve-request';
import type { RevokeOptions } from './revoke-certificate';
import { revokeCertificate } from './revoke-certificate';
import type { SubmitInput } from './submit-request';
import { submitRequest } from './submit-request';
import { unrevokeCertificate } from './unrevoke-certificate';
import type { ViewOptions, ViewResult } from './view-requests';
import { viewRequests } from './view-requests';

/** Options of {@link CertificateAuthority.open}. */
export interface CertificateAuthorityOptions {
  dir: string;
  /** Exit-module factories composed in by the app, by ProgID. */
  builtins?: BuiltinExitModules;
  /**
   * URL of a module whose `builtinExitModules()` returns the same factories as {@link builtins}: what the
   * exit-module thread loads, since functions cannot be handed to a thread (the `certexit` app gives its bundle).
   */
  builtinsUrl?: string;
  /**
   * Imports the code registered for a ProgID by package name or file, and the CA's store package when its registry
   * names one (`DBStore`), so that package names resolve from the app (`certexit` gives `importExitModule`; on the
   * exit-module thread, the module at `builtinsUrl` may export it).
   * @default a dynamic import from this package
   */
  importModule?: ExitModuleImporter;
  logger: Logger;
  onDelivered?: (record: DeliveryRecord) => void;
  notifyTimeoutMs?: number;
  now?: () => Date;
  /**
   * `background` (serve): deliveries run after commit and operations never wait. `first-attempt` (the default,
   * for one-shot commands): operations wait, within `firstAttemptWaitMs`, for each module's first attempt.
   */
  delivery?: DeliveryMode;
  /** @default 5000 */
  firstAttemptWaitMs?: number;
  /**
   * Run the exit modules on a thread of their own (see `startExitHostThread`); `background` delivery only, from
   * the built engine. `auto` (what `certexit serve` asks for): on their own thread when the engine runs from its
   * bundle, `CA\ExitModuleThread` is not 0 and the built-ins can reach the thread (`builtinsUrl`, or no
   * built-ins), on the engine's thread otherwise. `builtins` overrides `builtinsUrl` for the thread; the heap limit, the watchdog and the thread's niceness default to `CA\ExitModuleThreadMaxHeapMb` (1024),
   * `CA\ExitModuleThreadWatchdogMs` (30000) and `CA\ExitModuleThreadNiceness` (10).
   */
  exitModuleThread?:
    | boolean
    | 'auto'
    | { builtins?: string; maxHeapMb?: number; watchdogMs?: number; restartBackoffMs?: number };
}

/**
 * The CA engine: a CA with the AD CS request lifecycle. Every state change commits together with
 * its exit event; the event is delivered to the exit modules after commit, so their outcome never changes the
 * request's. Each operation lives in its own file as a function over {@link EngineServices}; this class composes.
 */
export class CertificateAuthority {
  private constructor(
    readonly ca: CaContext,
    private readonly host: ExitHost,
    /** What the operations work with. */
    readonly services: EngineServices,
    private readonly activity: EngineActivity,
    /** The ProgIDs of the app's built-in modules (they need no registration). */
    readonly builtinProgIds: readonly string[],
  ) {}

  /** The loaded exit modules, in `ExitModules\Active` order. */
  get modules(): readonly ExitModuleInfo[] {
    return this.host.modules;
  }

  /** The active exit modules that did not load, in `ExitModules\Active` order, each with the reason. */
  get moduleLoadFailures(): readonly ExitModuleLoadFailure[] {
    return this.host.loadFailures;
  }

  /** True when the exit modules run on a thread of their own. */
  get exitModulesThread(): boolean {
    return !('outbox' in this.host);
  }

  /** The exit outbox's delivery lanes (breakers), when the modules run on this thread. */
  get outbox(): ExitOutbox | undefined {
    return 'outbox' in this.host ? (this.host as InProcessExitHost).outbox : undefined;
  }

  /** Opens the CA of a folder and loads its active exit modules. */
  static async open(options: CertificateAuthorityOptions): Promise<CertificateAuthority> {
    const builtinsReachThread = options.builtinsUrl !== undefined || Object.keys(options.builtins ?? {}).length === 0;
    const thread =
      options.exitModuleThread === 'auto'
        ? exitHostThreadAvailable() && builtinsReachThread && _exitModuleThreadEnabled(options.dir)
        : options.exitModuleThread;
    if (thread && options.delivery !== 'background') {
      throw new Error('exit modules run on a thread of their own only with background delivery');
    }
    const threadBuiltins = (typeof thread === 'object' ? thread.builtins : undefined) ?? options.builtinsUrl;
    if (thread && threadBuiltins === undefined && !builtinsReachThread) {
      throw new Error(
        'the exit-module thread cannot be handed built-in module factories: give builtinsUrl, a module exporting builtinExitModules()',
      );
    }
    // With the modules' thread recording deliveries on its own connection, the engine's writer never sleeps on
    // the database lock: it tries again a millisecond later.
    const ca = await openCa(options.dir, {
      ...(thread && { store: { lockWait: 'yield' } }),
      ...(options.importModule && { importModule: options.importModule }),
    });
    const activity = new EngineActivity();
    let host: ExitHost;
    try {
      if (thread) {
        const key = ca.registry.keyAt(ca.registryPath);
        const dword = (declaration: RegistryValueDeclaration<'REG_DWORD'>) => readRegistryValue(key, declaration).value;
        const v = CA_REGISTRY_VALUES;
        const settings = typeof thread === 'object' ? thread : {};
        host = await startExitHostThread(ca, {
          logger: options.logger,
          ...(threadBuiltins !== undefined && { builtins: threadBuiltins }),
          notifyTimeoutMs: options.notifyTimeoutMs,
          onDelivered: options.onDelivered,
          engineBusy: () => activity.busySinceLastLook(),
          maxHeapMb: settings.maxHeapMb ?? dword(v.ExitModuleThreadMaxHeapMb),
          watchdogMs: settings.watchdogMs ?? dword(v.ExitModuleThreadWatchdogMs),
          ...(settings.restartBackoffMs !== undefined && { restartBackoffMs: settings.restartBackoffMs }),
          niceness: dword(v.ExitModuleThreadNiceness),
          shareUnderLoad: ((share) => (share === undefined ? undefined : share / 100))(
            dword(v.ExitModuleThreadShareUnderLoad),
          ),
          holdUnderLoadMs: dword(v.ExitModuleThreadHoldUnderLoadMs),
        });
      } else {
        host = await startInProcessExitHost(ca, {
          builtins: options.builtins ?? {},
          ...(options.importModule && { importModule: options.importModule }),
          logger: options.logger,
          notifyTimeoutMs: options.notifyTimeoutMs,
          delivery: options.delivery ?? 'first-attempt',
          firstAttemptWaitMs: options.firstAttemptWaitMs,
          onDelivered: options.onDelivered,
        });
      }
    } catch (error) {
      await ca.store.close();
      throw error;
    }
    // Each event lists its subscribed modules, in the transaction of its state change; their outbox rows are made
    // from it (see sqliteExitOutbox).
    ca.store.setExitSubscribers((event) => host.modules.filter((m) => (m.mask & event) !== 0).map((m) => m.progId));
    const services: EngineServices = {
      ca,
      logger: options.logger,
      now: () => options.now?.() ?? new Date(),
      deliver: (event, context) => host.deliver(event, context),
      async describe(requestId, deliveries) {
        const outcome = await ca.store.getOutcome(requestId);
        return { requestId, disposition: 0, message: '', statusCode: 0, ...outcome, deliveries };
      },
    };
    return new CertificateAuthority(ca, host, services, activity, Object.keys(options.builtins ?? {}));
  }

  /** Submits a PKCS#10 request with `Name:Value` attributes, as certreq does. */
  submit(input: SubmitInput): Promise<RequestOutcome> {
    return this.activity.track(submitRequest(this.services, input));
  }

  /** Approves a pending request (`certutil -resubmit`). */
  resubmit(requestId: number, officer?: string): Promise<RequestOutcome> {
    return this.activity.track(resubmitRequest(this.services, requestId, officer));
  }

  /** Denies a pending request (`certutil -deny`). */
  deny(requestId: number, officer?: string): Promise<RequestOutcome> {
    return this.activity.track(denyRequest(this.services, requestId, officer));
  }

  /** Retrieves a request (`certreq -retrieve`); a formerly pending, now issued one raises `EXITEVENT_CERTRETRIEVEPENDING`. */
  retrieve(requestId: number, options?: { requesterName?: string }): Promise<RequestOutcome> {
    return this.activity.track(retrieveRequest(this.services, requestId, options));
  }

  /** Imports a certificate (`certutil -importcert`), raising `EXITEVENT_CERTIMPORTED`. */
  importCertificate(certificate: string | Uint8Array, options?: { foreign?: boolean }): Promise<RequestOutcome> {
    return this.activity.track(importCertificate(this.services, certificate, options));
  }

  /** Lists requests like `certutil -view` (restrictions and columns by property name). */
  view(options?: ViewOptions): Promise<ViewResult> {
    return viewRequests(this.services, options);
  }

  /** Revokes an issued certificate (`certutil -revoke <serial> <reason>`), raising `EXITEVENT_CERTREVOKED`. */
  revoke(serialNumber: string, options: RevokeOptions): Promise<RequestOutcome> {
    return this.activity.track(revokeCertificate(this.services, serialNumber, options));
  }

  /** Releases a certificate from hold (`certutil -revoke <serial> unrevoke`), raising `EXITEVENT_CERTREVOKED`. */
  unrevoke(serialNumber: string, officer?: string): Promise<RequestOutcome> {
    return this.activity.track(unrevokeCertificate(this.services, serialNumber, officer));
  }

  /** Publishes base (and delta) CRLs, or only deltas (`certutil -crl [delta]`), raising `EXITEVENT_CRLISSUED`. */
  publishCrls(options?: PublishCrlsOptions): Promise<CrlPublication> {
    return this.activity.track(publishCrls(this.services, options));
  }

  /** Looks for due exit-outbox rows now (after an operator's retry). */
  wakeExitOutbox(): void {
    this.host.wake();
  }

  /**
   * Stops: waits (within the grace) for deliveries in flight, gives unfinished ones back to the outbox, sends
   * `EXITEVENT_SHUTDOWN` unless told not to, and closes the store.
   */
  async stop(options: { sendShutdownEvent?: boolean; graceMs?: number } = {}): Promise<void> {
    try {
      await this.host.stop({
        graceMs: options.graceMs ?? 10_000,
        sendShutdownEvent: options.sendShutdownEvent !== false,
      });
    } finally {
      await this.ca.store.close();
    }
  }
}

/**
 * `CA\ExitModuleThread` (DWORD, default 1): 0 keeps the exit modules on the engine's thread. Read before the CA
 * opens, since the store opens differently with the thread.
 */
function _exitModuleThreadEnabled(dir: string): boolean {
  let registry: RegistryFile;
  try {
    registry = new RegistryFile(caFolder(dir).registry);
  } catch {
    // Opening the CA says what is wrong with the folder, with the right words.
    return true;
  }
  const name = registry.getValue(`${caRegistryPaths.configuration}\\${REGVAL_ACTIVE}`);
  if (typeof name !== 'string') return true;
  return readRegistryValue(registry.keyAt(caRegistryPaths.ca(name)), CA_REGISTRY_VALUES.ExitModuleThread).value !== 0;
}
