import {
  CERTSRV_E_BAD_REQUESTSTATUS,
  CERTSRV_E_NO_REQUEST,
  CertexitError,
  E_FAIL,
  E_INVALIDARG,
  HRESULT_FILE_NOT_FOUND,
} from '@certexit/core';
import { RegistryFileError, StorageFaultError } from '@certexit/engine';
import { X509Error } from '@certexit/x509';
import type { HttpErrorStatus } from './http-error';
import { HTTP_ERROR_CODES, HttpError } from './http-error';

/** The JSON body of every error the API answers. */
export interface ErrorBody {
  error: string;
  /** Unsigned 32-bit HRESULT. */
  hresult: number;
  message: string;
  [detail: string]: unknown;
}

/** What the error handler sends: a status and a body, and whether the error is the server's own fault. */
export interface ErrorResponse {
  status: HttpErrorStatus;
  body: ErrorBody;
  /** True for a 500 (and a 503 for an unreadable configuration): log it in full, show nothing of it. */
  internal: boolean;
}

/**
 * Maps anything a route threw to the API's error answer:
 * - {@link HttpError}: its own status;
 * - a failed schema validation: 400 naming the field;
 * - fastify's own request errors (body too large, bad JSON, wrong content type): their 4xx status;
 * - `CertexitError`: `CERTSRV_E_NO_REQUEST` and `HRESULT_FILE_NOT_FOUND` → 404, `CERTSRV_E_BAD_REQUESTSTATUS` → 409, `E_INVALIDARG` → 400;
 * - an X.509 error: 400 (the caller's data did not parse or verify);
 * - a storage fault (a full disk, an I/O error under the CA database): 503, naming the folder and the cause;
 * - anything else: 500 with a fixed message and the request id, never a stack or an internal message.
 */
export function errorResponseOf(error: unknown, requestId: string): ErrorResponse {
  if (error instanceof HttpError) return _answer(error.status, error.message, error.hresult, error.details);
  const fastify = error as { validation?: unknown; validationContext?: string; statusCode?: unknown; code?: unknown };
  if (Array.isArray(fastify.validation)) {
    return _answer(400, _validationMessage(fastify.validationContext ?? 'input', fastify.validation), E_INVALIDARG);
  }
  if (CertexitError.isInstance(error)) {
    if (error.hresult === CERTSRV_E_NO_REQUEST || error.hresult === HRESULT_FILE_NOT_FOUND)
      return _answer(404, error.message, error.hresult);
    if (error.hresult === CERTSRV_E_BAD_REQUESTSTATUS) return _answer(409, error.message, error.hresult);
    if (error.hresult === E_INVALIDARG) return _answer(400, error.message, error.hresult);
  }
  if (error instanceof X509Error) return _answer(400, error.message, E_INVALIDARG);
  // The configuration cannot be read: nothing works until it is fixed; the details (a path) go to the log only.
  if (RegistryFileError.isInstance(error)) {
    return {
      status: 503,
      body: {
        error: HTTP_ERROR_CODES[503],
        hresult: error.hresult,
        message: `the CA configuration cannot be read; the server log has the details under request id ${requestId}`,
      },
      internal: true,
    };
  }
  // The storage failed under this request (a full disk, an I/O error): nothing was recorded, try again later.
  if (StorageFaultError.isInstance(error)) return _answer(503, error.message, error.hresult);
  const status = typeof fastify.statusCode === 'number' ? fastify.statusCode : 500;
  if (
    typeof fastify.code === 'string' &&
    fastify.code.startsWith('FST_') &&
    status in HTTP_ERROR_CODES &&
    status < 500
  ) {
    return _answer(status as HttpErrorStatus, (error as Error).message, E_INVALIDARG);
  }
  if (error instanceof SyntaxError && status === 400)
    return _answer(400, `the body is not valid JSON: ${error.message}`, E_INVALIDARG);
  return {
    status: 500,
    body: {
      error: HTTP_ERROR_CODES[500],
      hresult: (CertexitError.isInstance(error) ? error.hresult : E_FAIL) >>> 0,
      message: `internal error; the server log has the details under request id ${requestId}`,
    },
    internal: true,
  };
}

function _answer(
  status: HttpErrorStatus,
  message: string,
  hresult: number,
  details: Readonly<Record<string, unknown>> = {},
): ErrorResponse {
  return {
    status,
    body: { error: HTTP_ERROR_CODES[status], hresult: hresult >>> 0, message, ...details },
    internal: false,
  };
}

/** One sentence naming what was wrong with which field, from Ajv's errors. */
function _validationMessage(context: string, errors: readonly unknown[]): string {
  const parts = errors.slice(0, 5).map((raw) => {
    const e = raw as { instancePath?: string; message?: string; params?: Record<string, unknown> };
    const field = `${context}${(e.instancePath ?? '').replaceAll('/', '.')}`;
    if (typeof e.params?.additionalProperty === 'string')
      return `${field} has the field ${JSON.stringify(e.params.additionalProperty)}, which is not accepted`;
    return `${field} ${e.message ?? 'is invalid'}`;
  });
  return parts.join('; ');
}
