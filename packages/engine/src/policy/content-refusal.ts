import {
  CERT_E_CRITICAL,
  CERT_E_INVALID_NAME,
  CERTSRV_E_BAD_REQUESTSUBJECT,
  CERTSRV_E_ENCODING_LENGTH,
  CRYPT_E_ASN1_CORRUPT,
  CRYPT_E_INVALID_IA5_STRING,
  CRYPT_E_INVALID_NUMERIC_STRING,
  CRYPT_E_INVALID_PRINTABLE_STRING,
  CRYPT_E_INVALID_X500_STRING,
  CRYPT_E_NOT_CHAR_STRING,
} from '@certexit/core';
import type { CertificateContentError, CertificateContentFault } from '@certexit/x509';
import type { PolicyRefusal } from './policy-refusal';
import { deniedBy, failedWith } from './policy-refusal';

const _STRING_FAULTS: Partial<Record<CertificateContentFault, number>> = {
  'invalid-utf8-string': CRYPT_E_INVALID_X500_STRING,
  'invalid-bmp-string': CRYPT_E_INVALID_X500_STRING,
  'invalid-universal-string': CRYPT_E_INVALID_X500_STRING,
  'invalid-visible-string': CRYPT_E_INVALID_X500_STRING,
  'invalid-printable-string': CRYPT_E_INVALID_PRINTABLE_STRING,
  'invalid-ia5-string': CRYPT_E_INVALID_IA5_STRING,
  'invalid-numeric-string': CRYPT_E_INVALID_NUMERIC_STRING,
  'not-a-string': CRYPT_E_NOT_CHAR_STRING,
};

/**
 * The row a certificate refused before signing gets: DER strict parsers refuse fails the request
 * (`CRYPT_E_ASN1_CORRUPT`, "Error Parsing Request"); everything else is denied with the HRESULT that names it:
 * `CRYPT_E_INVALID_*_STRING` / `CRYPT_E_NOT_CHAR_STRING` for a value invalid for its string type,
 * `CERTSRV_E_BAD_REQUESTSUBJECT` for a subject with control characters, empty values or values over their bound,
 * `CERT_E_INVALID_NAME` for a malformed or wildcard-abusing alternative name, `CERT_E_CRITICAL` for an unknown
 * critical extension and `CERTSRV_E_ENCODING_LENGTH` for an oversized certificate.
 */
export function refusalOfContent(error: CertificateContentError): PolicyRefusal {
  if (error.fault === 'malformed') return failedWith(CRYPT_E_ASN1_CORRUPT, `Error Parsing Request: ${error.message}`);
  const stringFault = _STRING_FAULTS[error.fault];
  if (stringFault !== undefined) return deniedBy(stringFault, error.message);
  switch (error.fault) {
    case 'unknown-critical-extension':
      return deniedBy(CERT_E_CRITICAL, error.message);
    case 'too-large':
      return deniedBy(CERTSRV_E_ENCODING_LENGTH, error.message);
    case 'invalid-name':
    case 'wildcard':
      return deniedBy(CERT_E_INVALID_NAME, error.message);
    default:
      return deniedBy(error.part === 'subject' ? CERTSRV_E_BAD_REQUESTSUBJECT : CERT_E_INVALID_NAME, error.message);
  }
}
