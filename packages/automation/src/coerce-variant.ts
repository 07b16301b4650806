import { DISP_E_BADVARTYPE, DISP_E_OVERFLOW, DISP_E_TYPEMISMATCH } from '@certexit/core';
import { byteStringToBytes, bytesToByteString } from './byte-string';
import { DispatchError } from './dispatch-error';
import { dateFromOleDate, isOleDateInRange, oleDateFromDate } from './ole-date';
import type { Variant, VarType } from './variant';
import {
  assertVariant,
  VT_ARRAY_UI1,
  VT_ARRAY_VARIANT,
  VT_BOOL,
  VT_BSTR,
  VT_DATE,
  VT_DISPATCH,
  VT_EMPTY,
  VT_ERROR,
  VT_I4,
  VT_NULL,
  VT_UI1,
  VT_VARIANT,
  varTypeName,
} from './variant';

/**
 * `VariantChangeType` for the types of the exit-module interfaces: what a late-bound callee does to the arguments
 * it receives and a caller does to a result. `VT_VARIANT` as the target means "any" and returns `variant` as it is.
 *
 * Rules (OleAut32's, with English text and UTC ISO 8601 dates instead of the locale's):
 * - to `VT_I4`/`VT_UI1`: from numbers and dates (rounded half to even), `VT_BOOL` (`True` is -1; 255 as a byte),
 *   `VT_EMPTY` (0) and numeric text (`"42"`, `" -7 "`, `"&H1F"`); out of range is `DISP_E_OVERFLOW`;
 * - to `VT_BOOL`: non-zero numbers, `"True"`/`"False"` or numeric text, `VT_EMPTY` (false);
 * - to `VT_DATE`: numbers (days), `VT_EMPTY` (day 0), ISO 8601 text (UTC when no offset is given);
 * - to `VT_BSTR`: decimal numbers, `"True"`/`"False"`, ISO 8601 dates, `VT_EMPTY` (`""`), a byte array
 *   (as a binary BSTR); a binary BSTR stays binary;
 * - to `VT_DISPATCH`: `VT_EMPTY` is `Nothing` (null);
 * - to `VT_ARRAY | VT_UI1`: a binary BSTR or an array of byte-valued VARIANTs.
 * `VT_NULL`, `VT_ERROR` and objects convert to nothing else.
 *
 * @throws {DispatchError} `DISP_E_TYPEMISMATCH` when the value has no form of `targetVt`, `DISP_E_OVERFLOW` when the
 *   number does not fit, `DISP_E_BADVARTYPE` for a target this model does not know.
 * @example coerceVariant({ vt: VT_BSTR, value: '3' }, VT_I4) // { vt: VT_I4, value: 3 }
 */
export function coerceVariant(variant: Variant, targetVt: VarType): Variant {
  assertVariant(variant);
  if (targetVt === VT_VARIANT || variant.vt === targetVt) return variant;
  const mismatch = () =>
    new DispatchError({
      hresult: DISP_E_TYPEMISMATCH,
      message: `cannot convert ${_describe(variant)} to ${varTypeName(targetVt)}`,
    });
  switch (targetVt) {
    case VT_I4:
      return { vt: VT_I4, value: _toInteger(variant, -0x80000000, 0x7fffffff, mismatch) };
    case VT_UI1:
      // VarUI1FromBool: True (-1) keeps its low byte.
      if (variant.vt === VT_BOOL) return { vt: VT_UI1, value: variant.value ? 0xff : 0 };
      return { vt: VT_UI1, value: _toInteger(variant, 0, 0xff, mismatch) };
    case VT_BOOL:
      return { vt: VT_BOOL, value: _toBoolean(variant, mismatch) };
    case VT_DATE:
      return { vt: VT_DATE, value: _toOleDate(variant, mismatch) };
    case VT_BSTR:
      return _toBstr(variant, mismatch);
    case VT_DISPATCH:
      if (variant.vt === VT_EMPTY) return { vt: VT_DISPATCH, value: null };
      throw mismatch();
    case VT_ARRAY_UI1:
      if (variant.vt === VT_BSTR && variant.binary) {
        return { vt: VT_ARRAY_UI1, value: Array.from(byteStringToBytes(variant.value)) };
      }
      if (variant.vt === VT_ARRAY_VARIANT) {
        return { vt: VT_ARRAY_UI1, value: variant.value.map((item) => _toInteger(item, 0, 0xff, mismatch)) };
      }
      throw mismatch();
    case VT_ARRAY_VARIANT:
      if (variant.vt === VT_ARRAY_UI1) {
        return { vt: VT_ARRAY_VARIANT, value: variant.value.map((byte) => ({ vt: VT_UI1, value: byte })) };
      }
      throw mismatch();
    case VT_EMPTY:
    case VT_NULL:
    case VT_ERROR:
      throw mismatch();
    default:
      throw new DispatchError({ hresult: DISP_E_BADVARTYPE, message: `unsupported target ${varTypeName(targetVt)}` });
  }
}

