import {
  DISP_E_TYPEMISMATCH,
  PROPCALLER_EXIT,
  PROPTYPE_BINARY,
  PROPTYPE_DATE,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
} from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { oleDateFromDate } from './ole-date';
import { propertyToVariant, variantToProperty } from './property-variant';
import { VT_ARRAY_UI1, VT_BOOL, VT_BSTR, VT_DATE, VT_DISPATCH, VT_EMPTY, VT_I4, VT_NULL } from './variant';

describe('propertyToVariant / variantToProperty', () => {
  it('round-trips each PROPTYPE through its Automation VARIANT', () => {
    const date = new Date('2026-01-05T10:00:01.999Z');
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const cases = [
      [PROPTYPE_LONG, -0x80000000, { vt: VT_I4, value: -0x80000000 }],
      [PROPTYPE_DATE, date, { vt: VT_DATE, value: oleDateFromDate(date) }],
      [PROPTYPE_STRING, 'CN=alice', { vt: VT_BSTR, value: 'CN=alice' }],
    ] as const;
    for (const [type, value, variant] of cases) {
      expect(propertyToVariant(value, type)).toEqual(variant);
      expect(variantToProperty(propertyToVariant(value, type), type)).toEqual(value);
    }
    const binary = propertyToVariant(bytes, PROPTYPE_BINARY);
    expect(binary).toMatchObject({ vt: VT_BSTR, binary: true });
    expect(variantToProperty(binary, PROPTYPE_BINARY)).toEqual(bytes);
    // Caller bits above the PROPTYPE mask do not change the type.
    expect(variantToProperty({ vt: VT_I4, value: 5 }, PROPTYPE_LONG | PROPCALLER_EXIT)).toBe(5);
  });

  it('refuses values that are not of the PROPTYPE', () => {
    expect(() => propertyToVariant('5', PROPTYPE_LONG)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
    expect(() => propertyToVariant(0x80000000, PROPTYPE_LONG)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
    expect(() => propertyToVariant(new Date(Number.NaN), PROPTYPE_DATE)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH, message: expect.stringContaining('invalid Date') }),
    );
    expect(() => variantToProperty({ vt: VT_BSTR, value: 'x', binary: true }, PROPTYPE_STRING)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH, message: expect.stringContaining('binary VT_BSTR') }),
    );
    expect(() => variantToProperty({ vt: VT_BSTR, value: '\u20ac' }, PROPTYPE_BINARY)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
    expect(() => variantToProperty({ vt: VT_DISPATCH, value: null }, PROPTYPE_LONG)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
  });

  it('accepts the other shapes binary data takes and reads untyped VARIANTs as property values', () => {
    // A real BSTR carries no "binary" flag: a byte string still reads as bytes.
    expect(variantToProperty({ vt: VT_BSTR, value: '\x01\xff' }, PROPTYPE_BINARY)).toEqual(Uint8Array.of(1, 255));
    expect(variantToProperty({ vt: VT_ARRAY_UI1, value: [9, 8] }, PROPTYPE_BINARY)).toEqual(Uint8Array.of(9, 8));
    expect(variantToProperty({ vt: VT_EMPTY })).toBeUndefined();
    expect(variantToProperty({ vt: VT_NULL, value: null })).toBeUndefined();
    expect(variantToProperty({ vt: VT_BOOL, value: true })).toBe(-1);
    expect(variantToProperty({ vt: VT_BSTR, value: '\x00', binary: true })).toEqual(Uint8Array.of(0));
    expect(() => variantToProperty({ vt: VT_DISPATCH, value: null })).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
    expect(propertyToVariant(undefined)).toEqual({ vt: VT_EMPTY });
  });
});
