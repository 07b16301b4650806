import { CA_DISP_ERROR, CA_DISP_INVALID, CA_DISP_REVOKED, CA_DISP_VALID } from '@certexit/core';
import { parseCertificate } from '@certexit/x509';
import type { CaCertificateRow } from '../store/ca-store';

/** The states of one CA certificate as `ICertServerExit` and `certutil -cainfo` show them. */
export interface CaCertificateState {
  certIndex: number;
  /** The CRL/key index (`CRLIndex.N`). */
  keyIndex: number;
  /** `CertState.N`. */
  certState: number;
  /** `CRLState.N`. */
  crlState: number;
  /** Installed (has a certificate); false while it awaits the parent CA. */
  installed: boolean;
}

/**
 * Derives `CertState.N` and `CRLState.N` from the stored rows at `now`:
 * - `CertState`: the stored state (`CA_DISP_VALID`, `CA_DISP_REVOKED`, or `CA_DISP_INCOMPLETE` /
 *   `CA_DISP_UNDER_SUBMISSION` while a subordinate's certificate awaits its parent), with an expired valid
 *   certificate shown as `CA_DISP_INVALID`. Older certificates stay valid after a renewal, as on AD CS: they still
 *   verify what they issued.
 * - `CRLState`: only the newest installed certificate of a key publishes that key's CRLs. It is `CA_DISP_VALID`, or
 *   `CA_DISP_REVOKED` / `CA_DISP_INVALID` when every installed certificate of the key is revoked / no longer valid.
 *   Every older certificate of the key shows `CA_DISP_ERROR` ("another certificate manages the CRL"). A certificate
 *   that awaits its parent shows its own pending state, since its key publishes nothing yet.
 */
export async function caCertificateStates(rows: readonly CaCertificateRow[], now: Date): Promise<CaCertificateState[]> {
  const states: CaCertificateState[] = [];
  for (const row of rows) {
    let certState = row.state;
    if (row.raw && certState === CA_DISP_VALID && (await parseCertificate(row.raw)).notAfter <= now) {
      certState = CA_DISP_INVALID;
    }
    states.push({
      certIndex: row.certIndex,
      keyIndex: row.keyIndex,
      certState,
      crlState: certState,
      installed: !!row.raw,
    });
  }
  for (const state of states) {
    if (!state.installed) continue;
    const sameKey = states.filter((s) => s.installed && s.keyIndex === state.keyIndex);
    if (sameKey.at(-1) !== state) state.crlState = CA_DISP_ERROR;
    else if (sameKey.every((s) => s.certState === CA_DISP_REVOKED)) state.crlState = CA_DISP_REVOKED;
    else if (sameKey.every((s) => s.certState !== CA_DISP_VALID)) state.crlState = CA_DISP_INVALID;
    else state.crlState = CA_DISP_VALID;
  }
  return states;
}
