import type { ICertManageModule } from './cert-manage-module';
import type { MaybePromise } from './maybe-promise';

/**
 * `ICertExit` (CertExit.h), the interface every exit module implements. Method names are the SDK's, so a
 * C++ or C# module ports line by line.
 *
 * @example
 * ```ts
 * const exit: ICertExit = {
 *   Initialize: () => EXITEVENT_CERTISSUED,
 *   Notify: async (event, context) => { const server = services.createServerExit(); await server.SetContext(context); },
 *   GetDescription: () => 'My exit module',
 * };
 * ```
 */
export interface ICertExit {
  /**
   * Called once, after load and before any `Notify`.
   * @param strConfig the sanitized CA name (the CA's configuration key name, not `MACHINE\CA`).
   * @returns the OR of the `EXITEVENT_*` bits the module wants; `EXITEVENT_INVALID` (0) asks for nothing.
   * @throws a {@link CertexitError} (or anything) to fail: the host logs it and runs the CA without this module.
   */
  Initialize(strConfig: string): MaybePromise<number>;
  /**
   * One event, with exactly one `EXITEVENT_*` bit. Unknown bits must be ignored (return `S_OK`).
   * @param ExitEvent the event bit.
   * @param Context the handle to pass to `ICertServerExit.SetContext`; 0 means CA scope.
   * @returns nothing or an HRESULT (`S_OK`); a failure HRESULT, a throw or a rejection is logged (event 46)
   *   and never changes the request's outcome.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: `async Notify() {}` implementations return Promise<void>.
  Notify(ExitEvent: number, Context: number): MaybePromise<number | undefined | void>;
  /** A short human-readable name, used in logs and `CR_PROP_EXITDESCRIPTION`. */
  GetDescription(): MaybePromise<string>;
}

/** `ICertExit2`: adds the management object that the snap-in and `certexit module` commands use. */
export interface ICertExit2 extends ICertExit {
  /** Returns the module's `ICertManageModule` (`<App>.ExitManage`). */
  GetManageModule(): MaybePromise<ICertManageModule>;
}
