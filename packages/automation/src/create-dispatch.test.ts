import {
  CERTSRV_E_PROPERTY_EMPTY,
  CertexitError,
  DISP_E_BADPARAMCOUNT,
  DISP_E_EXCEPTION,
  DISP_E_MEMBERNOTFOUND,
  DISP_E_OVERFLOW,
  DISP_E_TYPEMISMATCH,
  DISP_E_UNKNOWNNAME,
  E_FAIL,
  E_INVALIDARG,
} from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { callByName } from './call-by-name';
import { createDispatch } from './create-dispatch';
import { DISPATCH_METHOD, DISPATCH_PROPERTYGET, DISPATCH_PROPERTYPUT, isDispatch } from './dispatch';
import { DispatchError } from './dispatch-error';
import type { Variant } from './variant';
import { VT_BOOL, VT_BSTR, VT_DATE, VT_DISPATCH, VT_EMPTY, VT_I4, VT_VARIANT } from './variant';

function calculator() {
  const calls: unknown[][] = [];
  const target = {
    Add: (a: number, b: number) => a + b,
    Describe: async (value: unknown) => {
      calls.push([value]);
      return typeof value;
    },
    Fail: (hresult: number) => {
      throw new CertexitError({ hresult: hresult >>> 0, message: 'asked to fail' });
    },
    Nested: async () => callByName(inner, 'Raise', []),
    Garbage: () => ({ not: 'a value' }),
    Big: () => 2 ** 40,
    Log: (text: string) => {
      calls.push([text]);
      return 'ignored';
    },
    IsLater: (date: Date) => date.getTime() > Date.UTC(2000, 0, 1),
  };
  const inner = createDispatch(
    {
      Raise: () =>
        Promise.reject(new CertexitError({ hresult: CERTSRV_E_PROPERTY_EMPTY, message: 'CertFile is empty' })),
    },
    { methods: { Raise: { params: [], returns: VT_EMPTY } }, source: 'Inner.Object' },
  );
  const disp = createDispatch(target, {
    source: 'Calc.Object',
    methods: {
      Add: { params: [VT_I4, VT_I4], returns: VT_I4 },
      Describe: { params: [VT_VARIANT], returns: VT_BSTR },
      Fail: { params: [VT_I4], returns: VT_EMPTY },
      Nested: { params: [], returns: VT_VARIANT },
      Garbage: { params: [], returns: VT_VARIANT },
      Big: { params: [], returns: VT_I4 },
      Log: { params: [VT_BSTR], returns: VT_EMPTY },
      IsLater: { params: [VT_DATE], returns: VT_BOOL },
    },
  });
  return { disp, calls };
}

const i4 = (value: number): Variant => ({ vt: VT_I4, value });

async function invoke(name: string, args: Variant[], flags = DISPATCH_METHOD) {
  const { disp } = calculator();
  const [id] = await disp.GetIDsOfNames([name]);
  return disp.Invoke(id ?? -1, flags, args);
}

