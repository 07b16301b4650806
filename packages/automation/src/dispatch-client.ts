import { CertexitError, DISP_E_UNKNOWNNAME } from '@certexit/core';
import type { IDispatch } from './dispatch';
import { DISPATCH_METHOD } from './dispatch';
import { DispatchError } from './dispatch-error';
import type { Variant } from './variant';
import { assertVariant } from './variant';

/**
 * The caller side of a late-bound object, shared by the `dispatchTo*` adapters (not exported from the package):
 * DISPIDs are looked up once per name, results are checked to be VARIANTs, and a `DISP_E_EXCEPTION` is unwrapped
 * into a {@link CertexitError} carrying the callee's `scode`, so typed callers test the HRESULT they would have
 * got from a direct call (`CERTSRV_E_PROPERTY_EMPTY`, …).
 */
export interface DispatchClient {
  /** The DISPID of `name`, looked up on first use and cached. */
  dispId(name: string): Promise<number>;
  /** True when the object knows `name`; `DISP_E_UNKNOWNNAME` is the only failure read as "no". */
  has(name: string): Promise<boolean>;
  /** Invokes `name` as a method with `args` and returns its (checked) result. */
  call(name: string, args: readonly Variant[]): Promise<Variant>;
  /**
   * Invokes `name` and converts its result with `convert` (e.g. a coercion to `VT_I4`); a conversion failure keeps its
   * `DISP_E_*` code and names the method: "Initialize returned …".
   */
  call<T>(name: string, args: readonly Variant[], convert: (result: Variant) => T): Promise<T>;
}

/** A {@link DispatchClient} for `disp`. */
export function createDispatchClient(disp: IDispatch): DispatchClient {
  const ids = new Map<string, Promise<number>>();

  const dispId = (name: string): Promise<number> => {
    const key = name.toLowerCase();
    let id = ids.get(key);
    if (!id) {
      id = _lookup(disp, name);
      ids.set(key, id);
      // A failed lookup is not cached: a later call asks again (a remote object may come back).
      id.catch(() => ids.delete(key));
    }
    return id;
  };

  return {
    dispId,
    async has(name) {
      try {
        await dispId(name);
        return true;
      } catch (error) {
        if (DispatchError.isInstance(error) && error.hresult === DISP_E_UNKNOWNNAME) return false;
        throw error;
      }
    },
    async call<T>(name: string, args: readonly Variant[], convert?: (result: Variant) => T): Promise<T | Variant> {
      const id = await dispId(name);
      let result: unknown;
      try {
        result = await disp.Invoke(id, DISPATCH_METHOD, [...args]);
      } catch (error) {
        throw _unwrap(error, name);
      }
      assertVariant(result, `${name} result`);
      if (!convert) return result;
      try {
        return convert(result);
      } catch (error) {
        if (!DispatchError.isInstance(error)) throw error;
        throw new DispatchError({ hresult: error.hresult, message: `${name} returned ${error.reason}`, cause: error });
      }
    },
  };
}

async function _lookup(disp: IDispatch, name: string): Promise<number> {
  let ids: unknown;
  try {
    ids = await disp.GetIDsOfNames([name]);
  } catch (error) {
    if (DispatchError.isInstance(error)) throw error;
    throw new DispatchError({
      hresult: CertexitError.hresultOf(error),
      message: `GetIDsOfNames(${JSON.stringify(name)}) failed: ${CertexitError.toError(error).message}`,
      cause: error,
    });
  }
  const id = Array.isArray(ids) ? ids[0] : undefined;
  if (!Number.isInteger(id) || id === -1) {
    throw new DispatchError({ hresult: DISP_E_UNKNOWNNAME, message: `no member ${JSON.stringify(name)}` });
  }
  return id as number;
}

/** An `Invoke` failure as the error a direct call would have thrown. */
function _unwrap(error: unknown, name: string): Error {
  if (DispatchError.isInstance(error) && error.excepInfo) {
    const { source, description, scode } = error.excepInfo;
    return new CertexitError({ hresult: scode, message: `${name}: ${description}`, source, cause: error });
  }
  if (CertexitError.isInstance(error)) return error;
  return new CertexitError({
    hresult: CertexitError.hresultOf(error),
    message: `${name} failed: ${CertexitError.toError(error).message}`,
    source: 'automation',
    cause: error,
  });
}
