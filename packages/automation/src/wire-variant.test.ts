import { describe, expect, it } from 'vitest';
import { createDispatch } from './create-dispatch';
import { VT_BSTR, VT_DATE, VT_DISPATCH, VT_EMPTY, VT_I4 } from './variant';
import { variantFromWire, variantToWire } from './wire-variant';

describe('wire VARIANTs', () => {
  const none = () => {
    throw new Error('no objects here');
  };
  it('carries binary as base64 and back', () => {
    const wire = variantToWire({ vt: VT_BSTR, value: '\x00\xff\x30', binary: true }, none);
    expect(wire).toEqual({ vt: VT_BSTR, b64: 'AP8w' });
    expect(variantFromWire(wire, none)).toEqual({ vt: VT_BSTR, value: '\x00\xff\x30', binary: true });
  });
  it('keeps numbers, dates, strings and empties as they are', () => {
    for (const v of [
      { vt: VT_I4, value: -5 },
      { vt: VT_DATE, value: 46000.5 },
      { vt: VT_BSTR, value: 'é' },
      { vt: VT_EMPTY },
    ]) {
      expect(variantFromWire(JSON.parse(JSON.stringify(variantToWire(v as never, none))), none)).toEqual(v);
    }
  });
  it('sends an IDispatch as a handle', () => {
    const disp = createDispatch({ Go: () => 1 }, { methods: { Go: { params: [], returns: VT_I4 } } });
    expect(variantToWire({ vt: VT_DISPATCH, value: disp }, () => 7)).toEqual({ vt: VT_DISPATCH, handle: 7 });
    expect(variantFromWire({ vt: VT_DISPATCH, handle: 7 }, (h) => (h === 7 ? disp : none()))).toEqual({
      vt: VT_DISPATCH,
      value: disp,
    });
    expect(variantFromWire({ vt: VT_DISPATCH, handle: null }, none)).toEqual({ vt: VT_DISPATCH, value: null });
  });
  it('refuses malformed wire values', () => {
    expect(() => variantFromWire({ vt: VT_BSTR, b64: 'not base64!' }, none)).toThrow(/base64/);
    expect(() => variantFromWire({ vt: VT_I4, value: 'x' }, none)).toThrow();
    expect(() => variantFromWire([1], none)).toThrow(/object/);
  });
});
