import {
  CRL_REASON_AFFILIATION_CHANGED,
  CRL_REASON_CA_COMPROMISE,
  CRL_REASON_CERTIFICATE_HOLD,
  CRL_REASON_CESSATION_OF_OPERATION,
  CRL_REASON_KEY_COMPROMISE,
  CRL_REASON_REMOVE_FROM_CRL,
  CRL_REASON_SUPERSEDED,
  CRL_REASON_UNSPECIFIED,
} from '@certexit/core';

/** The reasons a certificate can be revoked with (certutil -revoke), by the names certutil shows. */
export const REVOCATION_REASONS = {
  Unspecified: CRL_REASON_UNSPECIFIED,
  KeyCompromise: CRL_REASON_KEY_COMPROMISE,
  CACompromise: CRL_REASON_CA_COMPROMISE,
  AffiliationChanged: CRL_REASON_AFFILIATION_CHANGED,
  Superseded: CRL_REASON_SUPERSEDED,
  CessationOfOperation: CRL_REASON_CESSATION_OF_OPERATION,
  CertificateHold: CRL_REASON_CERTIFICATE_HOLD,
} as const;

/** The name of a `RevokedReason` value, for messages: `KeyCompromise`, `RemoveFromCRL`, or `reason 7`. */
export function crlReasonName(reason: number | undefined): string {
  if (reason === CRL_REASON_REMOVE_FROM_CRL) return 'RemoveFromCRL';
  const found = Object.entries(REVOCATION_REASONS).find(([, code]) => code === reason);
  return found ? found[0] : `reason ${String(reason)}`;
}
