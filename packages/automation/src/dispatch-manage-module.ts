import type { ICertManageModule } from '@certexit/core';
import type { IDispatch } from './dispatch';
import { createDispatchClient } from './dispatch-client';
import { propertyToVariant, variantToProperty } from './property-variant';
import type { Variant } from './variant';
import { VT_BSTR, VT_I4 } from './variant';

/**
 * An `ICertManageModule` over a late-bound management object (what a script module's `GetManageModule` returns).
 * `GetProperty` answers the VARIANT as a property value, `undefined` for `VT_EMPTY`/`VT_NULL` (the `S_FALSE` case);
 * a raised error is thrown as a `CertexitError` with the callee's `scode`. Names are looked up on first use and
 * cached, so a management object without `SetProperty` still answers `GetProperty`.
 */
export function dispatchToManageModule(disp: IDispatch): ICertManageModule {
  const client = createDispatchClient(disp);
  const text = (value: string): Variant => ({ vt: VT_BSTR, value });
  // Flags are a bit pattern; as a LONG they are its int32 reading.
  const flagsOf = (flags: number): Variant => ({ vt: VT_I4, value: flags | 0 });

  return {
    GetProperty: (config, storage, name, flags) =>
      client.call('GetProperty', [text(config), text(storage), text(name), flagsOf(flags)], (result) =>
        variantToProperty(result),
      ),
    async SetProperty(config, storage, name, flags, value) {
      await client.call('SetProperty', [
        text(config),
        text(storage),
        text(name),
        flagsOf(flags),
        propertyToVariant(value),
      ]);
    },
    async Configure(config, storage, flags) {
      await client.call('Configure', [text(config), text(storage), flagsOf(flags)]);
    },
  };
}
