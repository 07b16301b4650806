import type { DB_DISP_DENIED, DB_DISP_ERROR } from '@certexit/core';
import { DB_DISP_DENIED as DENIED, DB_DISP_ERROR as FAILED } from '@certexit/core';

/** Why the policy will not issue: the row's disposition (denied, or failed for broken input), HRESULT and message. */
export interface PolicyRefusal {
  disposition: typeof DB_DISP_DENIED | typeof DB_DISP_ERROR;
  /** The HRESULT, signed 32-bit as `StatusCode` keeps it. */
  statusCode: number;
  message: string;
}

/** A denial, as AD CS words it: "Denied by Policy Module …". */
export function deniedBy(hresult: number, reason: string): PolicyRefusal {
  return { disposition: DENIED, statusCode: hresult | 0, message: `Denied by Policy Module: ${reason}` };
}

/** A failure (input that cannot be processed, or the directory unreachable). */
export function failedWith(hresult: number, message: string): PolicyRefusal {
  return { disposition: FAILED, statusCode: hresult | 0, message };
}
