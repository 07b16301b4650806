/** CRL reason codes (`RevokedReason`), RFC 5280 §5.3.1. 7 is unused. */
export const CRL_REASON_UNSPECIFIED = 0;
export const CRL_REASON_KEY_COMPROMISE = 1;
export const CRL_REASON_CA_COMPROMISE = 2;
export const CRL_REASON_AFFILIATION_CHANGED = 3;
export const CRL_REASON_SUPERSEDED = 4;
export const CRL_REASON_CESSATION_OF_OPERATION = 5;
export const CRL_REASON_CERTIFICATE_HOLD = 6;
export const CRL_REASON_REMOVE_FROM_CRL = 8;
