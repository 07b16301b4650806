import { DISP_E_UNKNOWNNAME } from '@certexit/core';
import type { IDispatch } from './dispatch';
import { DISPATCH_METHOD } from './dispatch';
import { DispatchError } from './dispatch-error';
import type { AutomationValue, Variant } from './variant';
import { assertVariant, toVariant } from './variant';

/**
 * VB's `CallByName`: looks `name` up and invokes it, the way a script line `server.GetCertificateProperty(...)` does.
 * Arguments may be JavaScript values (converted with `toVariant`) or VARIANTs. Failures stay {@link DispatchError}s, so
 * script-style code tests `DispatchError.errNumber(error)` as VBScript tests `Err.Number`.
 * @param flags `DISPATCH_METHOD` (default) or `DISPATCH_PROPERTYGET`.
 * @example
 * ```ts
 * const server = automation.CreateObject('CertificateAuthority.ServerExit');
 * await callByName(server, 'SetContext', [context]);
 * const der = await callByName(server, 'GetCertificateProperty', ['RawCertificate', PROPTYPE_BINARY]);
 * ```
 */
export async function callByName(
  disp: IDispatch,
  name: string,
  args: readonly (AutomationValue | Variant)[] = [],
  flags: number = DISPATCH_METHOD,
): Promise<Variant> {
  const variants = args.map((arg) => toVariant(arg));
  // DISPIDs are fixed for an object's lifetime (COM's rule), so a name is looked up once per object, as script
  // engines do.
  let ids = _dispIds.get(disp);
  if (!ids) {
    ids = new Map();
    _dispIds.set(disp, ids);
  }
  let id = ids.get(name);
  if (id === undefined) {
    [id] = await disp.GetIDsOfNames([name]);
    if (id === undefined || id === -1) {
      throw new DispatchError({ hresult: DISP_E_UNKNOWNNAME, message: `no member ${JSON.stringify(name)}` });
    }
    ids.set(name, id);
  }
  const result: unknown = await disp.Invoke(id, flags, variants);
  assertVariant(result, `${name} result`);
  return result;
}

const _dispIds = new WeakMap<IDispatch, Map<string, number>>();
