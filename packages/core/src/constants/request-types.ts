/** `RequestType`: a format in 0xFF00, flags above it, encoding in 0xFF (CertCli.h `CR_IN_*`). @see adcs-exit-modules.md §3.6 */
export const CR_IN_BASE64HEADER = 0x0;
export const CR_IN_BASE64 = 0x1;
export const CR_IN_BINARY = 0x2;
export const CR_IN_ENCODEANY = 0xff;
export const CR_IN_ENCODEMASK = 0xff;
export const CR_IN_FORMATANY = 0x0;
export const CR_IN_PKCS10 = 0x100;
export const CR_IN_KEYGEN = 0x200;
export const CR_IN_PKCS7 = 0x300;
export const CR_IN_CMC = 0x400;
export const CR_IN_CHALLENGERESPONSE = 0x500;
export const CR_IN_SIGNEDCERTIFICATETIMESTAMPLIST = 0x600;
export const CR_IN_FORMATMASK = 0xff00;
export const CR_IN_SCEP = 0x10000;
export const CR_IN_RPC = 0x20000;
export const CR_IN_HTTP = 0x30000;
export const CR_IN_FULLRESPONSE = 0x40000;
export const CR_IN_CRLS = 0x80000;
export const CR_IN_MACHINE = 0x100000;
export const CR_IN_ROBO = 0x200000;
export const CR_IN_CLIENTIDNONE = 0x400000;
export const CR_IN_CONNECTONLY = 0x800000;
export const CR_IN_RETURNCHALLENGE = 0x1000000;
export const CR_IN_SCEPPOST = 0x2000000;
export const CR_IN_CERTIFICATETRANSPARENCY = 0x4000000;
export const CR_IN_PRESIGN = 0x8000000;
/** The flags a client may set (the header's OR of encoding, RPC, machine, client-ID, connect-only and challenge). */
export const CR_IN_CLIENTFLAGSMASK =
  CR_IN_ENCODEMASK | CR_IN_RPC | CR_IN_MACHINE | CR_IN_CLIENTIDNONE | CR_IN_CONNECTONLY | CR_IN_RETURNCHALLENGE;

/** `RequestFlags` (CR_FLG_*). */
export const CR_FLG_FORCETELETEX = 0x1;
export const CR_FLG_RENEWAL = 0x2;
export const CR_FLG_FORCEUTF8 = 0x4;
export const CR_FLG_CAXCHGCERT = 0x8;
export const CR_FLG_ENROLLONBEHALFOF = 0x10;
export const CR_FLG_SUBJECTUNMODIFIED = 0x20;
export const CR_FLG_VALIDENCRYPTEDKEYHASH = 0x40;
export const CR_FLG_CACROSSCERT = 0x80;
export const CR_FLG_ENFORCEUTF8 = 0x100;
export const CR_FLG_DEFINEDCACERT = 0x200;
export const CR_FLG_CHALLENGEPENDING = 0x400;
export const CR_FLG_CHALLENGESATISFIED = 0x800;
export const CR_FLG_TRUSTONUSE = 0x1000;
export const CR_FLG_TRUSTEKCERT = 0x2000;
export const CR_FLG_TRUSTEKKEY = 0x4000;
/** Set by the engine on a request whose publication failed. Kept unsigned to match the header. */
export const CR_FLG_PUBLISHERROR = 0x80000000;
