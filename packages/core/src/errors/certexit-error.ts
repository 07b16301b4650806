import { E_FAIL, FAILED, formatHResult, hresultName } from '../constants/hresults';

const _marker = 'certexit.error';
const _symbol = Symbol.for(_marker);

/**
 * The base error of certexit: carries an HRESULT so a module can throw `CERTSRV_E_PROPERTY_EMPTY` and a host can
 * map any failure to an HRESULT. Checked with {@link CertexitError.isInstance} (a marker symbol), never
 * `instanceof`, which breaks across duplicate package copies.
 *
 * @example
 * ```ts
 * throw new CertexitError({ hresult: CERTSRV_E_PROPERTY_EMPTY, message: 'CertFile is empty' });
 * ```
 */
export class CertexitError extends Error {
  /** The marker `isInstance` checks. */
  readonly [_symbol] = true;
  /** The unsigned 32-bit HRESULT, e.g. `0x80094004`. Always a failure code. */
  readonly hresult: number;
  /** Which module or part raised it, for the `[certexit] [module]` message prefix and logs. */
  readonly source: string | undefined;
  /**
   * Whether trying again later may succeed: `true` (timeouts, connection loss), `false` (access denied, bad
   * configuration: the host dead-letters the notification at once), or `undefined` when the thrower did not say
   * (the host then decides by the HRESULT; see `classifyExitFailure`).
   */
  readonly isRetryable: boolean | undefined;
  /** The message as given, without the `[certexit] [source]` prefix and the HRESULT name (for people and JSON). */
  readonly reason: string;

  constructor({
    hresult = E_FAIL,
    message,
    source,
    cause,
    isRetryable,
  }: {
    hresult?: number;
    message: string;
    source?: string;
    cause?: unknown;
    isRetryable?: boolean;
  }) {
    super(`[certexit]${source ? ` [${source}]` : ''} ${message} (${hresultName(hresult)})`, { cause });
    this.name = 'CertexitError';
    this.hresult = FAILED(hresult) ? hresult >>> 0 : E_FAIL;
    this.source = source;
    this.isRetryable = isRetryable;
    this.reason = message;
  }

  /** True for any certexit error, whichever copy of this package created it. */
  static isInstance(error: unknown): error is CertexitError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[_symbol] === true;
  }

  /** The HRESULT of any failure: a certexit error's own, an HRESULT-carrying object's, else `E_FAIL`. */
  static hresultOf(error: unknown): number {
    if (CertexitError.isInstance(error)) return error.hresult;
    if (typeof error === 'object' && error !== null) {
      const hr = (error as { hresult?: unknown }).hresult;
      if (typeof hr === 'number' && FAILED(hr)) return hr >>> 0;
    }
    return E_FAIL;
  }

  /** Any thrown value as an `Error` (strings and numbers included), keeping the original as `cause`. */
  static toError(error: unknown): Error {
    if (error instanceof Error) return error;
    if (typeof error === 'number' && FAILED(error)) {
      return new CertexitError({ hresult: error, message: `HRESULT ${formatHResult(error)}` });
    }
    return new Error(typeof error === 'string' ? error : `non-Error value thrown: ${String(error)}`, { cause: error });
  }
}
