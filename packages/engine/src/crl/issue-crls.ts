import { CRLF_DELETE_EXPIRED_CRLS, readRegistryValue } from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import type { CaStoreTransaction } from '../store/ca-store';
import { buildCrl } from './build-crl';
import { crlLocations } from './crl-locations';
import { crlTimes, deltaCrlsEnabled, readCrlScheduleSettings } from './crl-schedule-settings';

/** Progress of a long CRL build: entries encoded so far. */
export interface CrlProgress {
  keyIndex: number;
  isDelta: boolean;
  entries: number;
}

/** One CRL issued: what was stored, and where its files go. */
export interface IssuedCrl {
  keyIndex: number;
  /** The certificate index of the key's newest certificate, which issues the CRL (`%4`, the CA version). */
  certIndex: number;
  crlNumber: number;
  isDelta: boolean;
  /** For a delta: its base CRL's number. */
  deltaOfBase?: number;
  entries: number;
  thisUpdate: Date;
  nextUpdate: Date;
  nextPublish: Date;
  der: Uint8Array;
  /** Local files to write it to. */
  files: string[];
  /** Server-publish locations not written here (LDAP is the directory publisher's), with the reason. */
  skipped: Array<{ location: string; reason: string }>;
  /** Server-publish `ldap:` locations, for the directory publisher. */
  ldap: Array<{ location: string; retry: boolean }>;
}

/** Options of {@link issueCrls}. */
export interface IssueCrlsOptions {
  /** Only delta CRLs (`certutil -crl delta`); a key with no base CRL yet gets its base too. */
  delta?: boolean;
  now: Date;
  onProgress?: (progress: CrlProgress) => void;
}

/**
 * Builds and stores, in the caller's transaction, the CRLs of every CA key that still publishes (`CRLState.N` =
 * `CA_DISP_VALID`): a base CRL and, when delta CRLs are enabled, a delta CRL over it; with `delta`, only the deltas.
 * Base and delta of a key share one CRL number counter, as on AD CS. `CA\CRLFlags` applies:
 * `CRLF_CRLNUMBER_CRITICAL`, `CRLF_PUBLISH_EXPIRED_CERT_CRLS` and `CRLF_DELETE_EXPIRED_CRLS`. Writes no file and
 * raises no event: the caller does both after commit.
 */
export async function issueCrls(
  ca: CaContext,
  tx: CaStoreTransaction,
  options: IssueCrlsOptions,
): Promise<IssuedCrl[]> {
  const settings = readCrlScheduleSettings(ca);
  const deltas = deltaCrlsEnabled(settings);
  // CA\CRLFlags (CRLF_*): what applies to certexit's CRLs is read at each publication.
  const crlFlags = readRegistryValue(ca.registry.keyAt(ca.registryPath), CA_REGISTRY_VALUES.CRLFlags).value!;
  if (options.delta && !deltas) {
    throw new Error(
      `delta CRLs are disabled (${ca.registryPath}\\CRLDeltaPeriodUnits is 0): publish a base CRL, or enable deltas with "setreg CA\\CRLDeltaPeriodUnits 1"`,
    );
  }
  const signers = await ca.crlSigningKeys(options.now);
  if (signers.length === 0) {
    throw new Error(
      `the CA "${ca.sanitizedName}" has no CA certificate that may still publish CRLs (all expired or revoked)`,
    );
  }
  const issued: IssuedCrl[] = [];
  for (const signer of signers) {
    const { keyIndex, certIndex } = signer;
    const latestBase = await ca.store.getLatestCrlInfo(keyIndex, false);
    const latestDelta = await ca.store.getLatestCrlInfo(keyIndex, true);
    // Never a number a database that went back in time handed out before (see `database accept-rollback`).
    let next = Math.max(latestBase?.crlNumber ?? 0, latestDelta?.crlNumber ?? 0, await ca.store.crlNumberFloor()) + 1;
    let base = latestBase && { crlNumber: latestBase.crlNumber, thisUpdate: latestBase.thisUpdate };
    const kinds: Array<'base' | 'delta'> = [];
    if (!options.delta || !latestBase) kinds.push('base');
    if (deltas) kinds.push('delta');
    for (const kind of kinds) {
      const isDelta = kind === 'delta';
      const times = crlTimes(settings, kind, options.now);
      const locations = crlLocations(ca, { certIndex, keyIndex }, isDelta);
      // A base names no delta location while there are no deltas.
      if (!deltas) locations.freshest = [];
      const built = await buildCrl(ca.store, {
        signer,
        keyAlgorithm: ca.keyAlgorithm,
        crlNumber: next,
        ...(isDelta && base && { base }),
        times,
        asOf: options.now,
        locations,
        crlFlags,
        ...(options.onProgress && {
          onProgress: (entries: number) => options.onProgress!({ keyIndex, isDelta, entries }),
        }),
      });
      await tx.addCrl({ keyIndex, crlNumber: next, isDelta, raw: built.der, ...times });
      issued.push({
        keyIndex,
        certIndex,
        crlNumber: next,
        isDelta,
        ...(isDelta && base && { deltaOfBase: base.crlNumber }),
        entries: built.entries,
        ...times,
        der: built.der,
        files: locations.files,
        skipped: locations.skipped,
        ldap: locations.ldap,
      });
      if (!isDelta) base = { crlNumber: next, thisUpdate: times.thisUpdate };
      next++;
    }
  }
  // CRLF_DELETE_EXPIRED_CRLS: the database keeps no CRL that has expired, the newest of each kind aside.
  if (crlFlags & CRLF_DELETE_EXPIRED_CRLS) await tx.deleteExpiredCrls(options.now);
  return issued;
}
