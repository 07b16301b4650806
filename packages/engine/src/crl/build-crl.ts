import { CRLF_CRLNUMBER_CRITICAL, CRLF_PUBLISH_EXPIRED_CERT_CRLS } from '@certexit/core';
import type { KeyAlgorithmName, X509Extension } from '@certexit/x509';
import {
  CrlEncoder,
  hexToBytes,
  issuingDistributionPoint,
  keyIdentifierOf,
  publishedCrlLocations,
} from '@certexit/x509';
import type { CaSigningKey } from '../ca/ca-context';
import type { CaStore } from '../store/ca-store';
import type { CrlLocations } from './crl-locations';
import type { CrlTimes } from './crl-schedule-settings';

/** How often a long build reports progress. */
export const CRL_PROGRESS_INTERVAL = 100_000;

/** Input of {@link buildCrl}. */
export interface BuildCrlInput {
  signer: CaSigningKey;
  keyAlgorithm: KeyAlgorithmName;
  crlNumber: number;
  /** For a delta CRL: its base's number and thisUpdate (entries changed after it are listed). */
  base?: { crlNumber: number; thisUpdate: Date };
  times: CrlTimes;
  /** The build time: which revocations are effective and which certificates have expired. */
  asOf: Date;
  locations: CrlLocations;
  /** Called every {@link CRL_PROGRESS_INTERVAL} entries with the count so far. */
  onProgress?: (entries: number) => void;
  /** `CA\CRLFlags`: `CRLF_CRLNUMBER_CRITICAL` and `CRLF_PUBLISH_EXPIRED_CERT_CRLS` apply here. */
  crlFlags?: number;
}

/**
 * Builds and signs one base or delta CRL of a CA key from the database, streaming the entries batch by batch
 * into the encoder. Extensions: AKI, CA version (`V<certIndex>.<keyIndex>` of the key's newest certificate), CRL
 * number, Next CRL Publish, then the delta CRL indicator (delta) or Freshest CRL (base, when the list has
 * `CSURL_ADDTOFRESHESTCRL` entries), the Issuing Distribution Point (`CSURL_ADDTOIDP`) and Published CRL Locations
 * (`CSURL_ADDTOCRLCDP`). Holds carry certificateHold; in a delta, released holds carry removeFromCRL. Certificates
 * expired by then drop off unless `CRLF_PUBLISH_EXPIRED_CERT_CRLS` (or their request's `PublishExpiredCertInCRL`)
 * keeps them; `CRLF_CRLNUMBER_CRITICAL` marks the CRL number critical.
 */
export async function buildCrl(store: CaStore, input: BuildCrlInput): Promise<{ der: Uint8Array; entries: number }> {
  const { signer, locations } = input;
  const extensions: X509Extension[] = [];
  if (locations.issuingDistributionPoint.length > 0) {
    extensions.push(issuingDistributionPoint(locations.issuingDistributionPoint));
  }
  if (locations.publishedLocations.length > 0) extensions.push(publishedCrlLocations(locations.publishedLocations));
  // A base is sized once from the count of revoked rows; a delta is small and grows if it must.
  const expected = input.base ? 0 : await store.estimateRevocations(signer.keyIndex);
  const encoder = new CrlEncoder(
    {
      issuerName: signer.certificate.subjectDer,
      issuerKey: signer.key,
      keyAlgorithm: input.keyAlgorithm,
      authorityKeyId: signer.certificate.subjectKeyIdentifier
        ? hexToBytes(signer.certificate.subjectKeyIdentifier)
        : await keyIdentifierOf(signer.certificate.subjectPublicKeyInfo),
      crlNumber: input.crlNumber,
      thisUpdate: input.times.thisUpdate,
      nextUpdate: input.times.nextUpdate,
      nextCrlPublish: input.times.nextPublish,
      caVersion: { certIndex: signer.certIndex, keyIndex: signer.keyIndex },
      crlNumberCritical: ((input.crlFlags ?? 0) & CRLF_CRLNUMBER_CRITICAL) !== 0,
      ...(input.base ? { deltaOfBase: input.base.crlNumber } : { freshestCrlUrls: locations.freshest }),
      extensions,
    },
    expected,
  );
  let reported = 0;
  for await (const batch of store.revocations({
    keyIndex: signer.keyIndex,
    asOf: input.asOf,
    ...(input.base && { changedAfter: input.base.thisUpdate }),
    includeExpired: ((input.crlFlags ?? 0) & CRLF_PUBLISH_EXPIRED_CERT_CRLS) !== 0,
  })) {
    const { serials, serialEnds, effectiveWhen, reasons } = batch;
    let start = 0;
    for (let i = 0; i < batch.count; i++) {
      const end = serialEnds[i]!;
      encoder.addEntry(serials, start, end, effectiveWhen[i]!, reasons[i]!);
      start = end;
    }
    if (input.onProgress && encoder.entryCount - reported >= CRL_PROGRESS_INTERVAL) {
      reported = encoder.entryCount - (encoder.entryCount % CRL_PROGRESS_INTERVAL);
      input.onProgress(encoder.entryCount);
    }
  }
  const entries = encoder.entryCount;
  return { der: await encoder.finish(), entries };
}
