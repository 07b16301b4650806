import {
  CertexitError,
  DISP_E_BADPARAMCOUNT,
  DISP_E_MEMBERNOTFOUND,
  DISP_E_TYPEMISMATCH,
  DISP_E_UNKNOWNNAME,
  E_INVALIDARG,
  formatHResult,
} from '@certexit/core';
import { coerceVariant } from './coerce-variant';
import type { IDispatch } from './dispatch';
import { DISPATCH_METHOD, DISPATCH_PROPERTYGET } from './dispatch';
import { DispatchError } from './dispatch-error';
import type { Variant, VarType } from './variant';
import { fromVariant, toVariant, VT_EMPTY, varTypeName } from './variant';

/** The Automation signature of one method: what a type library would say about it. */
export interface DispatchMethod {
  /** The VARTYPE of each parameter, in call order; arguments are coerced to it. `VT_VARIANT` takes any VARIANT. */
  readonly params: readonly VarType[];
  /**
   * The result's VARTYPE: the JavaScript return value goes through `toVariant` and is coerced to it.
   * `VT_EMPTY` declares a `Sub` (the return value is dropped); `VT_VARIANT` keeps whatever type the value has.
   */
  readonly returns: VarType;
}

/** Options of {@link createDispatch}. */
export interface CreateDispatchOptions<T extends object> {
  /** The members to expose, by name as written on `target`; every one must be a method of `target`. */
  readonly methods: { readonly [K in keyof T & string]?: DispatchMethod };
  /** The `EXCEPINFO` source of errors the target throws, e.g. its ProgID. @default 'certexit' */
  readonly source?: string;
}

/**
 * Exposes a JavaScript object as an {@link IDispatch}, the way a scripting engine or a type library exposes a class:
 * - names are looked up case-insensitively; DISPIDs are 1, 2, … in the order of `methods` and never change;
 * - an unknown name fails with `DISP_E_UNKNOWNNAME`, an unknown DISPID (or a property put) with `DISP_E_MEMBERNOTFOUND`;
 * - a wrong number of arguments fails with `DISP_E_BADPARAMCOUNT`; an argument that does not coerce to its
 *   parameter's VARTYPE with `DISP_E_TYPEMISMATCH` (or `DISP_E_OVERFLOW`), naming it in `argIndex`;
 * - arguments reach the method as JavaScript values (`fromVariant`); it may return a value or a promise;
 * - whatever the method throws becomes `DISP_E_EXCEPTION`, its HRESULT the `scode` and its message the description.
 *
 * @throws {CertexitError} `E_INVALIDARG` when a listed method is missing on `target` or two names differ only in case.
 * @example
 * ```ts
 * const disp = createDispatch(
 *   { GetDescription: () => 'Script exit', Initialize: (caName: string) => EXITEVENT_CERTISSUED },
 *   { methods: { GetDescription: { params: [], returns: VT_BSTR }, Initialize: { params: [VT_BSTR], returns: VT_I4 } } },
 * );
 * ```
 */
export function createDispatch<T extends object>(target: T, options: CreateDispatchOptions<T>): IDispatch {
  const source = options.source ?? 'certexit';
  const { members, idsByName } = _layoutOf(options.methods as Record<string, DispatchMethod | undefined>);
  for (const { name } of members) {
    if (typeof _member(target, name) !== 'function') {
      throw new CertexitError({ hresult: E_INVALIDARG, message: `createDispatch: the target has no method ${name}` });
    }
  }

  return {
    GetIDsOfNames(names: string[]): number[] {
      return names.map((name, index) => {
        const id = index === 0 && typeof name === 'string' ? idsByName.get(name.toLowerCase()) : undefined;
        if (id === undefined) {
          throw new DispatchError({
            hresult: DISP_E_UNKNOWNNAME,
            message:
              index === 0 ? `${source} has no member ${JSON.stringify(name)}` : 'named arguments are not supported',
          });
        }
        return id;
      });
    },

    async Invoke(dispId: number, flags: number, args: Variant[]): Promise<Variant> {
      const member = Number.isInteger(dispId) ? members[dispId - 1] : undefined;
      if (!member) {
        throw new DispatchError({ hresult: DISP_E_MEMBERNOTFOUND, message: `${source} has no DISPID ${dispId}` });
      }
      const { name, method } = member;
      if ((flags & (DISPATCH_METHOD | DISPATCH_PROPERTYGET)) === 0) {
        throw new DispatchError({
          hresult: DISP_E_MEMBERNOTFOUND,
          message: `${name} is a method; flags ${formatHResult(flags)} do not call it`,
        });
      }
      if (!Array.isArray(args) || args.length !== method.params.length) {
        throw new DispatchError({
          hresult: DISP_E_BADPARAMCOUNT,
          message: `${name} takes ${method.params.length} argument(s), got ${Array.isArray(args) ? args.length : 'none'}`,
        });
      }
      const values = args.map((arg, index) => {
        try {
          return fromVariant(coerceVariant(arg, method.params[index] ?? VT_EMPTY));
        } catch (error) {
          throw _rethrow(error, `${name} argument ${index + 1}`, index);
        }
      });
      const fn = _member(target, name);
      if (typeof fn !== 'function') {
        throw new DispatchError({ hresult: DISP_E_MEMBERNOTFOUND, message: `${source} no longer has ${name}` });
      }
      let result: unknown;
      try {
        result = await fn.apply(target, values);
      } catch (error) {
        throw DispatchError.fromThrown(error, source);
      }
      if (method.returns === VT_EMPTY) return { vt: VT_EMPTY };
      try {
        return coerceVariant(toVariant(result as Parameters<typeof toVariant>[0]), method.returns);
      } catch (error) {
        throw _rethrow(error, `${name} returned a value that is no ${varTypeName(method.returns)}`);
      }
    },
  };
}

function _member(target: object, name: string): unknown {
  return (target as Record<string, unknown>)[name];
}

/** A conversion failure with its context prepended, keeping its DISP_E_* code (TYPEMISMATCH when it had none). */
function _rethrow(error: unknown, context: string, argIndex?: number): DispatchError {
  const hresult = DispatchError.isInstance(error) ? error.hresult : DISP_E_TYPEMISMATCH;
  const detail = DispatchError.isInstance(error)
    ? error.reason
    : error instanceof Error
      ? error.message
      : String(error);
  return new DispatchError({ hresult, message: `${context}: ${detail}`, argIndex, cause: error });
}

type _Layout = {
  members: { readonly name: string; readonly method: DispatchMethod }[];
  idsByName: Map<string, number>;
};

/** DISPIDs by class: a class's method table is declared once, while objects (one per Notify) come and go. */
const _layouts = new WeakMap<object, _Layout>();

function _layoutOf(methods: Record<string, DispatchMethod | undefined>): _Layout {
  const cached = _layouts.get(methods);
  if (cached) return cached;
  const members: _Layout['members'] = [];
  const idsByName = new Map<string, number>();
  for (const [name, method] of Object.entries(methods)) {
    if (!method) continue;
    const key = name.toLowerCase();
    if (idsByName.has(key)) {
      throw new CertexitError({ hresult: E_INVALIDARG, message: `createDispatch: ${name} differs only in case` });
    }
    members.push({ name, method });
    // DISPIDs start at 1: 0 is DISPID_VALUE, the default member, which these objects do not have.
    idsByName.set(key, members.length);
  }
  const layout = { members, idsByName };
  _layouts.set(methods, layout);
  return layout;
}
