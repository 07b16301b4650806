import type { PropertyValue, ServerExitDataSource } from '@certexit/core';
import { readRegistryValue } from '@certexit/core';
import type { CaCertificateState } from '../ca/ca-certificate-states';
import { caCertificateStates } from '../ca/ca-certificate-states';
import type { CaContext } from '../ca/ca-context';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import type { CaCertificateRow, CertificateRow, RequestRow } from '../store/ca-store';

/**
 * The engine's `ICertServerExit` data: request and certificate rows from the store, CA-scope values from the CA's
 * identity, configuration and CRLs. `createServerExit` from the contract adds the semantics, exactly as the
 * conformance kit's in-memory object does. `now` decides which CA certificates have expired (`CertState.N`).
 */
export function databaseDataSource(
  ca: CaContext,
  moduleRegistryLocation: string,
  now: () => Date = () => new Date(),
  /** The `EventID` of the delivery in flight for a context (the exit outbox's stable event identifier). */
  eventIdOf: (context: number) => string | undefined = () => undefined,
): ServerExitDataSource {
  let caCertificates: Promise<CaCertificateRow[]> | undefined;
  // One callback object serves one Notify: its reads come from one load of each row (a module reading five
  // properties parses the row once, not five times). A retry creates a new object and sees the current state.
  const requests = new Map<number, Promise<RequestRow | undefined>>();
  const certificateRows = new Map<number, Promise<CertificateRow | undefined>>();
  const requestOf = (context: number) => {
    let row = requests.get(context);
    if (!row) {
      row = ca.store.getRequest(context);
      requests.set(context, row);
    }
    return row;
  };
  const certificateOf = (context: number) => {
    let row = certificateRows.get(context);
    if (!row) {
      row = ca.store.getCertificate(context);
      certificateRows.set(context, row);
    }
    return row;
  };
  let caStates: Promise<CaCertificateState[]> | undefined;
  const certificates = () => {
    caCertificates ??= ca.store.listCaCertificates();
    return caCertificates;
  };
  const stateOf = async (certIndex: number) => {
    caStates ??= certificates().then((rows) => caCertificateStates(rows, now()));
    return (await caStates).find((s) => s.certIndex === certIndex);
  };
  const caValue = async (name: string, index: number | undefined): Promise<PropertyValue | undefined> => {
    const all = await certificates();
    const n = index ?? ca.certIndex;
    const cert = all.find((c) => c.certIndex === n);
    const suffix = (i: number) => (i === 0 ? '' : `(${i})`);
    switch (name) {
      case 'CAType':
        return ca.caType;
      case 'SanitizedCAName':
        return ca.sanitizedName;
      case 'SanitizedShortName':
        return ca.shortName;
      case 'MachineDNSName':
        return ca.machineDnsName;
      case 'ModuleRegistryLocation':
        return moduleRegistryLocation;
      case 'fUseDS':
        return readRegistryValue(ca.registry.keyAt(ca.registryPath), CA_REGISTRY_VALUES.UseDS, ca).value;
      case 'fDeltaCRLsDisabled':
        return readRegistryValue(ca.registry.keyAt(ca.registryPath), CA_REGISTRY_VALUES.CRLDeltaPeriodUnits).value === 0
          ? 1
          : 0;
      case 'ConfigDN':
        return ca.configDn;
      case 'DomainDN':
        return ca.domainDn;
      case 'SessionCount':
        return 100;
      case 'CertCount':
        return all.length;
      case 'RawCACertificate':
        return cert?.raw;
      case 'CertState':
        return (await stateOf(n))?.certState;
      case 'CertSuffix':
        return cert && suffix(cert.certIndex);
      case 'CRLIndex':
        return cert?.keyIndex;
      case 'CRLSuffix':
        return cert && suffix(cert.keyIndex);
      case 'CRLState':
        // The newest installed certificate of a key publishes that key's CRLs; older ones defer to it.
        return (await stateOf(n))?.crlState;
      case 'RawCRL':
        return cert && (await ca.store.getLatestCrl(cert.keyIndex, false))?.raw;
      case 'RawDeltaCRL':
        // With delta CRLs disabled there is none (an older one stays stored): HRESULT_FILE_NOT_FOUND, as on AD CS.
        if ((await caValue('fDeltaCRLsDisabled', undefined)) === 1) return undefined;
        return cert && (await ca.store.getLatestCrl(cert.keyIndex, true))?.raw;
      default:
        return undefined;
    }
  };
  return {
    async contextKind(context) {
      if (context === 0) return 'ca';
      return (await requestOf(context)) ? 'request' : undefined;
    },
    async getValue(context, property) {
      const name = property.definition.name;
      switch (property.source) {
        case 'ca':
          if (name === 'EventID') return eventIdOf(context);
          return caValue(name, property.index);
        case 'request': {
          if (name === 'RawCACertificate') return caValue('RawCACertificate', undefined);
          const row = await requestOf(context);
          return row?.[name as keyof typeof row] as PropertyValue | undefined;
        }
        case 'request-name':
          return (await requestOf(context))?.requestName[name];
        case 'request-system':
          return (await requestOf(context))?.system[name];
        case 'certificate': {
          const cert = await certificateOf(context);
          if (!cert) return undefined;
          const direct = cert[name as keyof typeof cert];
          return direct !== undefined && name !== 'values' && name !== 'certificateName'
            ? (direct as PropertyValue)
            : cert.values[name];
        }
        case 'certificate-name':
          return (await certificateOf(context))?.certificateName[name];
      }
    },
    getAttributes(context) {
      return ca.store.getAttributes(context);
    },
    getExtensions(context) {
      return ca.store.getExtensions(context);
    },
  };
}