describe('createDispatch', () => {
  it('looks names up case-insensitively with stable DISPIDs in declaration order', async () => {
    const { disp } = calculator();
    expect(isDispatch(disp)).toBe(true);
    expect(await disp.GetIDsOfNames(['Add'])).toEqual([1]);
    expect(await disp.GetIDsOfNames(['ADD'])).toEqual([1]);
    expect(await disp.GetIDsOfNames(['describe'])).toEqual([2]);
    expect(await disp.GetIDsOfNames(['IsLater'])).toEqual([8]);
    // A second object with the same signatures has the same DISPIDs.
    expect(await calculator().disp.GetIDsOfNames(['iSlAtEr'])).toEqual([8]);
  });

  it('calls methods with coerced arguments and converts the result', async () => {
    expect(await invoke('Add', [i4(2), { vt: VT_BSTR, value: '40' }])).toEqual(i4(42));
    expect(await invoke('Add', [i4(2), i4(3)], DISPATCH_METHOD | DISPATCH_PROPERTYGET)).toEqual(i4(5));
    expect(await invoke('IsLater', [{ vt: VT_BSTR, value: '2026-01-05T10:00:00Z' }])).toEqual({
      vt: VT_BOOL,
      value: true,
    });
    // VT_VARIANT parameters take any VARIANT, as its JavaScript value.
    expect(await invoke('Describe', [{ vt: VT_BSTR, value: '\x01', binary: true }])).toEqual({
      vt: VT_BSTR,
      value: 'object',
    });
    expect(await invoke('Describe', [{ vt: VT_EMPTY }])).toEqual({ vt: VT_BSTR, value: 'undefined' });
  });

  it('drops the return value of a Sub', async () => {
    const { disp, calls } = calculator();
    expect(await disp.Invoke(7, DISPATCH_METHOD, [{ vt: VT_BSTR, value: 'hello' }])).toEqual({ vt: VT_EMPTY });
    expect(calls).toEqual([['hello']]);
  });

  it('fails an unknown name with DISP_E_UNKNOWNNAME, and named arguments too', async () => {
    const { disp } = calculator();
    expect(() => disp.GetIDsOfNames(['Subtract'])).toThrow(
      expect.objectContaining({
        hresult: DISP_E_UNKNOWNNAME,
        message: expect.stringContaining('Calc.Object has no member "Subtract"'),
      }),
    );
    expect(() => disp.GetIDsOfNames(['Add', 'a'])).toThrow(expect.objectContaining({ hresult: DISP_E_UNKNOWNNAME }));
  });

  it('fails an unknown DISPID and a property put with DISP_E_MEMBERNOTFOUND', async () => {
    const { disp } = calculator();
    for (const id of [0, 9, -1, 1.5]) {
      await expect(disp.Invoke(id, DISPATCH_METHOD, [])).rejects.toMatchObject({ hresult: DISP_E_MEMBERNOTFOUND });
    }
    await expect(disp.Invoke(1, DISPATCH_PROPERTYPUT, [i4(1), i4(2)])).rejects.toMatchObject({
      hresult: DISP_E_MEMBERNOTFOUND,
      message: expect.stringContaining('Add is a method'),
    });
  });

  it('fails a wrong argument count with DISP_E_BADPARAMCOUNT', async () => {
    await expect(invoke('Add', [i4(1)])).rejects.toMatchObject({
      hresult: DISP_E_BADPARAMCOUNT,
      message: expect.stringContaining('Add takes 2 argument(s), got 1'),
    });
    await expect(invoke('Add', [i4(1), i4(2), i4(3)])).rejects.toMatchObject({ hresult: DISP_E_BADPARAMCOUNT });
  });

  it('fails an argument that does not coerce with DISP_E_TYPEMISMATCH, naming it', async () => {
    const error = await invoke('Add', [i4(1), { vt: VT_BSTR, value: 'two' }]).catch((e: unknown) => e);
    expect(DispatchError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      hresult: DISP_E_TYPEMISMATCH,
      argIndex: 1,
      message: expect.stringContaining('Add argument 2'),
    });
    await expect(invoke('Add', [{ vt: VT_DISPATCH, value: null }, i4(1)])).rejects.toMatchObject({
      hresult: DISP_E_TYPEMISMATCH,
      argIndex: 0,
    });
    await expect(invoke('Add', [{ vt: VT_BSTR, value: '99999999999' }, i4(1)])).rejects.toMatchObject({
      hresult: DISP_E_OVERFLOW,
      argIndex: 0,
    });
    // A malformed argument is no VARIANT at all.
    await expect(invoke('Describe', [42 as unknown as Variant])).rejects.toMatchObject({
      hresult: DISP_E_TYPEMISMATCH,
      argIndex: 0,
    });
  });

  it('turns a throw into DISP_E_EXCEPTION with the inner HRESULT as scode and the message as description', async () => {
    const error = await invoke('Fail', [i4(CERTSRV_E_PROPERTY_EMPTY | 0)]).catch((e: unknown) => e);
    expect(DispatchError.isInstance(error)).toBe(true);
    const dispatchError = error as DispatchError;
    expect(dispatchError.hresult).toBe(DISP_E_EXCEPTION);
    expect(dispatchError.excepInfo).toEqual({
      source: 'Calc.Object',
      description: 'asked to fail',
      scode: CERTSRV_E_PROPERTY_EMPTY,
    });
    expect(DispatchError.errNumber(dispatchError)).toBe(CERTSRV_E_PROPERTY_EMPTY);
    expect(dispatchError.message).toContain('Calc.Object raised CERTSRV_E_PROPERTY_EMPTY: asked to fail');
  });

  it('keeps the EXCEPINFO of a nested call, as an unhandled VBScript error keeps Err.Number', async () => {
    const error = (await invoke('Nested', []).catch((e: unknown) => e)) as DispatchError;
    expect(error.hresult).toBe(DISP_E_EXCEPTION);
    expect(error.excepInfo).toEqual({
      source: 'Inner.Object',
      description: 'CertFile is empty',
      scode: CERTSRV_E_PROPERTY_EMPTY,
    });
  });

  it('gives plain errors E_FAIL and thrown HRESULT numbers their own scode', async () => {
    const plain = createDispatch(
      { Go: () => Promise.reject(new TypeError('boom')) },
      { methods: { Go: { params: [], returns: VT_EMPTY } } },
    );
    await expect(plain.Invoke(1, DISPATCH_METHOD, [])).rejects.toMatchObject({
      excepInfo: { source: 'certexit', description: 'boom', scode: E_FAIL },
    });
    const numeric = createDispatch(
      {
        Go: () => {
          throw E_INVALIDARG;
        },
      },
      { methods: { Go: { params: [], returns: VT_EMPTY } } },
    );
    await expect(numeric.Invoke(1, DISPATCH_METHOD, [])).rejects.toMatchObject({ excepInfo: { scode: E_INVALIDARG } });
  });

  it('fails a result with no VARIANT form of the declared type with DISP_E_TYPEMISMATCH or DISP_E_OVERFLOW', async () => {
    await expect(invoke('Garbage', [])).rejects.toMatchObject({
      hresult: DISP_E_TYPEMISMATCH,
      message: expect.stringContaining('Garbage returned a value that is no VT_VARIANT'),
    });
    await expect(invoke('Big', [])).rejects.toMatchObject({ hresult: DISP_E_OVERFLOW });
  });

  it('refuses a method list that does not match the target', () => {
    expect(() => createDispatch({}, { methods: { Missing: { params: [], returns: VT_EMPTY } } } as never)).toThrow(
      expect.objectContaining({ hresult: E_INVALIDARG, message: expect.stringContaining('no method Missing') }),
    );
    const twice = { a: () => 1, A: () => 2 };
    expect(() =>
      createDispatch(twice, { methods: { a: { params: [], returns: VT_I4 }, A: { params: [], returns: VT_I4 } } }),
    ).toThrow(
      expect.objectContaining({ hresult: E_INVALIDARG, message: expect.stringContaining('differs only in case') }),
    );
  });
});

