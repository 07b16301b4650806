import {
  DISP_E_BADVARTYPE,
  DISP_E_OVERFLOW,
  DISP_E_PARAMNOTFOUND,
  DISP_E_TYPEMISMATCH,
  DISP_E_UNKNOWNNAME,
} from '@certexit/core';
import { describe, expect, it } from 'vitest';
import type { IDispatch } from './dispatch';
import { DispatchError } from './dispatch-error';
import type { Variant } from './variant';
import {
  assertVariant,
  fromVariant,
  isVariant,
  toVariant,
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
  varTypeName,
} from './variant';

const nothingDispatch: IDispatch = {
  GetIDsOfNames: () => {
    throw new DispatchError({ hresult: DISP_E_UNKNOWNNAME, message: 'none' });
  },
  Invoke: () => ({ vt: VT_EMPTY }),
};

describe('toVariant / fromVariant', () => {
  it('maps each JavaScript type to its VARTYPE and back', () => {
    const date = new Date('2026-01-05T10:00:01.234Z');
    const cases: [unknown, Variant][] = [
      [undefined, { vt: VT_EMPTY }],
      [null, { vt: VT_NULL, value: null }],
      [true, { vt: VT_BOOL, value: true }],
      [false, { vt: VT_BOOL, value: false }],
      [42, { vt: VT_I4, value: 42 }],
      ['CERTEXIT\\alice', { vt: VT_BSTR, value: 'CERTEXIT\\alice' }],
      ['', { vt: VT_BSTR, value: '' }],
      [date, { vt: VT_DATE, value: 46027.41668094907 }],
      [Uint8Array.of(0x30, 0x82, 0xff), { vt: VT_BSTR, value: '\x30\x82\xff', binary: true }],
      [nothingDispatch, { vt: VT_DISPATCH, value: nothingDispatch }],
    ];
    for (const [value, variant] of cases) {
      const converted = toVariant(value as Parameters<typeof toVariant>[0]);
      if (variant.vt === VT_DATE) expect(converted.value).toBeCloseTo(variant.value as number, 12);
      else expect(converted).toEqual(variant);
      expect(fromVariant(converted)).toEqual(value);
    }
    expect((fromVariant(toVariant(date)) as Date).getTime()).toBe(date.getTime());
  });

  it('keeps the int32 bounds and refuses what is beyond them', () => {
    for (const n of [-0x80000000, -1, 0, 1, 0x7fffffff]) {
      expect(toVariant(n)).toEqual({ vt: VT_I4, value: n });
      expect(fromVariant(toVariant(n))).toBe(n);
    }
    expect(() => toVariant(0x80000000)).toThrow(expect.objectContaining({ hresult: DISP_E_OVERFLOW }));
    expect(() => toVariant(-0x80000001)).toThrow(expect.objectContaining({ hresult: DISP_E_OVERFLOW }));
    expect(() => toVariant(1.5)).toThrow(expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }));
    expect(() => toVariant(Number.NaN)).toThrow(expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }));
  });

  it('round-trips a binary property with all 256 byte values through a byte-string BSTR', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    const variant = toVariant(all);
    expect(variant).toMatchObject({ vt: VT_BSTR, binary: true });
    expect((variant.value as string).length).toBe(256);
    const back = fromVariant(variant);
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back).toEqual(all);
  });

  it('converts arrays, byte arrays and SCODEs', () => {
    const array = toVariant([1, 'two', [true]]);
    expect(array).toEqual({
      vt: VT_ARRAY_VARIANT,
      value: [
        { vt: VT_I4, value: 1 },
        { vt: VT_BSTR, value: 'two' },
        { vt: VT_ARRAY_VARIANT, value: [{ vt: VT_BOOL, value: true }] },
      ],
    });
    expect(fromVariant(array)).toEqual([1, 'two', [true]]);
    expect(fromVariant({ vt: VT_ARRAY_UI1, value: [0, 255] })).toEqual(Uint8Array.of(0, 255));
    expect(fromVariant({ vt: VT_ERROR, value: DISP_E_PARAMNOTFOUND | 0 })).toBe(DISP_E_PARAMNOTFOUND);
    expect(fromVariant({ vt: VT_UI1, value: 200 })).toBe(200);
  });

  it('passes well-formed VARIANTs through and refuses values with no VARIANT form', () => {
    const variant: Variant = { vt: VT_UI1, value: 7 };
    expect(toVariant(variant)).toBe(variant);
    for (const bad of [{ foo: 1 }, Symbol('x'), 10n, () => 1, new Map()]) {
      expect(() => toVariant(bad as never)).toThrow(expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }));
    }
    expect(() => toVariant(new Date(Number.NaN))).toThrow(expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }));
  });

  it('is plain data: JSON keeps every VARIANT but an IDispatch', () => {
    const variants: Variant[] = [
      toVariant(undefined),
      toVariant(null),
      toVariant(-7),
      toVariant(new Date('2030-07-01T00:00:00.001Z')),
      toVariant(Uint8Array.of(0, 1, 0x7f, 0x80, 0xff)),
      toVariant('\u00e9t\u00e9 \u20ac'),
      toVariant([false, 3]),
    ];
    const copies = JSON.parse(JSON.stringify(variants)) as Variant[];
    expect(copies.map((v) => fromVariant(v))).toEqual(variants.map((v) => fromVariant(v)));
  });
});

