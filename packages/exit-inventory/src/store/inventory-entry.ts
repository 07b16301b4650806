/** What the inventory knows about one certificate: its latest state, upserted by serial number. */
export interface InventoryEntry {
  /** Hex, as the CA stores it (lower case); the key of the inventory. */
  readonly serialNumber: string;
  /** The CA name `Initialize` received. */
  readonly ca: string;
  readonly requestId?: number;
  /** `DOMAIN\user` of the requester. */
  readonly requester?: string;
  /** The template name or OID. */
  readonly template?: string;
  /** The issued subject. */
  readonly subject?: string;
  /** ISO 8601 in UTC. */
  readonly notBefore?: string;
  /** ISO 8601 in UTC. */
  readonly notAfter?: string;
  /** SHA-1 thumbprint, hex. */
  readonly thumbprint?: string;
  /** `issued` (valid, or released from hold) or `revoked`. */
  readonly status: InventoryStatus;
  /** CRL reason code of a revoked certificate. */
  readonly revokedReason?: number;
  /** ISO 8601 in UTC. */
  readonly revokedWhen?: string;
  /** The event that last changed the entry. */
  readonly lastEvent: InventoryEntryEvent;
  /** Its EventID (absent from hosts without an outbox). */
  readonly lastEventId?: string;
  /** When the inventory last changed the entry, ISO 8601 in UTC. */
  readonly updatedAt: string;
}

export type InventoryStatus = 'issued' | 'revoked';

/** The events that put a certificate into the inventory or change it. */
export type InventoryEntryEvent = 'issued' | 'retrieved' | 'imported' | 'revoked' | 'unrevoked';

/** One page of an export: the entries changed after a cursor, oldest change first. */
export interface InventoryExport {
  /** The entries, each in its latest state (an entry changed twice since the cursor appears once). */
  readonly certificates: readonly InventoryEntry[];
  /**
   * Pass it as `since` next time to get only what changed after this page. Opaque to callers (today the change
   * sequence number as a decimal string); the same as the one passed in when nothing changed.
   */
  readonly cursor: string;
  /** True when a `limit` cut the page short: ask again with `cursor`. */
  readonly more: boolean;
}
