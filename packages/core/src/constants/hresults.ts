/**
 * HRESULTs the engine and modules exchange. Values are unsigned 32-bit numbers as printed by Windows
 * (`0x80094004`); compare with {@link sameHResult} or normalise with {@link toHResult}.
 */
export const S_OK = 0x0;
export const S_FALSE = 0x1;
export const E_FAIL = 0x80004005;
export const E_INVALIDARG = 0x80070057;
export const E_POINTER = 0x80004003;
export const E_NOTIMPL = 0x80004001;
export const E_NOINTERFACE = 0x80004002;
export const E_UNEXPECTED = 0x8000ffff;
export const E_OUTOFMEMORY = 0x8007000e;

export const FACILITY_WIN32 = 7;
export const ERROR_FILE_NOT_FOUND = 2;
export const ERROR_TIMEOUT = 1460;
export const ERROR_ALREADY_EXISTS = 183;
export const ERROR_ACCESS_DENIED = 5;
export const ERROR_INVALID_NAME = 123;
export const ERROR_INVALID_PARAMETER = 87;
export const ERROR_DISK_FULL = 112;
export const ERROR_NO_SUCH_USER = 1317;
export const ERROR_BAD_CONFIGURATION = 1610;

/** `HRESULT_FROM_WIN32(x)`: `0x8007xxxx` for a Win32 error code; 0 stays 0, HRESULTs pass through. */
export function HRESULT_FROM_WIN32(code: number): number {
  if (code <= 0 || (code & 0x80000000) !== 0) return code >>> 0;
  return ((code & 0xffff) | (FACILITY_WIN32 << 16) | 0x80000000) >>> 0;
}

/** `HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)` = 0x80070002: `RawDeltaCRL.N` while delta CRLs are disabled. */
export const HRESULT_FILE_NOT_FOUND = HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
/** `HRESULT_FROM_WIN32(ERROR_TIMEOUT)` = 0x800705B4: a module call that ran out of time. */
export const HRESULT_TIMEOUT = HRESULT_FROM_WIN32(ERROR_TIMEOUT);
/** `E_ACCESSDENIED` = `HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)` = 0x80070005. */
export const E_ACCESSDENIED = HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED);
/** `HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION)` = 0x8007064A: the module's configuration cannot be used. */
export const HRESULT_BAD_CONFIGURATION = HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION);
/** `HRESULT_FROM_WIN32(ERROR_NO_SUCH_USER)` = 0x80070525: the account named does not exist. */
export const HRESULT_NO_SUCH_USER = HRESULT_FROM_WIN32(ERROR_NO_SUCH_USER);
/** `HRESULT_FROM_WIN32(ERROR_DISK_FULL)` = 0x80070070: no space left where the CA writes. */
export const HRESULT_DISK_FULL = HRESULT_FROM_WIN32(ERROR_DISK_FULL);

/** CERTSRV_E_* (winerror.h) used by the engine. */
export const CERTSRV_E_BAD_REQUESTSUBJECT = 0x80094001;
export const CERTSRV_E_NO_REQUEST = 0x80094002;
export const CERTSRV_E_BAD_REQUESTSTATUS = 0x80094003;
export const CERTSRV_E_PROPERTY_EMPTY = 0x80094004;
export const CERTSRV_E_INVALID_CA_CERTIFICATE = 0x80094005;
export const CERTSRV_E_SERVER_SUSPENDED = 0x80094006;
export const CERTSRV_E_ENCODING_LENGTH = 0x80094007;
export const CERTSRV_E_ROLECONFLICT = 0x80094008;
export const CERTSRV_E_RESTRICTEDOFFICER = 0x80094009;
export const CERTSRV_E_KEY_ARCHIVAL_NOT_CONFIGURED = 0x8009400a;
export const CERTSRV_E_NO_VALID_KRA = 0x8009400b;
export const CERTSRV_E_BAD_REQUEST_KEY_ARCHIVAL = 0x8009400c;
export const CERTSRV_E_NO_CAADMIN_DEFINED = 0x8009400d;
export const CERTSRV_E_BAD_RENEWAL_CERT_ATTRIBUTE = 0x8009400e;
export const CERTSRV_E_NO_DB_SESSIONS = 0x8009400f;
export const CERTSRV_E_ALIGNMENT_FAULT = 0x80094010;
export const CERTSRV_E_ENROLL_DENIED = 0x80094011;
export const CERTSRV_E_TEMPLATE_DENIED = 0x80094012;
export const CERTSRV_E_UNSUPPORTED_CERT_TYPE = 0x80094800;
export const CERTSRV_E_NO_CERT_TYPE = 0x80094801;
export const CERTSRV_E_TEMPLATE_CONFLICT = 0x80094802;
export const CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED = 0x80094803;
export const CERTSRV_E_ARCHIVED_KEY_REQUIRED = 0x80094804;
export const CERTSRV_E_BAD_TEMPLATE_VERSION = 0x80094807;
export const CERTSRV_E_SUBJECT_DNS_REQUIRED = 0x8009480c;
export const CERTSRV_E_SUBJECT_EMAIL_REQUIRED = 0x80094812;

/** Crypto and ASN.1 failures the engine records on failed requests (winerror.h). */
export const NTE_BAD_SIGNATURE = 0x80090006;
export const NTE_BAD_ALGID = 0x80090008;
export const CRYPT_E_ASN1_EOD = 0x80093102;
export const CRYPT_E_ASN1_BADTAG = 0x8009310b;
export const ERROR_INVALID_DATA = 13;
/** `HRESULT_FROM_WIN32(ERROR_INVALID_DATA)` = 0x8007000D: a request larger than the engine accepts. */
export const HRESULT_INVALID_DATA = 0x8007000d;

