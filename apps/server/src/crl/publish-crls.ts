import { EXITEVENT_CRLISSUED } from '@certexit/core';
import type { EngineServices } from '../engine/engine-services';
import type { DeliveryRecord } from '../hosting/exit-dispatcher';
import type { CrlProgress, IssuedCrl } from './issue-crls';
import { issueCrls } from './issue-crls';
import { writeCrlFiles } from './write-crl-files';

/** Options of {@link publishCrls}. */
export interface PublishCrlsOptions {
  /** Only delta CRLs, like `certutil -crl delta`. @default false: base CRLs, each with a fresh delta */
  delta?: boolean;
  /** Progress of long builds, every 100,000 entries. */
  onProgress?: (progress: CrlProgress) => void;
}

/** One published CRL, without its bytes (read `RawCRL.N` / `RawDeltaCRL.N`, or the files, for those). */
export type PublishedCrl = Omit<IssuedCrl, 'der' | 'files'> & {
  /** DER size in bytes. */
  size: number;
  /** The files written. */
  files: string[];
};

/** What {@link publishCrls} did. */
export interface CrlPublication {
  crls: PublishedCrl[];
  /** Files that could not be written (the CRLs are stored all the same; publish again once fixed). */
  failures: Array<{ file: string; error: string }>;
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
export async function publishCrls(engine: EngineServices, options: PublishCrlsOptions = {}): Promise<CrlPublication> {
  const now = engine.now();
  const issued = await engine.ca.store.transaction(async (tx) => {
    const crls = await issueCrls(engine.ca, tx, {
      now,
      ...(options.delta && { delta: true }),
      ...(options.onProgress && { onProgress: options.onProgress }),
    });
    await tx.recordExitEvent(EXITEVENT_CRLISSUED, 0);
    return crls;
  });
  const failures: CrlPublication['failures'] = [];
  const crls = issued.map(({ der, files, ...crl }): PublishedCrl => {
    const written = writeCrlFiles(der, files);
    failures.push(...written.failures);
    return { ...crl, size: der.length, files: written.written };
  });
  return { crls, failures, deliveries: await engine.deliver(EXITEVENT_CRLISSUED, 0) };
}
