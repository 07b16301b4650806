import { hostname, userInfo } from 'node:os';
import type { ExitModuleFactory, Logger } from '@certexit/core';
import {
  CERTSRV_E_BAD_REQUESTSTATUS,
  CERTSRV_E_NO_REQUEST,
  CertexitError,
  CR_IN_PKCS10,
  DB_DISP_DENIED,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXTENSION_CRITICAL_FLAG,
  EXTENSION_ORIGIN_REQUEST,
  REGVAL_ACTIVE,
} from '@certexit/core';
import { caRegistryPaths, REQDISP_ISSUE } from '../ca/ca-configuration-paths';
import type { CaContext } from '../ca/ca-context';
import { openCa } from '../ca/open-ca';
import type { DeliveryRecord } from '../hosting/exit-dispatcher';
import { ExitDispatcher } from '../hosting/exit-dispatcher';
import type { LoadedExitModule } from '../hosting/load-exit-modules';
import { loadExitModules } from '../hosting/load-exit-modules';
import { decidePolicy } from '../policy/policy-decision';
import type { CaStoreTransaction } from '../store/ca-store';
import { parseCertificationRequest } from '../x509';
import { buildIssuedCertificate } from './build-issued-certificate';
import { namePropertiesOf } from './name-properties-of';
import { parseRequestAttributes } from './request-attributes';

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

/** What a submission, approval or denial ended in. */
export interface RequestOutcome {
  requestId: number;
  disposition: number;
  message: string;
  statusCode: number;
  /** The issued certificate (DER), when there is one. */
  certificate?: Uint8Array;
  /** What each subscribed exit module made of the event. */
  deliveries: DeliveryRecord[];
}

/**
 * The reference server engine: a CA with the AD CS request lifecycle. Every state change commits together with
 * its exit event; the event is delivered to the exit modules after commit, so their outcome never changes the
 * request's.
 */
export class CertificateAuthority {
  private constructor(
    readonly ca: CaContext,
    readonly modules: readonly LoadedExitModule[],
    private readonly dispatcher: ExitDispatcher,
    private readonly options: CertificateAuthorityOptions,
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
    return new CertificateAuthority(ca, modules, dispatcher, options, controller);
  }

  /**
   * Submits a PKCS#10 request (PEM, base64 or DER) with `Name:Value` attributes, as certreq does. Bad input is a
   * clear error and stores nothing.
   */
  async submit(input: {
    request: string | Uint8Array;
    attributes?: string | readonly string[];
    requesterName?: string;
  }): Promise<RequestOutcome> {
    const attributes = parseRequestAttributes(input.attributes);
    const request = await parseCertificationRequest(input.request);
    const requesterName = input.requesterName ?? _defaultRequester();
    const now = this.now();
    const decision = decidePolicy({
      caType: this.ca.caType,
      attributes,
      templates: this.ca.templates,
      requestDisposition: Number(
        this.ca.registry.getValue(
          `${caRegistryPaths.policyModules(this.ca.sanitizedName)}\\${String(
            this.ca.registry.getValue(`${caRegistryPaths.policyModules(this.ca.sanitizedName)}\\${REGVAL_ACTIVE}`),
          )}\\RequestDisposition`,
        ) ?? REQDISP_ISSUE,
      ),
    });
    const template = 'template' in decision ? decision.template : undefined;
    const outcome = await this.ca.store.transaction(async (tx) => {
      const requestId = await tx.insertRequest({
        RawRequest: request.der,
        RequestType: CR_IN_PKCS10,
        RequestFlags: 0,
        StatusCode: decision.disposition === DB_DISP_DENIED ? decision.statusCode : 0,
        Disposition: decision.disposition,
        DispositionMessage: decision.message,
        SubmittedWhen: now,
        ...(decision.disposition !== DB_DISP_PENDING && { ResolvedWhen: now }),
        RequesterName: requesterName,
        CallerName: requesterName,
        RequestAttributes: attributes.map(([n, v]) => `${n}:${v}`).join('\n'),
        CertificateTemplate: template?.name,
        EnrollmentFlags: template?.enrollmentFlags,
        GeneralFlags: template?.generalFlags,
        PrivatekeyFlags: template?.privateKeyFlags,
        requestName: namePropertiesOf(request.subjectDer),
        system: {},
      });
      await tx.setAttributes(requestId, attributes);
      await tx.setExtensions(
        requestId,
        request.extensions.map((e) => ({
          oid: e.oid,
          flags: EXTENSION_ORIGIN_REQUEST | (e.critical ? EXTENSION_CRITICAL_FLAG : 0),
          value: e.value,
        })),
      );
      if (decision.disposition === DB_DISP_ISSUED) {
        const certificate = await this.issue(tx, requestId, request.der, now);
        return { requestId, certificate, event: EXITEVENT_CERTISSUED };
      }
      const event = decision.disposition === DB_DISP_PENDING ? EXITEVENT_CERTPENDING : EXITEVENT_CERTDENIED;
      await tx.recordExitEvent(event, requestId);
      return { requestId, event };
    });
    return this.deliverAndDescribe(outcome.requestId, outcome.event, outcome.certificate);
  }

