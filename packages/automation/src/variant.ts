import type { PropertyValue } from '@certexit/core';
import { DISP_E_BADVARTYPE, DISP_E_OVERFLOW, DISP_E_TYPEMISMATCH } from '@certexit/core';
import { byteStringToBytes, bytesToByteString, isByteString } from './byte-string';
import type { IDispatch } from './dispatch';
import { isDispatch } from './dispatch';
import { DispatchError } from './dispatch-error';
import { dateFromOleDate, isOleDateInRange, oleDateFromDate } from './ole-date';

/** VARTYPEs (WTypes.h) of the values that cross the exit-module Automation boundary. */
export const VT_EMPTY = 0;
export const VT_NULL = 1;
export const VT_I4 = 3;
export const VT_DATE = 7;
export const VT_BSTR = 8;
export const VT_DISPATCH = 9;
export const VT_ERROR = 10;
export const VT_BOOL = 11;
/** As a parameter or return type: "any VARIANT", no coercion. */
export const VT_VARIANT = 12;
export const VT_UI1 = 17;
/** OR-ed with an element type: a SAFEARRAY (`VT_ARRAY | VT_VARIANT`, `VT_ARRAY | VT_UI1`). */
export const VT_ARRAY = 0x2000;
/** `VT_ARRAY | VT_VARIANT` as one literal, for building and narrowing {@link Variant}s: VBScript's arrays. */
export const VT_ARRAY_VARIANT = (VT_ARRAY | VT_VARIANT) as 0x200c;
/** `VT_ARRAY | VT_UI1` as one literal: a byte array (`Byte()` in VB). */
export const VT_ARRAY_UI1 = (VT_ARRAY | VT_UI1) as 0x2011;

/** A VARTYPE number, e.g. `VT_I4` or `VT_ARRAY | VT_UI1`. */
export type VarType = number;

/**
 * A VARIANT as plain, JSON-safe data (an `IDispatch` reference aside):
 * - `VT_I4`: an int32; `VT_UI1`: 0–255; `VT_BOOL`: `true`/`false` (`VARIANT_TRUE` is -1 when coerced to a number);
 * - `VT_DATE`: the OLE Automation date number (days since 1899-12-30, fraction = time, UTC), see {@link oleDateFromDate};
 * - `VT_BSTR`: a string; with `binary: true` a byte string (one char per byte), how `PROPTYPE_BINARY` values travel;
 * - `VT_ERROR`: an SCODE (VBScript passes `DISP_E_PARAMNOTFOUND` for a missing optional argument);
 * - `VT_DISPATCH`: an {@link IDispatch}, or `null` for `Nothing`;
 * - `VT_ARRAY | VT_VARIANT` (0x200C): an array of VARIANTs; `VT_ARRAY | VT_UI1` (0x2011): an array of bytes.
 */
export type Variant =
  | { readonly vt: typeof VT_EMPTY; readonly value?: undefined }
  | { readonly vt: typeof VT_NULL; readonly value?: null }
  | { readonly vt: typeof VT_I4; readonly value: number }
  | { readonly vt: typeof VT_DATE; readonly value: number }
  | { readonly vt: typeof VT_BSTR; readonly value: string; readonly binary?: boolean }
  | { readonly vt: typeof VT_DISPATCH; readonly value: IDispatch | null }
  | { readonly vt: typeof VT_ERROR; readonly value: number }
  | { readonly vt: typeof VT_BOOL; readonly value: boolean }
  | { readonly vt: typeof VT_UI1; readonly value: number }
  | { readonly vt: typeof VT_ARRAY_VARIANT; readonly value: readonly Variant[] }
  | { readonly vt: typeof VT_ARRAY_UI1; readonly value: readonly number[] };

/**
 * The JavaScript side of a VARIANT: property values (`number`, `Date`, `Uint8Array`, `string`), `boolean`,
 * `null` (`VT_NULL`), `undefined` (`VT_EMPTY`), an {@link IDispatch} and arrays of these.
 */
