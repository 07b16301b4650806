import type { ICertServerExit, PropertyValueOf } from '@certexit/core';
import { coerceVariant } from './coerce-variant';
import type { IDispatch } from './dispatch';
import { createDispatchClient } from './dispatch-client';
import { variantToProperty } from './property-variant';
import type { Variant } from './variant';
import { toVariant, VT_BSTR, VT_I4 } from './variant';

/**
 * The inverse of `serverExitToDispatch`: an `ICertServerExit` over a late-bound callback object, so a module written
 * against the direct interface can run where only Automation reaches the CA (e.g. behind a process boundary).
 * Results are converted back from the Automation conventions: VARIANTs to the `PROPTYPE_*` value, `""` from the
 * enumerations to `undefined`, and a `DISP_E_EXCEPTION` to a thrown `CertexitError` with the server's HRESULT.
 * Names are looked up on first use and cached.
 */
export function dispatchToServerExit(disp: IDispatch): ICertServerExit {
  const client = createDispatchClient(disp);
  const long = (value: number) => toVariant(value);
  const text = (value: string) => ({ vt: VT_BSTR, value }) as const;
  const property = <T extends number>(method: string, name: string, type: T): Promise<PropertyValueOf<T>> =>
    client.call(method, [text(name), long(type)], (result) => variantToProperty(result, type));
  const bstr = (result: Variant) => coerceVariant(result, VT_BSTR).value as string;
  const enumerate = async (method: string): Promise<string | undefined> => {
    const next = await client.call(method, [], bstr);
    return next === '' ? undefined : next;
  };
  const sub = async (method: string, ...args: number[]): Promise<void> => {
    await client.call(method, args.map(long));
  };

  return {
    SetContext: (context) => sub('SetContext', context),
    GetRequestProperty: (name, type) => property('GetRequestProperty', name, type),
    GetRequestAttribute: (name) => client.call('GetRequestAttribute', [text(name)], bstr),
    GetCertificateProperty: (name, type) => property('GetCertificateProperty', name, type),
    GetCertificateExtension: (name, type) => property('GetCertificateExtension', name, type),
    // Flags are a bit pattern: read back unsigned, as the constants are written.
    GetCertificateExtensionFlags: () =>
      client.call('GetCertificateExtensionFlags', [], (result) => (coerceVariant(result, VT_I4).value as number) >>> 0),
    EnumerateExtensionsSetup: (flags) => sub('EnumerateExtensionsSetup', flags | 0),
    EnumerateExtensions: () => enumerate('EnumerateExtensions'),
    EnumerateExtensionsClose: () => sub('EnumerateExtensionsClose'),
    EnumerateAttributesSetup: (flags) => sub('EnumerateAttributesSetup', flags | 0),
    EnumerateAttributes: () => enumerate('EnumerateAttributes'),
    EnumerateAttributesClose: () => sub('EnumerateAttributesClose'),
  };
}
