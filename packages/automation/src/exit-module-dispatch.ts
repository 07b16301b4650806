import type { ICertExit, ICertExit2 } from '@certexit/core';
import { CertexitError, FAILED, hresultName } from '@certexit/core';
import { CERT_EXIT_METHODS } from './automation-signatures';
import { createDispatch } from './create-dispatch';
import type { IDispatch } from './dispatch';
import { manageModuleToDispatch } from './manage-module-dispatch';

/**
 * Exposes a direct (`ICertExit`/`ICertExit2`) module late-bound, with the Automation conventions: `Initialize` returns
 * the mask as a `VT_I4`, `Notify` is a `Sub` that raises on failure (a returned failure HRESULT is raised as well),
 * `GetDescription` returns a `VT_BSTR` and `GetManageModule`, present only for an `ICertExit2`, a `VT_DISPATCH`.
 * This is how a module is served across a late-bound boundary, and how the adapter is tested against direct calls.
 * @param source the `EXCEPINFO` source of raised errors, e.g. the module's ProgID.
 */
export function certExitToDispatch(exit: ICertExit | ICertExit2, source = 'Exit'): IDispatch {
  const target = {
    Initialize: async (caName: string) => {
      const mask = await exit.Initialize(caName);
      // The mask is a bit pattern: as a LONG it is its int32 reading. Anything else fails the VT_I4 coercion.
      return typeof mask === 'number' && Number.isInteger(mask) ? mask | 0 : mask;
    },
    Notify: async (event: number, context: number) => {
      const hresult = await exit.Notify(event >>> 0, context);
      if (typeof hresult === 'number' && FAILED(hresult)) {
        throw new CertexitError({ hresult, message: `the module returned ${hresultName(hresult)}` });
      }
    },
    GetDescription: () => exit.GetDescription(),
    GetManageModule: async () => {
      if (!_isCertExit2(exit)) throw new CertexitError({ message: 'unreachable: not an ICertExit2' });
      return manageModuleToDispatch(await exit.GetManageModule(), `${source}Manage`);
    },
  };
  const { GetManageModule, ...exitMethods } = CERT_EXIT_METHODS;
  return createDispatch(target, {
    methods: _isCertExit2(exit) ? { ...exitMethods, GetManageModule } : exitMethods,
    source,
  });
}

function _isCertExit2(exit: ICertExit | ICertExit2): exit is ICertExit2 {
  return typeof (exit as Partial<ICertExit2>).GetManageModule === 'function';
}
