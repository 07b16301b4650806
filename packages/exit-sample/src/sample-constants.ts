import {
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
} from '@certexit/core';

/** The sample's ProgID (certxsam.idl: `CertAuthority_Sample.Exit`). */
export const SAMPLE_PROGID = 'CertAuthority_Sample.Exit';

/** Its manage module's ProgID (`CertAuthority_Sample.ExitManage`). */
export const SAMPLE_MANAGE_PROGID = 'CertAuthority_Sample.ExitManage';

/** What `GetDescription` returns. */
export const SAMPLE_DESCRIPTION = 'Sample Exit Module';

/**
 * exit.cpp `Initialize`: DENIED | ISSUED | PENDING | RETRIEVEPENDING | REVOKED | CRLISSUED | SHUTDOWN | CERTIMPORTED,
 * `0x27F`.
 */
export const SAMPLE_EVENT_MASK =
  EXITEVENT_CERTDENIED |
  EXITEVENT_CERTISSUED |
  EXITEVENT_CERTPENDING |
  EXITEVENT_CERTRETRIEVEPENDING |
  EXITEVENT_CERTREVOKED |
  EXITEVENT_CRLISSUED |
  EXITEVENT_SHUTDOWN |
  EXITEVENT_CERTIMPORTED;

/** module.cpp: the strings `ICertManageModule::GetProperty` answers, as the SDK sample has them. */
export const SAMPLE_MANAGE_STRINGS = {
  name: 'Sample/Test Exit Module',
  description: 'Sample Exit Module',
  copyright: '(c)1999 Microsoft',
  fileVersion: 'v 1.0',
  productVersion: 'v 5.00',
} as const;

/** REG_DWORD `EXITPUB_*` flags, as the default module's: only `EXITPUB_FILE` (1) matters here. Default 0. */
export const SAMPLE_CONFIG_PUBLISH_CERT_FLAGS = 'PublishCertFlags';

/**
 * REG_SZ, certexit's own: the folder for `<RequestID>.cer` (the sample's `%SystemRoot%\System32\CertSrv\CertEnroll`).
 * Default: the CA's CertEnroll folder, when the host says where it is.
 */
export const SAMPLE_CONFIG_CERT_ENROLL_DIRECTORY = 'CertEnrollDirectory';

/**
 * REG_SZ, certexit's own: where the CRL loop copies each CRL it reads (the sample leaves publishing as a stub). Unset:
 * the CRLs are read and logged only, as in the sample.
 */
export const SAMPLE_CONFIG_CRL_COPY_DIRECTORY = 'CrlCopyDirectory';

/** The request attribute that asks for file publication (`wszPROPEXITCERTFILE`). Its value is ignored, as in the sample. */
export const CERT_FILE_ATTRIBUTE = 'CertFile';