  /** Approves a pending request (`certutil -resubmit`): issues it and raises `EXITEVENT_CERTISSUED`. */
  async resubmit(requestId: number, officer = _defaultRequester()): Promise<RequestOutcome> {
    const now = this.now();
    const outcome = await this.ca.store.transaction(async (tx) => {
      const row = await this.pendingRow(requestId);
      const certificate = await this.issue(tx, requestId, row.RawRequest!, now);
      await tx.updateRequest(requestId, { Officer: officer, DispositionMessage: `Resubmitted by ${officer}` });
      return { certificate };
    });
    return this.deliverAndDescribe(requestId, EXITEVENT_CERTISSUED, outcome.certificate);
  }

  /** Denies a pending request (`certutil -deny`) and raises `EXITEVENT_CERTDENIED`. */
  async deny(requestId: number, officer = _defaultRequester()): Promise<RequestOutcome> {
    await this.ca.store.transaction(async (tx) => {
      await this.pendingRow(requestId);
      await tx.updateRequest(requestId, {
        Disposition: DB_DISP_DENIED,
        DispositionMessage: `Denied by ${officer}`,
        StatusCode: CERTSRV_E_BAD_REQUESTSTATUS | 0,
        ResolvedWhen: this.now(),
        Officer: officer,
      });
      await tx.recordExitEvent(EXITEVENT_CERTDENIED, requestId);
    });
    return this.deliverAndDescribe(requestId, EXITEVENT_CERTDENIED, undefined);
  }

  /** Stops: waits for deliveries, sends `EXITEVENT_SHUTDOWN` unless told not to, and closes the store. */
  async stop(options: { sendShutdownEvent?: boolean; graceMs?: number } = {}): Promise<void> {
    await this.dispatcher.shutdown(options);
    this.controller.abort();
    await this.ca.store.close();
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async pendingRow(requestId: number) {
    const row = await this.ca.store.getRequest(requestId);
    if (!row)
      throw new CertexitError({ hresult: CERTSRV_E_NO_REQUEST, message: `request ${requestId} does not exist` });
    if (row.Disposition !== DB_DISP_PENDING || !row.RawRequest) {
      throw new CertexitError({
        hresult: CERTSRV_E_BAD_REQUESTSTATUS,
        message: `request ${requestId} is not pending (disposition ${row.Disposition})`,
      });
    }
    return row;
  }

  /** Builds, stores and records the certificate of a request, inside the caller's transaction. */
  private async issue(
    tx: CaStoreTransaction,
    requestId: number,
    rawRequest: Uint8Array,
    now: Date,
  ): Promise<Uint8Array> {
    const request = await parseCertificationRequest(rawRequest);
    const row = await this.ca.store.getRequest(requestId);
    const template = this.ca.templates.find((t) => t.name === row?.CertificateTemplate);
    const built = await buildIssuedCertificate(this.ca, request, template, requestId, now);
    await tx.insertCertificate(built.row);
    await tx.setExtensions(requestId, built.extensions);
    await tx.updateRequest(requestId, {
      Disposition: DB_DISP_ISSUED,
      ResolvedWhen: now,
      DispositionMessage: 'Issued',
      StatusCode: 0,
    });
    await tx.recordExitEvent(EXITEVENT_CERTISSUED, requestId);
    return built.row.RawCertificate;
  }

  /** Delivers an event already committed with its state change, and describes the request's outcome. */
  private async deliverAndDescribe(
    requestId: number,
    event: number,
    certificate: Uint8Array | undefined,
  ): Promise<RequestOutcome> {
    const deliveries = await this.dispatcher.deliver(event, requestId);
    const row = await this.ca.store.getRequest(requestId);
    return {
      requestId,
      disposition: row?.Disposition ?? 0,
      message: row?.DispositionMessage ?? '',
      statusCode: row?.StatusCode ?? 0,
      ...(certificate && { certificate }),
      deliveries,
    };
  }
}

function _defaultRequester(): string {
  return `${hostname().split('.')[0]!.toUpperCase()}\\${userInfo().username}`;
}
