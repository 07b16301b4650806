import { PROPTYPE_BINARY as B, PROPTYPE_LONG as L, PROPTYPE_STRING as S } from '../constants';
import type { PropertyDefinition } from './property-definition';

/**
 * CA-scope ("system") properties, read with `GetCertificateProperty`; always at context 0, and also readable in a
 * request context (e-mail templates use `SanitizedCAName` for request events). Indexed ones take `.N` (a CA
 * certificate or CRL index); without it they mean the current CA certificate.
 */
export const CA_PROPERTIES: readonly PropertyDefinition[] = [
  { name: 'CAType', type: L, description: 'ENUM_* CA type.' },
  { name: 'SanitizedCAName', type: S, description: 'The CA name after sanitizing (%3).' },
  { name: 'SanitizedShortName', type: S, description: 'The sanitized name cut for a DS CN (%7).' },
  { name: 'MachineDNSName', type: S, description: 'FQDN of the CA host (%1).' },
  { name: 'ModuleRegistryLocation', type: S, description: "The calling module's configuration key." },
  { name: 'fUseDS', type: L, description: '1 if the CA uses the directory.' },
  { name: 'fDeltaCRLsDisabled', type: L, description: '1 if delta CRLs are off.' },
  { name: 'fServerUpgraded', type: L, description: '1 if the CA was upgraded in place.' },
  { name: 'ConfigDN', type: S, description: 'The configuration partition DN (%6).' },
  { name: 'DomainDN', type: S, description: 'The domain DN (%5).' },
  { name: 'LogLevel', type: L, description: 'The engine log level.' },
  { name: 'SessionCount', type: L, description: 'Database session pool size (DBSessionCount).' },
  { name: 'TemplateChangeSequenceNumber', type: L, description: 'Changes when templates change.' },
  { name: 'VolatileMode', type: L, description: '1 when the database is volatile.' },
  { name: 'LocalizedTimePeriodUnits', type: S, indexed: true, description: 'Localized period names.' },
  { name: 'CertCount', type: L, description: 'Number of CA certificates (renewals + 1).' },
  { name: 'RawCACertificate', type: B, indexed: true, description: 'CA certificate N (DER).' },
  { name: 'CertState', type: L, indexed: true, description: 'CA_DISP_* state of CA certificate N.' },
  { name: 'CertSuffix', type: S, indexed: true, description: '"" for index 0, else "(N)".' },
  { name: 'RawCRL', type: B, indexed: true, description: 'Current base CRL of index N (DER).' },
  { name: 'RawDeltaCRL', type: B, indexed: true, description: 'Current delta CRL of index N (DER).' },
  { name: 'CRLIndex', type: L, indexed: true, description: 'CRL/key index used by CA certificate N.' },
  { name: 'CRLState', type: L, indexed: true, description: 'CA_DISP_* CRL state of CA certificate N.' },
  { name: 'CRLSuffix', type: S, indexed: true, description: '"" or "(N)".' },
  {
    name: 'EventID',
    type: S,
    description:
      'certexit: the stable identifier of the notification being delivered (`<SanitizedCAName>/<n>`), the same on every retry and for every module, in the context of that Notify; empty outside one. Targets deduplicate by it.',
  },
];

/** Request-context system properties, read with `GetCertificateProperty` in a request context. */
export const REQUEST_SYSTEM_PROPERTIES: readonly PropertyDefinition[] = [
  { name: 'RequesterCAAccess', type: L, description: '1 if the requester is a CA officer or admin.' },
  { name: 'UserDN', type: S, description: "The requester's directory DN." },
  { name: 'KeyArchived', type: L, description: '1 if the private key was archived.' },
  { name: 'RequesterSAMName', type: S, description: "Requester's sAMAccountName (set by policy)." },
  { name: 'RequesterUPN', type: S, description: "Requester's UPN (set by policy)." },
  { name: 'RequesterDN', type: S, description: "Requester's DN (set by policy)." },
  { name: 'DCName', type: S, description: 'The domain controller used (set by policy).' },
];