/** Automation (IDispatch) errors, for the late-bound adapter. */
export const DISP_E_UNKNOWNINTERFACE = 0x80020001;
export const DISP_E_MEMBERNOTFOUND = 0x80020003;
export const DISP_E_PARAMNOTFOUND = 0x80020004;
export const DISP_E_TYPEMISMATCH = 0x80020005;
export const DISP_E_UNKNOWNNAME = 0x80020006;
export const DISP_E_BADVARTYPE = 0x80020008;
export const DISP_E_EXCEPTION = 0x80020009;
export const DISP_E_OVERFLOW = 0x8002000a;
export const DISP_E_BADPARAMCOUNT = 0x8002000e;
export const DISP_E_PARAMNOTOPTIONAL = 0x8002000f;

/** Normalise any 32-bit HRESULT (signed or unsigned) to its unsigned form. */
export function toHResult(value: number): number {
  return value >>> 0;
}

/** True for a failure HRESULT (severity bit set). */
export function FAILED(hr: number): boolean {
  return (hr & 0x80000000) !== 0;
}

/** True for a success HRESULT (S_OK, S_FALSE, …). */
export function SUCCEEDED(hr: number): boolean {
  return !FAILED(hr);
}

/** Compare two HRESULTs regardless of signed/unsigned representation. */
export function sameHResult(a: number, b: number): boolean {
  return a >>> 0 === b >>> 0;
}

/** `0x80094004` style text of an HRESULT. */
export function formatHResult(hr: number): string {
  return `0x${(hr >>> 0).toString(16).padStart(8, '0')}`;
}

const _HRESULT_NAMES: Record<number, string> = {
  [S_OK]: 'S_OK',
  [S_FALSE]: 'S_FALSE',
  [E_FAIL]: 'E_FAIL',
  [E_INVALIDARG]: 'E_INVALIDARG',
  [E_POINTER]: 'E_POINTER',
  [E_NOTIMPL]: 'E_NOTIMPL',
  [E_UNEXPECTED]: 'E_UNEXPECTED',
  [E_OUTOFMEMORY]: 'E_OUTOFMEMORY',
  [HRESULT_FILE_NOT_FOUND]: 'HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)',
  [HRESULT_TIMEOUT]: 'HRESULT_FROM_WIN32(ERROR_TIMEOUT)',
  [E_ACCESSDENIED]: 'E_ACCESSDENIED',
  [HRESULT_BAD_CONFIGURATION]: 'HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION)',
  [HRESULT_NO_SUCH_USER]: 'HRESULT_FROM_WIN32(ERROR_NO_SUCH_USER)',
  [HRESULT_DISK_FULL]: 'HRESULT_FROM_WIN32(ERROR_DISK_FULL)',
  [CERTSRV_E_NO_REQUEST]: 'CERTSRV_E_NO_REQUEST',
  [CERTSRV_E_BAD_REQUESTSTATUS]: 'CERTSRV_E_BAD_REQUESTSTATUS',
  [CERTSRV_E_PROPERTY_EMPTY]: 'CERTSRV_E_PROPERTY_EMPTY',
  [CERTSRV_E_NO_DB_SESSIONS]: 'CERTSRV_E_NO_DB_SESSIONS',
  [CERTSRV_E_TEMPLATE_DENIED]: 'CERTSRV_E_TEMPLATE_DENIED',
  [CERTSRV_E_UNSUPPORTED_CERT_TYPE]: 'CERTSRV_E_UNSUPPORTED_CERT_TYPE',
  [NTE_BAD_SIGNATURE]: 'NTE_BAD_SIGNATURE',
  [NTE_BAD_ALGID]: 'NTE_BAD_ALGID',
  [CRYPT_E_ASN1_EOD]: 'CRYPT_E_ASN1_EOD',
  [CRYPT_E_ASN1_BADTAG]: 'CRYPT_E_ASN1_BADTAG',
  [CERTSRV_E_BAD_REQUESTSUBJECT]: 'CERTSRV_E_BAD_REQUESTSUBJECT',
  [HRESULT_INVALID_DATA]: 'HRESULT_FROM_WIN32(ERROR_INVALID_DATA)',
  [DISP_E_MEMBERNOTFOUND]: 'DISP_E_MEMBERNOTFOUND',
  [DISP_E_TYPEMISMATCH]: 'DISP_E_TYPEMISMATCH',
  [DISP_E_UNKNOWNNAME]: 'DISP_E_UNKNOWNNAME',
  [DISP_E_EXCEPTION]: 'DISP_E_EXCEPTION',
  [DISP_E_BADPARAMCOUNT]: 'DISP_E_BADPARAMCOUNT',
  [DISP_E_OVERFLOW]: 'DISP_E_OVERFLOW',
  [DISP_E_BADVARTYPE]: 'DISP_E_BADVARTYPE',
  [DISP_E_PARAMNOTFOUND]: 'DISP_E_PARAMNOTFOUND',
  [DISP_E_PARAMNOTOPTIONAL]: 'DISP_E_PARAMNOTOPTIONAL',
  [E_NOINTERFACE]: 'E_NOINTERFACE',
};

/** The symbolic name of a known HRESULT, else its hex text. */
export function hresultName(hr: number): string {
  return _HRESULT_NAMES[hr >>> 0] ?? formatHResult(hr);
}
