/** Extension flags and origins (CertSrv.h). Exactly one origin is present. @see adcs-exit-modules.md §3.5 */
export const EXTENSION_CRITICAL_FLAG = 0x00000001;
/** Recorded in the database but left out of the certificate. */
export const EXTENSION_DISABLE_FLAG = 0x00000002;
export const EXTENSION_DELETE_FLAG = 0x00000004;
/** Admin/policy-settable bits; 0xFF00 is free for custom data, never written into the certificate. */
export const EXTENSION_POLICY_MASK = 0x0000ffff;
export const EXTENSION_ORIGIN_REQUEST = 0x00010000;
export const EXTENSION_ORIGIN_POLICY = 0x00020000;
export const EXTENSION_ORIGIN_ADMIN = 0x00030000;
export const EXTENSION_ORIGIN_SERVER = 0x00040000;
export const EXTENSION_ORIGIN_RENEWALCERT = 0x00050000;
export const EXTENSION_ORIGIN_IMPORTEDCERT = 0x00060000;
export const EXTENSION_ORIGIN_PKCS7 = 0x00070000;
export const EXTENSION_ORIGIN_CMC = 0x00080000;
export const EXTENSION_ORIGIN_CACERT = 0x00090000;
export const EXTENSION_ORIGIN_MASK = 0x000f0000;

/** `EnumerateExtensionsSetup` flag from the header; its meaning is undocumented, accepted and ignored. */
export const ENUMEXT_OBJECTID = 0x1;
