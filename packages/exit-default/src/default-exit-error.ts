import { CertexitError } from '@certexit/core';

/** What every error of the default module is made from. */
export interface DefaultExitErrorOptions<C extends string> {
  code: C;
  hresult: number;
  message: string;
  cause?: unknown;
  /** @default what the error class decides for its code */
  isRetryable?: boolean;
}

/**
 * The base of the default module's errors: a {@link CertexitError} from `exit-default` with a `code` a program can
 * branch on. Each subclass carries its own marker symbol and checks it in `isInstance` ({@link hasErrorMarker}), so
 * the check works across duplicate package copies, like `CertexitError.isInstance`.
 */
export abstract class DefaultExitError<C extends string> extends CertexitError {
  readonly code: C;

  protected constructor(name: string, options: DefaultExitErrorOptions<C>, retryableByDefault: boolean) {
    super({
      hresult: options.hresult,
      message: options.message,
      source: 'exit-default',
      cause: options.cause,
      isRetryable: options.isRetryable ?? retryableByDefault,
    });
    this.name = name;
    this.code = options.code;
  }
}

/** True when `error` is an object carrying the marker `symbol` (an error class's own `Symbol.for` key). */
export function hasErrorMarker(error: unknown, symbol: symbol): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[symbol] === true;
}
