import { E_INVALIDARG } from '@certexit/core';

/** The `error` words of the API's error bodies, one per HTTP status the API answers with. */
export const HTTP_ERROR_CODES = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'unavailable',
} as const;

/** An HTTP status the API answers errors with. */
export type HttpErrorStatus = keyof typeof HTTP_ERROR_CODES;

/**
 * An error the HTTP API answers as `{ error, hresult, message }` with its status; what a handler throws for a
 * caller's mistake. Anything else that escapes a handler becomes a 500 whose body says nothing about the inside.
 */
export class HttpError extends Error {
  override name = 'HttpError';

  constructor(
    readonly status: HttpErrorStatus,
    message: string,
    /** The HRESULT the body reports (unsigned). */
    readonly hresult: number = E_INVALIDARG,
    /** Extra fields for the body, e.g. the request row a failed submission made. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
