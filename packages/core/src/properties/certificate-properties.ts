import { PROPTYPE_BINARY as B, PROPTYPE_DATE as D, PROPTYPE_LONG as L, PROPTYPE_STRING as S } from '../constants';
import type { PropertyDefinition } from './property-definition';

/**
 * Certificate-table properties, read with `GetCertificateProperty` in a request context. The issued name's
 * properties (`DistinguishedName`, `CommonName`, …) are in {@link NAME_PROPERTIES}.
 */
export const CERTIFICATE_PROPERTIES: readonly PropertyDefinition[] = [
  { name: 'RequestID', type: L, description: 'The request row this certificate belongs to.' },
  { name: 'RawCertificate', type: B, description: 'The issued certificate (DER).' },
  { name: 'CertificateHash', type: S, description: 'SHA-1 thumbprint, hex.' },
  { name: 'CertificateTemplate', type: S, description: 'Template name or OID.' },
  { name: 'EnrollmentFlags', type: L, description: "The template's msPKI-Enrollment-Flag at issuance." },
  { name: 'GeneralFlags', type: L, description: "The template's general flags at issuance." },
  { name: 'PrivatekeyFlags', type: L, description: "The template's msPKI-Private-Key-Flag (header spelling)." },
  { name: 'SerialNumber', type: S, description: 'Serial number, lowercase hex.' },
  { name: 'NotBefore', type: D, description: 'Start of validity.' },
  { name: 'NotAfter', type: D, description: 'End of validity.' },
  { name: 'SubjectKeyIdentifier', type: S, description: 'SKI as hex bytes separated by spaces.' },
  { name: 'RawPublicKey', type: B, description: 'The subjectPublicKey bits.' },
  { name: 'PublicKeyLength', type: L, description: 'Key size in bits.' },
  { name: 'PublicKeyAlgorithm', type: S, description: 'Public key algorithm OID.' },
  { name: 'RawPublicKeyAlgorithmParameters', type: B, description: 'Algorithm parameters (DER).' },
  { name: 'UPN', type: S, description: 'User principal name from the subject alternative name.' },
  { name: 'CertificateType', type: S, obsolete: true, description: 'Obsolete.' },
  { name: 'RawSMIMECapabilities', type: B, obsolete: true, description: 'Obsolete.' },
  { name: 'NameType', type: L, obsolete: true, description: 'Obsolete.' },
];
