/** Which revocation entries a CRL of one CA key lists. */
export interface RevocationQuery {
  /** The CRL/key index (`CRLIndex.N`): only certificates signed with that CA key. */
  keyIndex: number;
  /**
   * The CRL's build time. Revocations take part once effective at this time (`RevokedEffectiveWhen <= asOf`),
   * and certificates expired by then drop off unless their request has `PublishExpiredCertInCRL`.
   */
  asOf: Date;
  /**
   * For a delta CRL: the base CRL's thisUpdate. Only entries changed after it are listed, revocations and hold
   * releases (reason 8, removeFromCRL) alike. Absent for a base CRL, which lists every revoked certificate and no
   * released one.
   */
  changedAfter?: Date;
  /** Keep certificates that expired before `asOf` on the list (`CRLF_PUBLISH_EXPIRED_CERT_CRLS`). */
  includeExpired?: boolean;
}

/**
 * A batch of CRL entries in columnar form, so that a million revocations never become a million objects: the
 * store fills typed arrays and the CRL encoder reads them straight into the DER.
 */
export interface RevocationBatch {
  readonly count: number;
  /** Serial numbers as INTEGER content octets, back to back; entry `i` ends at `serialEnds[i]`. */
  readonly serials: Uint8Array;
  readonly serialEnds: Uint32Array;
  /** `RevokedEffectiveWhen` of each entry, epoch milliseconds: the CRL entry's revocationDate. */
  readonly effectiveWhen: Float64Array;
  /** `RevokedReason` of each entry; 8 (removeFromCRL) only in delta results. */
  readonly reasons: Uint8Array;
}
