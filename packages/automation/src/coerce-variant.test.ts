import { DISP_E_BADVARTYPE, DISP_E_OVERFLOW, DISP_E_TYPEMISMATCH } from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { coerceVariant } from './coerce-variant';
import { oleDateFromDate } from './ole-date';
import type { Variant } from './variant';
import {
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
} from './variant';

const bstr = (value: string): Variant => ({ vt: VT_BSTR, value });

describe('coerceVariant', () => {
  it('returns the same VARIANT for its own type and for VT_VARIANT', () => {
    const v: Variant = { vt: VT_I4, value: 3 };
    expect(coerceVariant(v, VT_I4)).toBe(v);
    expect(coerceVariant(v, VT_VARIANT)).toBe(v);
    const binary: Variant = { vt: VT_BSTR, value: '\x00\xff', binary: true };
    expect(coerceVariant(binary, VT_BSTR)).toBe(binary);
  });

  it('converts to VT_I4 as VariantChangeType does', () => {
    const cases: [Variant, number][] = [
      [bstr('42'), 42],
      [bstr('  -7 '), -7],
      [bstr('&H1F'), 31],
      [bstr('&HFFFFFFFF'), -1],
      [bstr('2.5'), 2],
      [bstr('3.5'), 4],
      [bstr('1e3'), 1000],
      [{ vt: VT_BOOL, value: true }, -1],
      [{ vt: VT_BOOL, value: false }, 0],
      [{ vt: VT_EMPTY }, 0],
      [{ vt: VT_UI1, value: 255 }, 255],
      [{ vt: VT_DATE, value: 45352.5 }, 45352],
      [{ vt: VT_DATE, value: 45353.5 }, 45354],
      [bstr('-2147483648'), -0x80000000],
    ];
    for (const [from, value] of cases)
      expect(coerceVariant(from, VT_I4), JSON.stringify(from)).toEqual({ vt: VT_I4, value });
  });

  it('raises DISP_E_TYPEMISMATCH for what has no number and DISP_E_OVERFLOW for what does not fit', () => {
    for (const from of [
      bstr('abc'),
      bstr(''),
      bstr('0x10'),
      { vt: VT_NULL, value: null },
      { vt: VT_ERROR, value: 0 },
    ] as Variant[]) {
      expect(() => coerceVariant(from, VT_I4), JSON.stringify(from)).toThrow(
        expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH, message: expect.stringContaining('to VT_I4') }),
      );
    }
    expect(() => coerceVariant({ vt: VT_BSTR, value: '1', binary: true }, VT_I4)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH, message: expect.stringContaining('binary VT_BSTR') }),
    );
    expect(() => coerceVariant({ vt: VT_DISPATCH, value: null }, VT_I4)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
    expect(() => coerceVariant(bstr('2147483648'), VT_I4)).toThrow(
      expect.objectContaining({ hresult: DISP_E_OVERFLOW }),
    );
    expect(() => coerceVariant({ vt: VT_I4, value: 256 }, VT_UI1)).toThrow(
      expect.objectContaining({ hresult: DISP_E_OVERFLOW }),
    );
    expect(() => coerceVariant({ vt: VT_I4, value: -1 }, VT_UI1)).toThrow(
      expect.objectContaining({ hresult: DISP_E_OVERFLOW }),
    );
  });

  it('converts to VT_UI1, VT_BOOL and VT_BSTR', () => {
    expect(coerceVariant({ vt: VT_BOOL, value: true }, VT_UI1)).toEqual({ vt: VT_UI1, value: 255 });
    expect(coerceVariant({ vt: VT_I4, value: 200 }, VT_UI1)).toEqual({ vt: VT_UI1, value: 200 });
    expect(coerceVariant(bstr(' TRUE '), VT_BOOL)).toEqual({ vt: VT_BOOL, value: true });
    expect(coerceVariant(bstr('false'), VT_BOOL)).toEqual({ vt: VT_BOOL, value: false });
    expect(coerceVariant(bstr('-1'), VT_BOOL)).toEqual({ vt: VT_BOOL, value: true });
    expect(coerceVariant({ vt: VT_I4, value: 0 }, VT_BOOL)).toEqual({ vt: VT_BOOL, value: false });
    expect(coerceVariant({ vt: VT_EMPTY }, VT_BOOL)).toEqual({ vt: VT_BOOL, value: false });
    expect(() => coerceVariant(bstr('yes'), VT_BOOL)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
    expect(coerceVariant({ vt: VT_I4, value: -12 }, VT_BSTR)).toEqual(bstr('-12'));
    expect(coerceVariant({ vt: VT_BOOL, value: true }, VT_BSTR)).toEqual(bstr('True'));
    expect(coerceVariant({ vt: VT_EMPTY }, VT_BSTR)).toEqual(bstr(''));
    expect(coerceVariant({ vt: VT_DATE, value: 45352.5 }, VT_BSTR)).toEqual(bstr('2024-03-01T12:00:00.000Z'));
    expect(() => coerceVariant({ vt: VT_NULL }, VT_BSTR)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
  });

  it('converts to VT_DATE from numbers and ISO 8601 text (UTC when no offset is given)', () => {
    const ole = oleDateFromDate(new Date('2026-01-05T10:00:01.500Z'));
    expect(coerceVariant(bstr('2026-01-05T10:00:01.500Z'), VT_DATE)).toEqual({ vt: VT_DATE, value: ole });
    expect(coerceVariant(bstr('2026-01-05T10:00:01.500'), VT_DATE)).toEqual({ vt: VT_DATE, value: ole });
    expect(coerceVariant(bstr('2026-01-05T11:00:01.500+01:00'), VT_DATE)).toEqual({ vt: VT_DATE, value: ole });
    expect(coerceVariant({ vt: VT_I4, value: 2 }, VT_DATE)).toEqual({ vt: VT_DATE, value: 2 });
    expect(coerceVariant({ vt: VT_EMPTY }, VT_DATE)).toEqual({ vt: VT_DATE, value: 0 });
    expect(() => coerceVariant(bstr('05/01/2026'), VT_DATE)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
    expect(() => coerceVariant({ vt: VT_I4, value: 3_000_000 }, VT_DATE)).toThrow(
      expect.objectContaining({ hresult: DISP_E_OVERFLOW }),
    );
  });

  it('converts between binary BSTRs and byte arrays, and Empty to Nothing', () => {
    const bytes: Variant = { vt: VT_ARRAY_UI1, value: [0, 128, 255] };
    const binary = coerceVariant(bytes, VT_BSTR);
    expect(binary).toEqual({ vt: VT_BSTR, value: '\x00\x80\xff', binary: true });
    expect(coerceVariant(binary, VT_ARRAY_UI1)).toEqual(bytes);
    expect(coerceVariant(bytes, VT_ARRAY_VARIANT)).toEqual({
      vt: VT_ARRAY_VARIANT,
      value: [
        { vt: VT_UI1, value: 0 },
        { vt: VT_UI1, value: 128 },
        { vt: VT_UI1, value: 255 },
      ],
    });
    expect(coerceVariant({ vt: VT_EMPTY }, VT_DISPATCH)).toEqual({ vt: VT_DISPATCH, value: null });
    expect(() => coerceVariant(bstr('text'), VT_ARRAY_UI1)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
    expect(() => coerceVariant({ vt: VT_I4, value: 1 }, VT_NULL)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
  });

  it('raises DISP_E_BADVARTYPE for an unknown target and for a malformed input', () => {
    expect(() => coerceVariant({ vt: VT_I4, value: 1 }, 5)).toThrow(
      expect.objectContaining({ hresult: DISP_E_BADVARTYPE }),
    );
    expect(() => coerceVariant({ vt: 77 } as unknown as Variant, VT_I4)).toThrow(
      expect.objectContaining({ hresult: DISP_E_BADVARTYPE }),
    );
    expect(() => coerceVariant({ vt: VT_I4, value: 'x' } as unknown as Variant, VT_BSTR)).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
  });
});