function _toInteger(variant: Variant, min: number, max: number, mismatch: () => DispatchError): number {
  let value: number;
  switch (variant.vt) {
    case VT_I4:
    case VT_UI1:
    case VT_DATE:
      value = variant.value;
      break;
    case VT_BOOL:
      value = variant.value ? -1 : 0;
      break;
    case VT_EMPTY:
      value = 0;
      break;
    case VT_BSTR:
      if (variant.binary) throw mismatch();
      value = _parseNumber(variant.value, mismatch);
      break;
    default:
      throw mismatch();
  }
  const rounded = _roundHalfEven(value);
  if (rounded < min || rounded > max) {
    throw new DispatchError({ hresult: DISP_E_OVERFLOW, message: `${_describe(variant)} does not fit ${min}..${max}` });
  }
  return rounded;
}

function _toBoolean(variant: Variant, mismatch: () => DispatchError): boolean {
  switch (variant.vt) {
    case VT_I4:
    case VT_UI1:
    case VT_DATE:
      return variant.value !== 0;
    case VT_EMPTY:
      return false;
    case VT_BSTR: {
      if (variant.binary) throw mismatch();
      const text = variant.value.trim().toLowerCase();
      if (text === 'true') return true;
      if (text === 'false') return false;
      return _parseNumber(text, mismatch) !== 0;
    }
    default:
      throw mismatch();
  }
}

function _toOleDate(variant: Variant, mismatch: () => DispatchError): number {
  let value: number;
  switch (variant.vt) {
    case VT_I4:
    case VT_UI1:
      value = variant.value;
      break;
    case VT_BOOL:
      value = variant.value ? -1 : 0;
      break;
    case VT_EMPTY:
      value = 0;
      break;
    case VT_BSTR: {
      if (variant.binary) throw mismatch();
      // ISO 8601 only: other text is locale-dependent in OleAut32. No offset means UTC, certexit's convention.
      const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?)?$/i.exec(
        variant.value.trim(),
      );
      if (!match) throw mismatch();
      const date = new Date(`${match[1]}T${match[2] ?? '00:00'}${match[3] ?? 'Z'}`);
      if (Number.isNaN(date.getTime())) throw mismatch();
      return oleDateFromDate(date);
    }
    default:
      throw mismatch();
  }
  if (!isOleDateInRange(value)) {
    throw new DispatchError({ hresult: DISP_E_OVERFLOW, message: `${_describe(variant)} is outside VT_DATE's range` });
  }
  return value;
}

function _toBstr(variant: Variant, mismatch: () => DispatchError): Variant {
  switch (variant.vt) {
    case VT_I4:
    case VT_UI1:
      return { vt: VT_BSTR, value: String(variant.value) };
    case VT_BOOL:
      return { vt: VT_BSTR, value: variant.value ? 'True' : 'False' };
    case VT_EMPTY:
      return { vt: VT_BSTR, value: '' };
    case VT_DATE:
      return { vt: VT_BSTR, value: dateFromOleDate(variant.value).toISOString() };
    case VT_ARRAY_UI1:
      return { vt: VT_BSTR, value: bytesToByteString(Uint8Array.from(variant.value)), binary: true };
    default:
      throw mismatch();
  }
}

function _parseNumber(text: string, mismatch: () => DispatchError): number {
  const trimmed = text.trim();
  // VB hex literals (&H…) are bit patterns: &HFFFFFFFF is -1 as a LONG.
  const hex = /^&H([0-9a-f]{1,8})$/i.exec(trimmed);
  if (hex) return Number.parseInt(hex[1] ?? '', 16) | 0;
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i.test(trimmed)) throw mismatch();
  return Number(trimmed);
}

function _roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  // Math.round takes halves up; banker's rounding (OleAut32's) takes them to the even neighbour.
  return Math.abs(value % 1) === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

function _describe(variant: Variant): string {
  const kind = variant.vt === VT_BSTR && variant.binary ? 'binary VT_BSTR' : varTypeName(variant.vt);
  if (variant.vt === VT_BSTR) return `${kind} ${JSON.stringify(variant.value.slice(0, 40))}`;
  if (variant.vt === VT_DISPATCH || variant.vt === VT_ARRAY_VARIANT || variant.vt === VT_ARRAY_UI1) return kind;
  return variant.vt === VT_EMPTY ? kind : `${kind} ${String(variant.value)}`;
}
