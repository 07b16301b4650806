import { PROPTYPE_BINARY as B, PROPTYPE_DATE as D, PROPTYPE_LONG as L, PROPTYPE_STRING as S } from '../constants';
import type { PropertyDefinition } from './property-definition';

/**
 * Request-table properties, read with `GetRequestProperty` (optionally prefixed `Request.`).
 * @see adcs-exit-modules.md §3.4
 */
export const REQUEST_PROPERTIES: readonly PropertyDefinition[] = [
  { name: 'RequestID', type: L, description: 'The request row id.' },
  { name: 'RawRequest', type: B, description: 'The request as submitted (DER).' },
  { name: 'RawArchivedKey', type: B, description: 'The archived private key blob, if key archival was used.' },
  { name: 'ArchivedKey', type: S, description: 'Constructed text of the archived key.' },
  { name: 'KeyRecoveryHashes', type: S, multiValued: true, description: 'Hashes of the KRA certificates.' },
  { name: 'RawOldCertificate', type: B, description: 'The certificate being renewed.' },
  { name: 'RequestAttributes', type: S, description: 'The raw name:value attribute lines (may be truncated).' },
  { name: 'RequestType', type: L, description: 'A CR_IN_* format OR-ed with CR_IN_* flags.' },
  { name: 'RequestFlags', type: L, description: 'CR_FLG_* flags.' },
  { name: 'StatusCode', type: L, description: 'The HRESULT of the last disposition.' },
  { name: 'Disposition', type: L, description: 'DB_DISP_* state of the request.' },
  { name: 'DispositionMessage', type: S, description: 'Text explaining the disposition.' },
  { name: 'SubmittedWhen', type: D, description: 'When the request arrived.' },
  { name: 'ResolvedWhen', type: D, description: 'When it was issued, denied or failed.' },
  { name: 'RevokedWhen', type: D, description: 'When the revocation was recorded.' },
  { name: 'RevokedEffectiveWhen', type: D, description: 'When the revocation takes effect.' },
  { name: 'RevokedReason', type: L, description: 'CRL reason code (0-6, 8).' },
  { name: 'RequesterName', type: S, description: 'DOMAIN\\user of the requester.' },
  { name: 'CallerName', type: S, description: 'DOMAIN\\user of the caller (differs when enrolling on behalf).' },
  { name: 'SignerPolicies', type: S, multiValued: true, description: 'Issuance policy OIDs of the signer.' },
  { name: 'SignerApplicationPolicies', type: S, multiValued: true, description: 'Application policy OIDs.' },
  { name: 'Officer', type: S, description: 'The CA officer who resolved the request.' },
  { name: 'PublishExpiredCertInCRL', type: L, description: 'Keep the expired revoked certificate on CRLs.' },
  { name: 'RequesterNameFromOldCertificate', type: S, description: 'Requester named by the renewed certificate.' },
  { name: 'AttestationChallenge', type: B, description: 'Key attestation challenge.' },
  { name: 'EndorsementKeyHash', type: S, description: 'TPM endorsement key hash.' },
  { name: 'EndorsementCertificateHash', type: S, description: 'TPM endorsement certificate hash.' },
  { name: 'RawPrecertificate', type: B, description: 'The CT precertificate, if any.' },
  { name: 'CRLPartitionIndex', type: L, description: 'The CRL partition of the certificate.' },
  { name: 'LinterCertificate', type: B, description: 'The certificate given to the linter (newer builds).' },
  { name: 'RawCACertificate', type: B, description: 'The certificate of the CA that handled the request.' },
];
