import type { ICertServerExit } from '@certexit/core';
import { PROGID_SERVER_EXIT } from '@certexit/core';
import { CERT_SERVER_EXIT_METHODS } from './automation-signatures';
import { createDispatch } from './create-dispatch';
import type { IDispatch } from './dispatch';
import { propertyToVariant } from './property-variant';

/**
 * Exposes an `ICertServerExit` to a script module with the Automation return conventions (the "VB" sections of the
 * SDK docs):
 * - `GetRequestProperty`, `GetCertificateProperty` and `GetCertificateExtension` return a VARIANT of the requested
 *   `PROPTYPE_*`: `VT_I4`, `VT_DATE`, `VT_BSTR`, and for binary values a byte-string `VT_BSTR` (`binary: true`);
 * - `EnumerateExtensions` / `EnumerateAttributes` return `""` at the end instead of `S_FALSE`;
 * - `GetCertificateExtensionFlags` returns a `VT_I4`;
 * - a server failure becomes `DISP_E_EXCEPTION` whose `scode` is the server's HRESULT (`CERTSRV_E_PROPERTY_EMPTY`,
 *   `E_INVALIDARG`, …), which script code tests as `Err.Number`.
 * Only the twelve read methods exist, so nothing can be written through it.
 *
 * @example
 * ```ts
 * const server = serverExitToDispatch(services.createServerExit());
 * await callByName(server, 'SetContext', [context]);
 * const der = await callByName(server, 'GetCertificateProperty', ['RawCertificate', PROPTYPE_BINARY]);
 * ```
 */
export function serverExitToDispatch(server: ICertServerExit): IDispatch {
  const target = {
    SetContext: (context: number) => server.SetContext(context),
    GetRequestProperty: async (name: string, type: number) =>
      propertyToVariant(await server.GetRequestProperty(name, type), type),
    GetRequestAttribute: (name: string) => server.GetRequestAttribute(name),
    GetCertificateProperty: async (name: string, type: number) =>
      propertyToVariant(await server.GetCertificateProperty(name, type), type),
    GetCertificateExtension: async (name: string, type: number) =>
      propertyToVariant(await server.GetCertificateExtension(name, type), type),
    // Flags are a bit pattern; as a LONG they are its int32 reading.
    GetCertificateExtensionFlags: async () => (await server.GetCertificateExtensionFlags()) | 0,
    EnumerateExtensionsSetup: (flags: number) => server.EnumerateExtensionsSetup(flags),
    EnumerateExtensions: async () => (await server.EnumerateExtensions()) ?? '',
    EnumerateExtensionsClose: () => server.EnumerateExtensionsClose(),
    EnumerateAttributesSetup: (flags: number) => server.EnumerateAttributesSetup(flags),
    EnumerateAttributes: async () => (await server.EnumerateAttributes()) ?? '',
    EnumerateAttributesClose: () => server.EnumerateAttributesClose(),
  };
  return createDispatch(target, { methods: CERT_SERVER_EXIT_METHODS, source: PROGID_SERVER_EXIT });
}