describe('isVariant / assertVariant', () => {
  it('accepts well-formed VARIANTs only', () => {
    expect(isVariant({ vt: VT_I4, value: 0x7fffffff })).toBe(true);
    expect(isVariant({ vt: VT_BSTR, value: '\xff', binary: true })).toBe(true);
    expect(isVariant({ vt: VT_DISPATCH, value: null })).toBe(true);
    expect(isVariant({ vt: VT_I4, value: 0x80000000 })).toBe(false);
    expect(isVariant({ vt: VT_I4, value: '1' })).toBe(false);
    expect(isVariant({ vt: VT_UI1, value: 256 })).toBe(false);
    expect(isVariant({ vt: VT_BOOL, value: -1 })).toBe(false);
    expect(isVariant({ vt: VT_BSTR, value: '\u20ac', binary: true })).toBe(false);
    expect(isVariant({ vt: VT_DISPATCH, value: {} })).toBe(false);
    expect(isVariant({ vt: VT_DATE, value: 3e6 })).toBe(false);
    expect(isVariant({ vt: VT_ARRAY_VARIANT, value: [{ vt: VT_I4, value: 'x' }] })).toBe(false);
    expect(isVariant(5)).toBe(false);
    expect(isVariant(null)).toBe(false);
  });

  it('says why a value is no VARIANT, with DISP_E_BADVARTYPE for an unknown vt', () => {
    expect(() => assertVariant(1, 'Initialize result')).toThrow(
      expect.objectContaining({
        hresult: DISP_E_TYPEMISMATCH,
        message: expect.stringContaining('Initialize result is not a VARIANT'),
      }),
    );
    expect(() => assertVariant({ vt: 5, value: 1.5 })).toThrow(
      expect.objectContaining({ hresult: DISP_E_BADVARTYPE, message: expect.stringContaining('VT_0x5') }),
    );
    expect(() => assertVariant({ vt: VT_ARRAY_VARIANT, value: [{ vt: VT_I4, value: 1 }, { vt: 99 }] })).toThrow(
      expect.objectContaining({ hresult: DISP_E_BADVARTYPE, message: expect.stringContaining('element 1') }),
    );
  });

  it('names VARTYPEs as the SDK does', () => {
    expect(varTypeName(VT_I4)).toBe('VT_I4');
    expect(varTypeName(VT_ARRAY_UI1)).toBe('VT_ARRAY|VT_UI1');
    expect(varTypeName(0x42)).toBe('VT_0x42');
  });
});
