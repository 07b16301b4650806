import { CertexitError, DISP_E_EXCEPTION, hresultName } from '@certexit/core';

const _name = 'CertexitDispatchError';
const _symbol = Symbol.for(`certexit.error.${_name}`);

/**
 * The plain-data part of an Automation `EXCEPINFO`: what a late-bound callee reports with `DISP_E_EXCEPTION`
 * (VBScript's `Err.Raise number, source, description`).
 */
export interface ExcepInfo {
  /** Who raised it: a ProgID such as `CertificateAuthority.ServerExit`, or the module's name. */
  readonly source: string;
  /** The callee's own message. */
  readonly description: string;
  /** The callee's failure HRESULT (unsigned), e.g. `CERTSRV_E_PROPERTY_EMPTY`: what script code tests as `Err.Number`. */
  readonly scode: number;
}

/**
 * A failed late-bound call: `hresult` is the `DISP_E_*` code `IDispatch` returned. For `DISP_E_EXCEPTION` the
 * callee's own failure is in {@link DispatchError.excepInfo}; for `DISP_E_TYPEMISMATCH`, `DISP_E_OVERFLOW` and
 * `DISP_E_PARAMNOTFOUND` on an argument, {@link DispatchError.argIndex} names it (0-based, in call order).
 * Every field is plain data, so the error crosses a process boundary as `{ hresult, message, excepInfo, argIndex }`.
 *
 * @example
 * ```ts
 * try {
 *   await callByName(server, 'GetCertificateProperty', ['RawCertificate', PROPTYPE_BINARY]);
 * } catch (error) {
 *   if (DispatchError.isInstance(error) && error.excepInfo?.scode === CERTSRV_E_PROPERTY_EMPTY) {
 *     // not issued yet
 *   }
 * }
 * ```
 */
export class DispatchError extends CertexitError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read by isInstance through the symbol
  private readonly [_symbol] = true;
  /** Set for `DISP_E_EXCEPTION`: what the callee raised. */
  readonly excepInfo: ExcepInfo | undefined;
  /** The 0-based index of the offending argument, when one argument was at fault. */
  readonly argIndex: number | undefined;

  constructor({
    hresult,
    message,
    excepInfo,
    argIndex,
    cause,
  }: {
    /** A `DISP_E_*` HRESULT. */
    hresult: number;
    message: string;
    excepInfo?: ExcepInfo;
    argIndex?: number;
    cause?: unknown;
  }) {
    super({ hresult, message, source: 'automation', cause });
    this.name = _name;
    this.excepInfo = excepInfo;
    this.argIndex = argIndex;
  }

  /**
   * The `DISP_E_EXCEPTION` error for an `EXCEPINFO`.
   * @example DispatchError.exception({ source: 'MyApp.Exit', description: 'no share', scode: E_ACCESSDENIED })
   */
  static exception(excepInfo: ExcepInfo, cause?: unknown): DispatchError {
    const scode = excepInfo.scode >>> 0;
    return new DispatchError({
      hresult: DISP_E_EXCEPTION,
      message: `${excepInfo.source} raised ${hresultName(scode)}: ${excepInfo.description}`,
      excepInfo: { ...excepInfo, scode },
      cause,
    });
  }

  /**
   * What a callee's throw becomes at the `Invoke` boundary: `DISP_E_EXCEPTION` whose `scode` is the thrown error's
   * HRESULT (`E_FAIL` for plain errors). A `DISP_E_EXCEPTION` from a nested call keeps its `EXCEPINFO`, as an
   * unhandled VBScript error keeps `Err.Number`.
   */
  static fromThrown(error: unknown, source: string): DispatchError {
    if (DispatchError.isInstance(error) && error.excepInfo) return DispatchError.exception(error.excepInfo, error);
    // toError turns a thrown HRESULT number into a CertexitError carrying it; strings become messages.
    const asError = CertexitError.toError(error);
    const description = DispatchError.isInstance(asError) ? asError.reason : _plainMessage(asError);
    return DispatchError.exception({ source, description, scode: CertexitError.hresultOf(asError) }, error);
  }

  /**
   * What script code sees as `Err.Number` after a failed call: the callee's `scode` for `DISP_E_EXCEPTION`,
   * otherwise the HRESULT of the failure (`DISP_E_TYPEMISMATCH` and the like; `E_FAIL` for errors without one).
   * @example if (DispatchError.errNumber(error) === CERTSRV_E_PROPERTY_EMPTY) return; // not issued yet
   */
  static errNumber(error: unknown): number {
    if (DispatchError.isInstance(error) && error.excepInfo) return error.excepInfo.scode;
    return CertexitError.hresultOf(error);
  }

  static override isInstance(error: unknown): error is DispatchError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[_symbol] === true;
  }
}

/** A certexit error's message without its `[certexit] [source]` prefix and `(HRESULT)` suffix: the description part. */
function _plainMessage(error: Error): string {
  if (!CertexitError.isInstance(error)) return error.message;
  const match = /^\[certexit\](?: \[[^\]]*\])? ([\s\S]*) \([^()]*\)$/.exec(error.message);
  return match?.[1] ?? error.message;
}
