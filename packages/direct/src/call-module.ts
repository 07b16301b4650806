import type { CallOutcome } from '@certexit/core';
import { CertexitError, HRESULT_TIMEOUT, S_OK } from '@certexit/core';

/** Options of {@link callModule}. */
export interface CallModuleOptions {
  /** Which method, for messages: `Notify`, `Initialize`, … */
  method: string;
  /** The module, for messages (its ProgID or description). */
  source?: string;
  /** Abandon the call after this long; it then counts as `HRESULT_FROM_WIN32(ERROR_TIMEOUT)`. */
  timeoutMs?: number;
}

/**
 * Runs one host → module call and never throws: a value, a thrown error, a rejected promise or a call that
 * outlives its deadline all become a {@link CallOutcome}. A late call is abandoned (its result ignored), as a
 * host cannot cancel code it does not own.
 */
export async function callModule<T>(call: () => T | Promise<T>, options: CallModuleOptions): Promise<CallOutcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const pending = Promise.resolve().then(call);
    const value =
      options.timeoutMs === undefined
        ? await pending
        : await Promise.race([
            pending,
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () =>
                  reject(
                    new CertexitError({
                      hresult: HRESULT_TIMEOUT,
                      source: options.source,
                      isRetryable: true,
                      message: `${options.method} did not return within ${options.timeoutMs} ms`,
                    }),
                  ),
                options.timeoutMs,
              );
              timer.unref?.();
            }),
          ]);
    return { ok: true, hresult: S_OK, value };
  } catch (thrown) {
    const error = CertexitError.toError(thrown);
    return { ok: false, hresult: CertexitError.hresultOf(thrown), error };
  } finally {
    clearTimeout(timer);
  }
}
