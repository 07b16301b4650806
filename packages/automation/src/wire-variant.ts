import { DISP_E_TYPEMISMATCH } from '@certexit/core';
import { bytesToByteString } from './byte-string';
import type { IDispatch } from './dispatch';
import { DispatchError } from './dispatch-error';
import type { Variant } from './variant';
import { assertVariant, VT_BSTR, VT_DISPATCH } from './variant';

/**
 * A VARIANT as it travels in a frame of the out-of-process protocol (see `PROTOCOL.md`, "VARIANTs"): the
 * {@link Variant} model unchanged, except that a binary `VT_BSTR` carries its bytes as standard base64 in `b64`
 * (no `value`), and a `VT_DISPATCH` carries the exporter's object handle in `handle` (`null` for `Nothing`).
 */
export type WireVariant =
  | { readonly vt: number; readonly value?: unknown }
  | { readonly vt: typeof VT_BSTR; readonly b64: string }
  | { readonly vt: typeof VT_DISPATCH; readonly handle: number | null };

/**
 * The wire form of a VARIANT. `exportObject` gives the handle under which a local `IDispatch` is offered to the peer.
 * @throws {DispatchError} when `variant` is malformed.
 */
export function variantToWire(variant: Variant, exportObject: (disp: IDispatch) => number): WireVariant {
  assertVariant(variant);
  if (variant.vt === VT_BSTR && variant.binary) return { vt: VT_BSTR, b64: _base64(variant.value) };
  if (variant.vt === VT_DISPATCH)
    return { vt: VT_DISPATCH, handle: variant.value ? exportObject(variant.value) : null };
  if (variant.vt === 0x200c) return { vt: variant.vt, value: variant.value.map((v) => variantToWire(v, exportObject)) };
  return variant;
}

/**
 * The VARIANT of a wire value. `importObject` gives the local proxy of a peer's handle.
 * @throws {DispatchError} `DISP_E_TYPEMISMATCH` (or `DISP_E_BADVARTYPE`) when `wire` is no well-formed wire VARIANT.
 */
export function variantFromWire(wire: unknown, importObject: (handle: number) => IDispatch): Variant {
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) {
    throw new DispatchError({ hresult: DISP_E_TYPEMISMATCH, message: 'a wire VARIANT must be an object' });
  }
  const w = wire as Record<string, unknown>;
  if (w.vt === VT_BSTR && 'b64' in w) {
    if (typeof w.b64 !== 'string' || !_BASE64.test(w.b64)) {
      throw new DispatchError({ hresult: DISP_E_TYPEMISMATCH, message: 'b64 is not standard base64' });
    }
    return { vt: VT_BSTR, value: bytesToByteString(Buffer.from(w.b64, 'base64')), binary: true };
  }
  if (w.vt === VT_DISPATCH) {
    if (w.handle === null) return { vt: VT_DISPATCH, value: null };
    if (!Number.isSafeInteger(w.handle) || (w.handle as number) < 0) {
      throw new DispatchError({ hresult: DISP_E_TYPEMISMATCH, message: 'a VT_DISPATCH needs a handle (or null)' });
    }
    return { vt: VT_DISPATCH, value: importObject(w.handle as number) };
  }
  if (w.vt === 0x200c && Array.isArray(w.value)) {
    return { vt: 0x200c, value: w.value.map((item) => variantFromWire(item, importObject)) };
  }
  const variant = w.vt === 0 ? { vt: 0 } : w;
  assertVariant(variant, 'wire VARIANT');
  return variant;
}

const _BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function _base64(byteString: string): string {
  return Buffer.from(byteString, 'latin1').toString('base64');
}