export type AutomationValue = PropertyValue | boolean | null | undefined | IDispatch | readonly AutomationValue[];

/** The SDK name of a VARTYPE, e.g. `VT_I4` or `VT_ARRAY|VT_UI1`. */
export function varTypeName(vt: VarType): string {
  const base = _VT_NAMES[vt & ~VT_ARRAY] ?? `VT_0x${(vt & ~VT_ARRAY).toString(16)}`;
  return (vt & VT_ARRAY) !== 0 ? `VT_ARRAY|${base}` : base;
}

/** True when `value` is a well-formed {@link Variant}: a known `vt` and a value of that type. */
export function isVariant(value: unknown): value is Variant {
  return _checkVariant(value) === undefined;
}

/**
 * Checks a value received where a VARIANT is due, e.g. an `Invoke` result.
 * @param what names the value in the error, e.g. `'Initialize result'`.
 * @throws {DispatchError} `DISP_E_BADVARTYPE` for an unknown `vt`, `DISP_E_TYPEMISMATCH` for anything else malformed.
 */
export function assertVariant(value: unknown, what = 'value'): asserts value is Variant {
  const problem = _checkVariant(value);
  if (problem) throw new DispatchError({ hresult: problem.hresult, message: `${what} ${problem.reason}` });
}

/**
 * The VARIANT of a JavaScript value: `undefined` → `VT_EMPTY`, `null` → `VT_NULL`, `boolean` → `VT_BOOL`,
 * int32 `number` → `VT_I4`, `string` → `VT_BSTR`, `Date` → `VT_DATE`, `Uint8Array` → binary `VT_BSTR`,
 * an `IDispatch` → `VT_DISPATCH`, arrays → `VT_ARRAY | VT_VARIANT`. A well-formed {@link Variant} passes through.
 * @throws {DispatchError} `DISP_E_OVERFLOW` for an integer outside int32, `DISP_E_TYPEMISMATCH` for other numbers
 *   (no `VT_R8` here) and for values with no VARIANT form.
 * @example toVariant(new Uint8Array([1, 2])) // { vt: VT_BSTR, value: '\x01\x02', binary: true }
 */
export function toVariant(value: AutomationValue | Variant): Variant {
  if (value === undefined) return { vt: VT_EMPTY };
  if (value === null) return { vt: VT_NULL, value: null };
  switch (typeof value) {
    case 'boolean':
      return { vt: VT_BOOL, value };
    case 'string':
      return { vt: VT_BSTR, value };
    case 'number':
      if (_isInt32(value)) return { vt: VT_I4, value };
      throw new DispatchError({
        hresult: Number.isInteger(value) ? DISP_E_OVERFLOW : DISP_E_TYPEMISMATCH,
        message: `${value} is not a LONG (VT_I4)`,
      });
  }
  if (value instanceof Date) return { vt: VT_DATE, value: oleDateFromDate(value) };
  if (value instanceof Uint8Array) return { vt: VT_BSTR, value: bytesToByteString(value), binary: true };
  if (isDispatch(value)) return { vt: VT_DISPATCH, value };
  if (Array.isArray(value)) return { vt: VT_ARRAY_VARIANT, value: value.map((item) => toVariant(item)) };
  if (isVariant(value)) return value;
  throw new DispatchError({
    hresult: DISP_E_TYPEMISMATCH,
    message: `${Object.prototype.toString.call(value)} has no VARIANT form`,
  });
}

/**
 * The JavaScript value of a VARIANT (the inverse of {@link toVariant}): a binary `VT_BSTR` and `VT_ARRAY | VT_UI1`
 * become `Uint8Array`, `VT_DATE` a `Date`, `VT_ERROR` its unsigned SCODE, `VT_DISPATCH` the object or `null`.
 * @throws {DispatchError} when `variant` is malformed (see {@link assertVariant}).
 */
