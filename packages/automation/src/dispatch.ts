import type { MaybePromise } from '@certexit/core';
import type { Variant } from './variant';

/** `Invoke` flags (OleAuto.h). VBScript passes `DISPATCH_METHOD | DISPATCH_PROPERTYGET` when a call has no parentheses. */
export const DISPATCH_METHOD = 0x1;
export const DISPATCH_PROPERTYGET = 0x2;
export const DISPATCH_PROPERTYPUT = 0x4;

/** The DISPID `GetIDsOfNames` reports for a name it does not know. */
export const DISPID_UNKNOWN = -1;

/**
 * Automation's `IDispatch`, reduced to plain data: names go to DISPIDs once, then each call passes VARIANTs.
 * Unlike COM, arguments are in call order (COM's `DISPPARAMS.rgvarg` is reversed) and named arguments are not
 * supported. Failures are thrown (or rejected) as {@link DispatchError}s carrying the `DISP_E_*` HRESULT; the callee's
 * own error arrives as `DISP_E_EXCEPTION` with an `EXCEPINFO`.
 *
 * Nothing here assumes a transport: a proxy that forwards both calls as JSON satisfies the interface as well.
 *
 * @example
 * ```ts
 * const [id] = await server.GetIDsOfNames(['GetCertificateProperty']);
 * const der = await server.Invoke(id, DISPATCH_METHOD, [
 *   { vt: VT_BSTR, value: 'RawCertificate' },
 *   { vt: VT_I4, value: PROPTYPE_BINARY },
 * ]); // { vt: VT_BSTR, value: '0\x82…', binary: true }
 * ```
 */
export interface IDispatch {
  /**
   * Maps a member name (compared case-insensitively, as Automation does) to its DISPID. `names[0]` is the member;
   * further entries would be parameter names, which this model does not support.
   * @throws {DispatchError} `DISP_E_UNKNOWNNAME` for a name the object does not have.
   */
  GetIDsOfNames(names: string[]): MaybePromise<number[]>;
  /**
   * Calls a member.
   * @param dispId a DISPID from {@link IDispatch.GetIDsOfNames}.
   * @param flags `DISPATCH_METHOD`, `DISPATCH_PROPERTYGET` or both.
   * @param args the arguments in call order.
   * @returns the result; `{ vt: VT_EMPTY }` for a `Sub`.
   * @throws {DispatchError} `DISP_E_MEMBERNOTFOUND`, `DISP_E_BADPARAMCOUNT`, `DISP_E_TYPEMISMATCH` (with `argIndex`)
   *   or `DISP_E_EXCEPTION` (with `excepInfo`).
   */
  Invoke(dispId: number, flags: number, args: Variant[]): MaybePromise<Variant>;
}

/** True for an object that offers `GetIDsOfNames` and `Invoke`, i.e. can be reached late-bound. */
export function isDispatch(obj: unknown): obj is IDispatch {
  if ((typeof obj !== 'object' && typeof obj !== 'function') || obj === null) return false;
  const candidate = obj as Partial<IDispatch>;
  return typeof candidate.GetIDsOfNames === 'function' && typeof candidate.Invoke === 'function';
}
