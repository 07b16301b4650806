/** CRL reason codes (`RevokedReason`; wincrypt.h `CRL_REASON_*`), RFC 5280 §5.3.1. 7 is unused. */
export const CRL_REASON_UNSPECIFIED = 0;
export const CRL_REASON_KEY_COMPROMISE = 1;
export const CRL_REASON_CA_COMPROMISE = 2;
export const CRL_REASON_AFFILIATION_CHANGED = 3;
export const CRL_REASON_SUPERSEDED = 4;
export const CRL_REASON_CESSATION_OF_OPERATION = 5;
export const CRL_REASON_CERTIFICATE_HOLD = 6;
export const CRL_REASON_REMOVE_FROM_CRL = 8;
export const CRL_REASON_PRIVILEGE_WITHDRAWN = 9;
export const CRL_REASON_AA_COMPROMISE = 10;

/**
 * The `ReasonFlags` bits of a distribution point (wincrypt.h `CRL_REASON_*_FLAG`): bits of the first byte of the
 * DER BIT STRING, `unused` (bit 0) being 0x80. `AA_COMPROMISE` (bit 8) is 0x80 of the second byte.
 */
export const CRL_REASON_UNUSED_FLAG = 0x80;
export const CRL_REASON_KEY_COMPROMISE_FLAG = 0x40;
export const CRL_REASON_CA_COMPROMISE_FLAG = 0x20;
export const CRL_REASON_AFFILIATION_CHANGED_FLAG = 0x10;
export const CRL_REASON_SUPERSEDED_FLAG = 0x08;
export const CRL_REASON_CESSATION_OF_OPERATION_FLAG = 0x04;
export const CRL_REASON_CERTIFICATE_HOLD_FLAG = 0x02;
export const CRL_REASON_PRIVILEGE_WITHDRAWN_FLAG = 0x01;
export const CRL_REASON_AA_COMPROMISE_FLAG = 0x80;
