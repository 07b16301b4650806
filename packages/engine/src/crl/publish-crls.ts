import { EXITEVENT_CRLISSUED } from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import type { DirectoryRetryQueue } from '../directory/directory-retry-queue';
import { publishCaCertificateToDirectory } from '../directory/publish-ca-certificate-to-directory';
import type { DirectoryPublicationResult } from '../directory/publish-to-ca-directory';
import { publishToCaDirectory } from '../directory/publish-to-ca-directory';
import type { DeliveryRecord } from '../hosting/delivery-record';
import type { CrlProgress, IssuedCrl } from './issue-crls';
import { issueCrls } from './issue-crls';
import { writeCrlFiles } from './write-crl-files';

/**
 * What publishing CRLs needs of the engine (its `EngineServices` has it): the CA, its clock, and delivery of the
 * `EXITEVENT_CRLISSUED` committed with the CRLs.
 */
export interface CrlPublishingServices {
  readonly ca: CaContext;
  now(): Date;
  /** Delivers an exit event that was committed with its state change. Never rejects. */
  deliver(event: number, context: number): Promise<DeliveryRecord[]>;
}

/** Options of {@link publishCrls}. */
export interface PublishCrlsOptions {
  /** Only delta CRLs, like `certutil -crl delta`. @default false: base CRLs, each with a fresh delta */
  delta?: boolean;
  /** Progress of long builds, every 100,000 entries. */
  onProgress?: (progress: CrlProgress) => void;
  /**
   * Where failed LDAP publications at `CSURL_PUBLISHRETRY` locations wait; what waits there is published again
   * first. The CRL schedule passes its own. @default none: failures are only reported
   */
  retryQueue?: DirectoryRetryQueue;
}

/** One published CRL, without its bytes (read `RawCRL.N` / `RawDeltaCRL.N`, or the files, for those). */
export type PublishedCrl = Omit<IssuedCrl, 'der' | 'files' | 'ldap'> & {
  /** DER size in bytes. */
  size: number;
  /** The files written. */
  files: string[];
  /** The LDAP locations written (when `CA\Directory` names servers). */
  directory: Array<{ location: string; dn: string; status: string; server: string }>;
};

/** What {@link publishCrls} did. */
export interface CrlPublication {
  crls: PublishedCrl[];
  /** Files that could not be written (the CRLs are stored all the same; publish again once fixed). */
  failures: Array<{ file: string; error: string }>;
  /**
   * LDAP publications that failed (CRLs, and the CA certificate's AIA locations), with whether they are retried on
   * the next schedule round (`CSURL_PUBLISHRETRY` and a retry queue).
   */
  directoryFailures: Array<{ location: string; error: string; willRetry: boolean }>;
  /** The CA certificate's LDAP AIA locations, checked at each publication. */
  caCertificate: Array<{ location: string; dn: string; status: string; server: string }>;
  /** What each exit module made of `EXITEVENT_CRLISSUED`. */
  deliveries: DeliveryRecord[];
}

/**
 * Publishes CRLs (`certutil -crl`, `ICertAdmin2::PublishCRLs`): builds the base (and delta) CRL of every publishing
 * CA key from the database, stores them and records `EXITEVENT_CRLISSUED` (context 0) in one transaction; after
 * commit writes each to its local `CSURL_SERVERPUBLISH` / `CSURL_SERVERPUBLISHDELTA` locations (temporary file,
 * then rename), and delivers the event once for the whole call.
 * @throws when delta CRLs are asked for but disabled, or the configuration is invalid; nothing is stored then
 */
export async function publishCrls(
  engine: CrlPublishingServices,
  options: PublishCrlsOptions = {},
): Promise<CrlPublication> {
  const now = engine.now();
  const issued = await engine.ca.store.transaction(async (tx) => {
    // One node at a time: the CRL numbers read next are the latest any node committed.
    await tx.lockCrlIssuance();
    const crls = await issueCrls(engine.ca, tx, {
      now,
      ...(options.delta && { delta: true }),
      ...(options.onProgress && { onProgress: options.onProgress }),
    });
    await tx.recordExitEvent(EXITEVENT_CRLISSUED, 0);
    return crls;
  });
  const failures: CrlPublication['failures'] = [];
  const crls = issued.map(({ der, files, ldap: _ldap, ...crl }): PublishedCrl => {
    const written = writeCrlFiles(der, files, engine.ca.folder.root);
    failures.push(...written.failures);
    return { ...crl, size: der.length, files: written.written, directory: [] };
  });
  const directory = await _publishToDirectory(engine, issued, crls, options.retryQueue);
  return { crls, failures, ...directory, deliveries: await engine.deliver(EXITEVENT_CRLISSUED, 0) };
}

/**
 * After the files: the CRLs to their `ldap:` locations, the CA certificate to its AIA locations (added when
 * missing, so a failed or never-made AIA publication heals), and what waits in the retry queue; newer CRLs replace
 * waiting ones for the same location. Nothing here throws: the CRLs are stored and announced whatever the directory
 * does.
 */
async function _publishToDirectory(
  engine: CrlPublishingServices,
  issued: readonly IssuedCrl[],
  crls: PublishedCrl[],
  queue: DirectoryRetryQueue | undefined,
): Promise<Pick<CrlPublication, 'directoryFailures' | 'caCertificate'>> {
  const { ca } = engine;
  const items = issued.flatMap((crl) =>
    crl.ldap.map((l) => ({ location: l.location, der: crl.der, mode: 'replace' as const, retry: l.retry })),
  );
  const fresh = new Set(items.map((i) => i.location));
  const waiting = (queue?.items() ?? []).filter((i) => !fresh.has(i.location));
  const all = [...waiting, ...items];
  const directoryFailures: CrlPublication['directoryFailures'] = [];
  let results: DirectoryPublicationResult[] | undefined;
  let caCertificate: DirectoryPublicationResult[] | undefined;
  try {
    results = await publishToCaDirectory(ca, all);
    caCertificate = await publishCaCertificateToDirectory(ca);
  } catch (error) {
    // A broken CA\Directory configuration: every LDAP location failed, for that reason.
    const reason = error instanceof Error ? error.message : String(error);
    results = all.map((i) => ({ location: i.location, error: reason }));
  }
  if (results === undefined) return { directoryFailures, caCertificate: [] };
  queue?.record(all, results);
  for (const result of results) {
    if ('status' in result) {
      const crl = crls.find((_crl, i) => issued[i]!.ldap.some((l) => l.location === result.location));
      crl?.directory.push(result);
      if (crl) crl.skipped = crl.skipped.filter((s) => s.location !== result.location);
    } else {
      const retry = all.find((i) => i.location === result.location)?.retry === true;
      directoryFailures.push({ location: result.location, error: result.error, willRetry: retry && !!queue });
    }
  }
  const written: CrlPublication['caCertificate'] = [];
  for (const result of caCertificate ?? []) {
    if ('status' in result) written.push(result);
    else directoryFailures.push({ location: result.location, error: result.error, willRetry: false });
  }
  return { directoryFailures, caCertificate: written };
}
