import { createHash } from 'node:crypto';

/**
 * The advisory locks of a CA's schema: PostgreSQL's two-key form, the first key derived from the schema (several
 * CAs can share a database), the second naming what is locked.
 */
export const POSTGRES_LOCKS = {
  /** Held while the schema is migrated (a session lock: two nodes starting together migrate once). */
  migrate: 0,
  /** Held for the rest of a transaction that issues CRLs (`lockCrlIssuance`). */
  crlIssuance: 1,
  /** Held by the node that runs the CRL schedule, for as long as its session lives. */
  crlSchedule: 2,
} as const;

/** The first advisory-lock key of a schema: 32 bits of SHA-256 over its name. */
export function schemaLockKey(schema: string): number {
  return createHash('sha256').update(`certexit:${schema}`).digest().readInt32BE(0);
}

/** The LISTEN/NOTIFY channel on which a schema's outbox announces new rows. */
export function outboxChannel(schema: string): string {
  return `certexit_outbox_${schema}`.slice(0, 63);
}

/** The database clock, epoch milliseconds: leases are measured with one clock for every node. */
export const DB_NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