describe('callByName', () => {
  it('converts JavaScript arguments and returns the VARIANT result', async () => {
    const { disp } = calculator();
    expect(await callByName(disp, 'add', [20, 22])).toEqual(i4(42));
    expect(await callByName(disp, 'IsLater', [new Date('1999-01-01T00:00:00Z')])).toEqual({
      vt: VT_BOOL,
      value: false,
    });
  });

  it('leaves failures as DispatchErrors and checks the result is a VARIANT', async () => {
    const { disp } = calculator();
    await expect(callByName(disp, 'Nope')).rejects.toMatchObject({ hresult: DISP_E_UNKNOWNNAME });
    const liar = { GetIDsOfNames: () => [1], Invoke: () => 7 as unknown as Variant };
    await expect(callByName(liar, 'Anything')).rejects.toMatchObject({
      hresult: DISP_E_TYPEMISMATCH,
      message: expect.stringContaining('Anything result is not a VARIANT'),
    });
  });
});

describe('DispatchError', () => {
  it('is recognised by marker, also as a CertexitError, and is plain data', () => {
    const error = DispatchError.exception({ source: 'S', description: 'd', scode: CERTSRV_E_PROPERTY_EMPTY | 0 });
    expect(DispatchError.isInstance(error)).toBe(true);
    expect(CertexitError.isInstance(error)).toBe(true);
    expect(DispatchError.isInstance(new CertexitError({ message: 'x' }))).toBe(false);
    expect(DispatchError.isInstance({ hresult: DISP_E_EXCEPTION })).toBe(false);
    // The scode is normalised to the unsigned form the constants use.
    expect(error.excepInfo?.scode).toBe(CERTSRV_E_PROPERTY_EMPTY);
    expect(JSON.parse(JSON.stringify({ hresult: error.hresult, excepInfo: error.excepInfo }))).toEqual({
      hresult: DISP_E_EXCEPTION,
      excepInfo: { source: 'S', description: 'd', scode: CERTSRV_E_PROPERTY_EMPTY },
    });
    expect(DispatchError.errNumber(new DispatchError({ hresult: DISP_E_TYPEMISMATCH, message: 'x' }))).toBe(
      DISP_E_TYPEMISMATCH,
    );
    expect(DispatchError.errNumber(new Error('x'))).toBe(E_FAIL);
  });
});
