import type { ICertManageModule } from '@certexit/core';
import { CertexitError, FAILED, hresultName } from '@certexit/core';
import { CERT_MANAGE_MODULE_METHODS } from './automation-signatures';
import { createDispatch } from './create-dispatch';
import type { IDispatch } from './dispatch';
import { propertyToVariant, variantToProperty } from './property-variant';
import type { AutomationValue } from './variant';
import { toVariant } from './variant';

/**
 * Exposes an `ICertManageModule` late-bound, as the snap-in and `certutil` reach an `<App>.ExitManage` object:
 * `GetProperty` returns the value as a VARIANT (`VT_EMPTY` for an unknown name, the `S_FALSE` case), `SetProperty`
 * and `Configure` are `Sub`s. A failure HRESULT returned by `SetProperty` is raised, as a thrown error is.
 * @param source the `EXCEPINFO` source of raised errors, e.g. the module's `<App>.ExitManage` ProgID.
 */
export function manageModuleToDispatch(manage: ICertManageModule, source = 'ExitManage'): IDispatch {
  const target = {
    GetProperty: async (config: string, storage: string, name: string, flags: number) =>
      propertyToVariant(await manage.GetProperty(config, storage, name, flags)),
    SetProperty: async (config: string, storage: string, name: string, flags: number, value: AutomationValue) => {
      // The argument arrives as a JavaScript value; re-read it as a property value (booleans as LONG -1/0).
      const property = variantToProperty(toVariant(value));
      const hresult = await manage.SetProperty(config, storage, name, flags, property);
      if (typeof hresult === 'number' && FAILED(hresult)) {
        throw new CertexitError({
          hresult,
          message: `SetProperty(${JSON.stringify(name)}) returned ${hresultName(hresult)}`,
        });
      }
    },
    Configure: (config: string, storage: string, flags: number) => manage.Configure(config, storage, flags),
  };
  return createDispatch(target, { methods: CERT_MANAGE_MODULE_METHODS, source });
}
