import type { RunOnceOptions, RunOnceOutcome } from '../idempotency/run-once';
import type { ICertServerExit } from '../interfaces/cert-server-exit';
import type { ExitModuleServices } from '../interfaces/exit-module-factory';
import type { Logger } from '../interfaces/logger';
import type { MaybePromise } from '../interfaces/maybe-promise';
import type { CaView, CertificateView, Lazy, PublishedCrl, RequestView } from './exit-context-views';
import type { ExitEventName, RequestExitEventName } from './exit-event-names';

/** What every handler of `defineExitModule` receives. */
export interface ExitContext<S, E extends ExitEventName = ExitEventName> {
  /** The handler's event name (`issued`, `crlIssued`, ...). */
  readonly event: E;
  /** The `EXITEVENT_*` bit `Notify` carried. */
  readonly exitEvent: number;
  /** The `Notify` context (a request id, or the CA-scope token). */
  readonly context: number;
  /** The notification's `EventID` (the same on every retry); `undefined` outside a host's delivery. */
  readonly eventId: Lazy<string | undefined>;
  /** The CA. */
  readonly ca: CaView;
  /** The module's settings in effect (read at `Initialize`, reloaded by `Configure(CMM_REFRESHONLY)`). */
  readonly settings: S;
  /** The module's logger (its fields stay under `fields`; never log secrets). */
  readonly logger: Logger;
  /** Aborted when the host stops. */
  readonly signal: AbortSignal;
  /**
   * Runs a side effect once per notification and `action` across retries, through the host's idempotency store
   * (`runOnce` with this notification's EventID); outside a host's delivery (no EventID) it simply runs.
   * @example await ctx.once('webhook', () => post(body));
   * @example await ctx.once(`mail:${to}`, () => send(to), { scope: 'event', ifInterrupted: 'skip' }); // at most once
   */
  once<T>(
    action: string,
    work: () => MaybePromise<T>,
    options?: Pick<RunOnceOptions, 'scope' | 'ifInterrupted'>,
  ): Promise<RunOnceOutcome<T>>;
  /**
   * The full contract: the `ICertServerExit` of this notification, already set to its context. The views read
   * through it one call at a time; mixing your own calls with theirs is safe only when you await each.
   */
  readonly server: ICertServerExit;
  /** Everything the host gave the module (`createServerExit`, `createObject`, `idempotency`, `config`, ...). */
  readonly services: ExitModuleServices;
}

/** The context of a request event: the request and its certificate (empty before issuance). */
export interface RequestExitContext<S, E extends RequestExitEventName = RequestExitEventName>
  extends ExitContext<S, E> {
  readonly request: RequestView;
  readonly certificate: CertificateView;
}

/** The context of `crlIssued`: the CRLs the CA publishes (the SDK sample's loop). */
export interface CrlIssuedExitContext<S> extends ExitContext<S, 'crlIssued'> {
  readonly crls: Lazy<readonly PublishedCrl[]>;
}

/**
 * What a handler returns: nothing (`S_OK`) or an HRESULT. Throw to fail; the host classifies the error
 * (`isRetryable`, else the HRESULT) and retries or dead-letters the notification.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: `async issued(ctx) {}` handlers return Promise<void>.
export type ExitHandlerResult = MaybePromise<void | number | undefined>;

/** The `events` of `defineExitModule`: one optional handler per event; the event mask comes from those present. */
export interface ExitEventHandlers<S> {
  issued?(ctx: RequestExitContext<S, 'issued'>): ExitHandlerResult;
  pending?(ctx: RequestExitContext<S, 'pending'>): ExitHandlerResult;
  denied?(ctx: RequestExitContext<S, 'denied'>): ExitHandlerResult;
  /** Also sent when a certificate is released from hold (unrevoked): read `ctx.request.disposition`. */
  revoked?(ctx: RequestExitContext<S, 'revoked'>): ExitHandlerResult;
  retrievePending?(ctx: RequestExitContext<S, 'retrievePending'>): ExitHandlerResult;
  imported?(ctx: RequestExitContext<S, 'imported'>): ExitHandlerResult;
  crlIssued?(ctx: CrlIssuedExitContext<S>): ExitHandlerResult;
  /** The CA is stopping: flush and let go of what the module holds. */
  shutdown?(ctx: ExitContext<S, 'shutdown'>): ExitHandlerResult;
}
