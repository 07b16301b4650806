import {
  CERTSRV_E_BAD_REQUESTSUBJECT,
  CRYPT_E_ASN1_BADTAG,
  CRYPT_E_ASN1_EOD,
  DB_DISP_DENIED,
  DB_DISP_ERROR,
  HRESULT_INVALID_DATA,
  NTE_BAD_ALGID,
  NTE_BAD_SIGNATURE,
} from '@certexit/core';
import { X509ParseError, X509SignatureError, X509UnsupportedAlgorithmError } from '@certexit/x509';

/** The largest request the engine parses; larger ones fail without being stored. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Why a request cannot be processed, as the row records it. */
export interface RequestRejection {
  disposition: typeof DB_DISP_ERROR | typeof DB_DISP_DENIED;
  statusCode: number;
  message: string;
}

/**
 * Maps a request that cannot be parsed or verified to the failed row AD CS would record: "Error Parsing Request"
 * with an ASN.1 HRESULT, a bad signature as `NTE_BAD_SIGNATURE`, an unsupported algorithm as `NTE_BAD_ALGID`.
 * Anything else is not a request problem and is rethrown.
 */
export function rejectionOf(error: unknown): RequestRejection {
  if (error instanceof X509SignatureError) {
    return {
      disposition: DB_DISP_ERROR,
      statusCode: NTE_BAD_SIGNATURE | 0,
      message: `Error Verifying Request Signature: ${error.message}`,
    };
  }
  if (error instanceof X509UnsupportedAlgorithmError) {
    return {
      disposition: DB_DISP_ERROR,
      statusCode: NTE_BAD_ALGID | 0,
      message: `Error Verifying Request: ${error.message}`,
    };
  }
  if (error instanceof X509ParseError) {
    const truncated = /truncated|exceeds the available data/i.test(error.message);
    return {
      disposition: DB_DISP_ERROR,
      statusCode: (truncated ? CRYPT_E_ASN1_EOD : CRYPT_E_ASN1_BADTAG) | 0,
      message: `Error Parsing Request: ${error.message}`,
    };
  }
  throw error;
}

/** A request over {@link MAX_REQUEST_BYTES}. */
export function oversizedRejection(size: number): RequestRejection {
  return {
    disposition: DB_DISP_ERROR,
    statusCode: HRESULT_INVALID_DATA | 0,
    message: `Error Parsing Request: the request is ${size} bytes, more than the limit of ${MAX_REQUEST_BYTES}`,
  };
}

/**
 * Subject values with control characters (NUL, newlines, escapes) are denied: they break logs, mail headers and
 * directory filters downstream. Characters that are merely special (`*()\,+=`) are legal in X.509 names and are
 * escaped where they are used.
 */
export function subjectRejection(subjectValues: ReadonlyMap<string, readonly string[]>): RequestRejection | undefined {
  for (const [oid, values] of subjectValues) {
    for (const value of values) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
      if (/[\u0000-\u001f\u007f]/.test(value)) {
        return {
          disposition: DB_DISP_DENIED,
          statusCode: CERTSRV_E_BAD_REQUESTSUBJECT | 0,
          message: `Denied by Policy Module: the subject attribute ${oid} contains control characters`,
        };
      }
    }
  }
  return undefined;
}
