import type { ICertExit, ICertExit2 } from '@certexit/core';
import { CertexitError, E_NOINTERFACE, E_POINTER } from '@certexit/core';
import { coerceVariant } from './coerce-variant';
import type { IDispatch } from './dispatch';
import { isDispatch } from './dispatch';
import { createDispatchClient } from './dispatch-client';
import { dispatchToManageModule } from './dispatch-manage-module';
import type { Variant } from './variant';
import { toVariant, VT_BSTR, VT_DISPATCH, VT_I4 } from './variant';

/**
 * Drives a late-bound exit module (a script or any object that only offers `IDispatch`) as an `ICertExit`, the way
 * the CA falls back to Automation:
 * - the names `Initialize`, `Notify`, `GetDescription` and `GetManageModule` are looked up once, here; a missing
 *   required one fails with `DISP_E_UNKNOWNNAME`, a missing `GetManageModule` makes the result an `ICertExit` only;
 * - `Initialize` returns the result coerced to `VT_I4`, read as an unsigned mask (a script's `Empty` is 0);
 * - `Notify` passes event and context as `VT_I4`, ignores any result and throws when the module raises;
 * - `GetDescription` returns the result coerced to `VT_BSTR`;
 * - `GetManageModule` wraps the returned `VT_DISPATCH` with `dispatchToManageModule`.
 * A module's raised error (`DISP_E_EXCEPTION`) is thrown as a `CertexitError` whose HRESULT is the `scode`; a result
 * that does not coerce is `DISP_E_TYPEMISMATCH`.
 *
 * @returns a promise, because the names are looked up through the (possibly asynchronous) `GetIDsOfNames`.
 * @throws {CertexitError} `E_NOINTERFACE` when `disp` is no `IDispatch`, `DISP_E_UNKNOWNNAME` for a missing method.
 * @example
 * ```ts
 * const exit = await dispatchToCertExit(scriptModule);
 * const mask = await exit.Initialize('Contoso Issuing CA');
 * ```
 */
export async function dispatchToCertExit(disp: IDispatch): Promise<ICertExit | ICertExit2> {
  if (!isDispatch(disp)) {
    throw new CertexitError({
      hresult: E_NOINTERFACE,
      message: 'the module object offers no IDispatch',
      source: 'automation',
    });
  }
  const client = createDispatchClient(disp);
  // Sequential on purpose: one GetIDsOfNames at a time, as COM does, keeps a remote transport simple.
  for (const name of ['Initialize', 'Notify', 'GetDescription']) await client.dispId(name);
  const hasManageModule = await client.has('GetManageModule');

  const exit: ICertExit = {
    Initialize: (strConfig) =>
      client.call('Initialize', [{ vt: VT_BSTR, value: strConfig }], (result) => _as(result, VT_I4) >>> 0),
    async Notify(ExitEvent, Context) {
      // The event is a bit pattern (wrapped into a LONG); the context must already be a LONG (else DISP_E_OVERFLOW).
      await client.call('Notify', [{ vt: VT_I4, value: ExitEvent | 0 }, toVariant(Context)]);
    },
    GetDescription: () => client.call('GetDescription', [], (result) => _as(result, VT_BSTR) as string),
  };
  if (!hasManageModule) return exit;

  return {
    ...exit,
    async GetManageModule() {
      const manage = await client.call('GetManageModule', [], (result) => _as(result, VT_DISPATCH) as IDispatch | null);
      if (!manage) {
        throw new CertexitError({
          hresult: E_POINTER,
          message: 'GetManageModule returned Nothing',
          source: 'automation',
        });
      }
      return dispatchToManageModule(manage);
    },
  } satisfies ICertExit2;
}

function _as(result: Variant, vt: typeof VT_I4): number;
function _as(result: Variant, vt: number): unknown;
function _as(result: Variant, vt: number): unknown {
  return coerceVariant(result, vt).value;
}
