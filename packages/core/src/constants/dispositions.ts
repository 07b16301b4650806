/** Request `Disposition` values (DB_DISP_*). Queue rows ≤ 9, log rows ≥ 20, failures ≥ 30. */
export const DB_DISP_ACTIVE = 8;
export const DB_DISP_PENDING = 9;
export const DB_DISP_QUEUE_MAX = 9;
export const DB_DISP_FOREIGN = 12;
export const DB_DISP_CA_CERT = 15;
export const DB_DISP_CA_CERT_CHAIN = 16;
export const DB_DISP_KRA_CERT = 17;
export const DB_DISP_LOG_MIN = 20;
export const DB_DISP_ISSUED = 20;
export const DB_DISP_REVOKED = 21;
export const DB_DISP_LOG_FAILED_MIN = 30;
export const DB_DISP_ERROR = 30;
export const DB_DISP_DENIED = 31;

/** CA certificate and CRL states (CertAdm.h CA_DISP_*), e.g. `CertState.N`, `CRLState.N`. */
export const CA_DISP_INCOMPLETE = 0;
export const CA_DISP_ERROR = 1;
export const CA_DISP_REVOKED = 2;
export const CA_DISP_VALID = 3;
export const CA_DISP_INVALID = 4;
export const CA_DISP_UNDER_SUBMISSION = 5;

/** What `ICertRequest::Submit` / `RetrievePending` answer (CertCli.h `CR_DISP_*`); the HTTP API answers `DB_DISP_*`. */
export const CR_DISP_INCOMPLETE = 0;
export const CR_DISP_ERROR = 0x1;
export const CR_DISP_DENIED = 0x2;
export const CR_DISP_ISSUED = 0x3;
export const CR_DISP_ISSUED_OUT_OF_BAND = 0x4;
export const CR_DISP_UNDER_SUBMISSION = 0x5;
export const CR_DISP_REVOKED = 0x6;

/** Key Recovery Agent certificate states (CertAdm.h `KRA_DISP_*`), e.g. `CR_PROP_KRACERTSTATE`. */
export const KRA_DISP_EXPIRED = 0;
export const KRA_DISP_NOTFOUND = 0x1;
export const KRA_DISP_REVOKED = 0x2;
export const KRA_DISP_VALID = 0x3;
export const KRA_DISP_INVALID = 0x4;
export const KRA_DISP_UNTRUSTED = 0x5;
export const KRA_DISP_NOTLOADED = 0x6;
