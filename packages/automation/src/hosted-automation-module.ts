import type { HostedExitModuleV1, ICertExit, ICertExit2, ICertManageModule } from '@certexit/core';
import { hostDirectModule } from '@certexit/direct';
import type { IDispatch } from './dispatch';
import { dispatchToCertExit } from './dispatch-exit-module';

/** Options of {@link hostAutomationModule}: the direct adapter's, whose containment it reuses. */
export interface AutomationHostOptions {
  /** The module's ProgID or name, used in error messages. */
  source?: string;
  /** Deadline of each `Notify`. @default 30000 */
  notifyTimeoutMs?: number;
  /** Deadline of `Initialize`, `GetDescription` and `GetManageModule` (the name lookup included). @default 30000 */
  callTimeoutMs?: number;
}

/**
 * Hosts a module the CA can only reach late-bound (a script-style object offering `IDispatch`), over
 * {@link dispatchToCertExit}, with `binding: 'automation'`. Like the direct adapter, no `do` method ever throws;
 * each resolves to a `CallOutcome` carrying the HRESULT:
 * - a raised module error (`DISP_E_EXCEPTION`) fails with its `scode`; a result of the wrong VARIANT type with
 *   `DISP_E_TYPEMISMATCH`; a missing `Initialize`/`Notify`/`GetDescription` with `DISP_E_UNKNOWNNAME`;
 * - an `Initialize` mask with bits outside the defined `EXITEVENT_*` fails with `E_INVALIDARG`, naming the bits;
 * - a call that outlives its deadline fails with `HRESULT_FROM_WIN32(ERROR_TIMEOUT)` (its late result is ignored);
 * - `doGetManageModule` succeeds with no value when the module has no `GetManageModule`.
 * Names are looked up on the first call, and again after a failed lookup.
 *
 * @example
 * ```ts
 * const hosted = hostAutomationModule(scriptModule, { source: 'MyScript.Exit' });
 * const init = await hosted.doInitialize('Contoso Issuing CA');
 * if (!init.ok) logger.error({ hresult: init.hresult, err: init.error }, 'Initialize failed');
 * ```
 */
export function hostAutomationModule(disp: IDispatch, options: AutomationHostOptions = {}): HostedExitModuleV1 {
  let loading: Promise<ICertExit | ICertExit2> | undefined;
  const load = (): Promise<ICertExit | ICertExit2> => {
    if (!loading) {
      const attempt = dispatchToCertExit(disp);
      loading = attempt;
      // Forget a failed load so the next call looks the names up again; this call still reports the failure.
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
  // The direct host contains every call (deadlines, HRESULTs, garbage checks); the names are looked up lazily
  // inside the contained calls, so a failed lookup is a failed call like any other.
  const lateBound: ICertExit2 = {
    Initialize: async (caName) => (await load()).Initialize(caName),
    Notify: async (event, context) => {
      await (await load()).Notify(event, context);
    },
    GetDescription: async () => (await load()).GetDescription(),
    GetManageModule: async () => {
      const exit = await load();
      return ('GetManageModule' in exit ? exit.GetManageModule() : undefined) as ICertManageModule;
    },
  };
  return hostDirectModule(lateBound, { ...options, binding: 'automation' });
}
