import type { PropertyValue, PropertyValueOf } from '@certexit/core';
import {
  DISP_E_TYPEMISMATCH,
  isPropertyValueOfType,
  PROPTYPE_BINARY,
  PROPTYPE_DATE,
  PROPTYPE_LONG,
  PROPTYPE_MASK,
  PROPTYPE_STRING,
  propTypeName,
} from '@certexit/core';
import { byteStringToBytes, isByteString } from './byte-string';
import { coerceVariant } from './coerce-variant';
import { DispatchError } from './dispatch-error';
import { dateFromOleDate } from './ole-date';
import type { Variant } from './variant';
import {
  fromVariant,
  toVariant,
  VT_ARRAY_UI1,
  VT_BOOL,
  VT_BSTR,
  VT_DATE,
  VT_EMPTY,
  VT_I4,
  VT_NULL,
  VT_UI1,
  varTypeName,
} from './variant';

/**
 * A property value as the Automation VARIANT of its `PROPTYPE_*`: LONG → `VT_I4`, DATE → `VT_DATE`,
 * BINARY → a binary `VT_BSTR` (byte string), STRING → `VT_BSTR`. Without `type`, the value's own form
 * (`undefined` → `VT_EMPTY`, the `S_FALSE` "no value" of `ICertManageModule.GetProperty`).
 * @throws {DispatchError} `DISP_E_TYPEMISMATCH` when `value` is not of `type`.
 */
export function propertyToVariant(value: PropertyValue | undefined, type?: number): Variant {
  if (type !== undefined && (type & PROPTYPE_MASK) >= PROPTYPE_LONG && (type & PROPTYPE_MASK) <= PROPTYPE_STRING) {
    if (!isPropertyValueOfType(value, type)) {
      throw new DispatchError({
        hresult: DISP_E_TYPEMISMATCH,
        message: `${_describe(value)} is no ${propTypeName(type)} value`,
      });
    }
  }
  return toVariant(value);
}

/**
 * The property value of a VARIANT received for a `PROPTYPE_*` (the inverse of {@link propertyToVariant}):
 * LONG accepts what coerces to `VT_I4`, DATE what coerces to `VT_DATE`, STRING a non-binary `VT_BSTR` or what
 * coerces to it, BINARY a byte string (`VT_BSTR`) or `VT_ARRAY | VT_UI1`.
 * Without `type`: `VT_EMPTY`/`VT_NULL` → `undefined`, `VT_BOOL` → -1/0 (as a LONG), the rest as {@link fromVariant}.
 * @throws {DispatchError} `DISP_E_TYPEMISMATCH` when the VARIANT has no value of that type.
 */
export function variantToProperty<T extends number>(variant: Variant, type: T): PropertyValueOf<T>;
export function variantToProperty(variant: Variant): PropertyValue | undefined;
export function variantToProperty(variant: Variant, type?: number): PropertyValue | undefined {
  const mismatch = (expected: string) =>
    new DispatchError({ hresult: DISP_E_TYPEMISMATCH, message: `${_variantKind(variant)} is no ${expected} value` });
  switch (type === undefined ? undefined : type & PROPTYPE_MASK) {
    case undefined:
      switch (variant.vt) {
        case VT_EMPTY:
        case VT_NULL:
          return undefined;
        case VT_BOOL:
          return variant.value ? -1 : 0;
        case VT_I4:
        case VT_UI1:
        case VT_DATE:
        case VT_BSTR:
        case VT_ARRAY_UI1:
          return fromVariant(variant) as PropertyValue;
        default:
          throw mismatch('property');
      }
    case PROPTYPE_LONG: {
      const long = coerceVariant(variant, VT_I4);
      return long.value as number;
    }
    case PROPTYPE_DATE:
      return dateFromOleDate(coerceVariant(variant, VT_DATE).value as number);
    case PROPTYPE_STRING:
      if (variant.vt === VT_BSTR && variant.binary) throw mismatch(propTypeName(PROPTYPE_STRING));
      return coerceVariant(variant, VT_BSTR).value as string;
    case PROPTYPE_BINARY:
      // A BSTR that is not flagged binary still carries bytes when every char is one (real BSTRs carry no flag).
      if (variant.vt === VT_BSTR && (variant.binary || isByteString(variant.value))) {
        return byteStringToBytes(variant.value);
      }
      if (variant.vt === VT_ARRAY_UI1) return Uint8Array.from(variant.value);
      throw mismatch(propTypeName(PROPTYPE_BINARY));
    default:
      return variantToProperty(variant);
  }
}

function _variantKind(variant: Variant): string {
  return variant.vt === VT_BSTR && variant.binary ? 'a binary VT_BSTR' : `a ${varTypeName(variant.vt)}`;
}

function _describe(value: unknown): string {
  if (value instanceof Uint8Array) return `a ${value.length}-byte Uint8Array`;
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'an invalid Date' : `the Date ${value.toISOString()}`;
  return typeof value === 'string'
    ? `the string ${JSON.stringify(value.slice(0, 40))}`
    : `the ${typeof value} ${String(value)}`;
}
