import type { ExitModuleFactory, Logger } from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import { openCa } from '../ca/open-ca';
import type { DeliveryRecord } from '../hosting/exit-dispatcher';
import { ExitDispatcher } from '../hosting/exit-dispatcher';
import type { LoadedExitModule } from '../hosting/load-exit-modules';
import { loadExitModules } from '../hosting/load-exit-modules';
import type { EngineServices } from './engine-services';
import { denyRequest, resubmitRequest } from './pending-requests';
import type { RequestOutcome } from './request-outcome';
import type { SubmitInput } from './submit-request';
import { submitRequest } from './submit-request';

/** Options of {@link CertificateAuthority.open}. */
export interface CertificateAuthorityOptions {
  dir: string;
  /** Exit-module factories composed in by the app, by ProgID. */
  builtins?: Readonly<Record<string, ExitModuleFactory | (() => ExitModuleFactory)>>;
  logger: Logger;
  onDelivered?: (record: DeliveryRecord) => void;
  notifyTimeoutMs?: number;
  now?: () => Date;
}

/**
 * The reference server engine: a CA with the AD CS request lifecycle. Every state change commits together with
 * its exit event; the event is delivered to the exit modules after commit, so their outcome never changes the
 * request's. Each operation lives in its own file as a function over {@link EngineServices}; this class composes.
 */
export class CertificateAuthority {
  private constructor(
    readonly ca: CaContext,
    readonly modules: readonly LoadedExitModule[],
    private readonly dispatcher: ExitDispatcher,
    /** What the operations work with. */
    readonly services: EngineServices,
    private readonly controller: AbortController,
  ) {}

  /** Opens the CA of a folder and loads its active exit modules. */
  static async open(options: CertificateAuthorityOptions): Promise<CertificateAuthority> {
    const ca = await openCa(options.dir);
    const controller = new AbortController();
    const modules = await loadExitModules(ca, {
      builtins: options.builtins ?? {},
      logger: options.logger,
      signal: controller.signal,
      notifyTimeoutMs: options.notifyTimeoutMs,
    });
    const dispatcher = new ExitDispatcher(modules, { logger: options.logger, onDelivered: options.onDelivered });
    const services: EngineServices = {
      ca,
      now: () => options.now?.() ?? new Date(),
      deliver: (event, context) => dispatcher.deliver(event, context),
      async describe(requestId, deliveries) {
        const row = await ca.store.getRequest(requestId);
        const certificate = await ca.store.getCertificate(requestId);
        return {
          requestId,
          disposition: row?.Disposition ?? 0,
          message: row?.DispositionMessage ?? '',
          statusCode: row?.StatusCode ?? 0,
          ...(certificate && { serialNumber: certificate.SerialNumber, certificate: certificate.RawCertificate }),
          deliveries,
        };
      },
    };
    return new CertificateAuthority(ca, modules, dispatcher, services, controller);
  }

  /** Submits a PKCS#10 request with `Name:Value` attributes, as certreq does. */
  submit(input: SubmitInput): Promise<RequestOutcome> {
    return submitRequest(this.services, input);
  }

  /** Approves a pending request (`certutil -resubmit`). */
  resubmit(requestId: number, officer?: string): Promise<RequestOutcome> {
    return resubmitRequest(this.services, requestId, officer);
  }

  /** Denies a pending request (`certutil -deny`). */
  deny(requestId: number, officer?: string): Promise<RequestOutcome> {
    return denyRequest(this.services, requestId, officer);
  }

  /** Stops: waits for deliveries, sends `EXITEVENT_SHUTDOWN` unless told not to, and closes the store. */
  async stop(options: { sendShutdownEvent?: boolean; graceMs?: number } = {}): Promise<void> {
    await this.dispatcher.shutdown(options);
    this.controller.abort();
    await this.ca.store.close();
  }
}