export function fromVariant(variant: Variant): AutomationValue {
  assertVariant(variant);
  switch (variant.vt) {
    case VT_EMPTY:
      return undefined;
    case VT_NULL:
      return null;
    case VT_I4:
    case VT_UI1:
    case VT_BOOL:
      return variant.value;
    case VT_ERROR:
      return variant.value >>> 0;
    case VT_DATE:
      return dateFromOleDate(variant.value);
    case VT_BSTR:
      return variant.binary ? byteStringToBytes(variant.value) : variant.value;
    case VT_DISPATCH:
      return variant.value;
    case VT_ARRAY_VARIANT:
      return variant.value.map((item) => fromVariant(item));
    case VT_ARRAY_UI1:
      return Uint8Array.from(variant.value);
  }
}

const _VT_NAMES: Readonly<Record<number, string>> = {
  [VT_EMPTY]: 'VT_EMPTY',
  [VT_NULL]: 'VT_NULL',
  [VT_I4]: 'VT_I4',
  [VT_DATE]: 'VT_DATE',
  [VT_BSTR]: 'VT_BSTR',
  [VT_DISPATCH]: 'VT_DISPATCH',
  [VT_ERROR]: 'VT_ERROR',
  [VT_BOOL]: 'VT_BOOL',
  [VT_VARIANT]: 'VT_VARIANT',
  [VT_UI1]: 'VT_UI1',
};

function _isInt32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff;
}

function _isByte(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xff;
}

function _checkVariant(candidate: unknown): { hresult: number; reason: string } | undefined {
  if (typeof candidate !== 'object' || candidate === null || typeof (candidate as { vt?: unknown }).vt !== 'number') {
    return { hresult: DISP_E_TYPEMISMATCH, reason: `is not a VARIANT: ${_describe(candidate)}` };
  }
  const { vt, value, binary } = candidate as { vt: number; value?: unknown; binary?: unknown };
  const wrong = (expected: string) => ({
    hresult: DISP_E_TYPEMISMATCH,
    reason: `is a ${varTypeName(vt)} whose value is not ${expected}: ${_describe(value)}`,
  });
  switch (vt) {
    case VT_EMPTY:
      return value === undefined ? undefined : wrong('undefined');
    case VT_NULL:
      return value === undefined || value === null ? undefined : wrong('null');
    case VT_I4:
      return _isInt32(value) ? undefined : wrong('an int32');
    case VT_UI1:
      return _isByte(value) ? undefined : wrong('a byte');
    case VT_BOOL:
      return typeof value === 'boolean' ? undefined : wrong('a boolean');
    case VT_ERROR:
      return Number.isInteger(value) && (value as number) >= -0x80000000 && (value as number) <= 0xffffffff
        ? undefined
        : wrong('an SCODE');
    case VT_DATE:
      return typeof value === 'number' && isOleDateInRange(value)
        ? undefined
        : wrong('an OLE date within years 100-9999');
    case VT_BSTR:
      if (typeof value !== 'string') return wrong('a string');
      if (binary !== undefined && typeof binary !== 'boolean') return wrong('a string with a boolean `binary` flag');
      return binary && !isByteString(value) ? wrong('a byte string') : undefined;
    case VT_DISPATCH:
      return value === null || isDispatch(value) ? undefined : wrong('an IDispatch or null');
    case VT_ARRAY_VARIANT:
      if (!Array.isArray(value)) return wrong('an array');
      for (const [index, item] of value.entries()) {
        const problem = _checkVariant(item);
        if (problem) return { hresult: problem.hresult, reason: `element ${index} ${problem.reason}` };
      }
      return undefined;
    case VT_ARRAY_UI1:
      return Array.isArray(value) && value.every(_isByte) ? undefined : wrong('an array of bytes');
    default:
      return { hresult: DISP_E_BADVARTYPE, reason: `has an unsupported vt ${varTypeName(vt)}` };
  }
}

function _describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value);
  return String(value);
}
