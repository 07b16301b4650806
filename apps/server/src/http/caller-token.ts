import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What every caller token starts with, so a leaked one is easy to recognise and search for. */
export const CALLER_TOKEN_PREFIX = 'cxt_';

const _TOKEN = /^cxt_[A-Za-z0-9_-]{43}$/;
const _HASH = /^sha256:([0-9a-f]{64})$/;

/**
 * A new bearer token: 256 random bits, base64url, with a recognisable prefix. It is shown once; only its
 * {@link hashCallerToken hash} is kept.
 */
export function newCallerToken(): string {
  return `${CALLER_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * The stored form of a token: `sha256:<hex>`. A 256-bit random secret cannot be guessed, so a fast hash is enough
 * (a slow KDF such as scrypt only helps low-entropy passwords) and keeps every API call cheap.
 */
export function hashCallerToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/** True when `stored` is a hash this module can compare against. */
export function isCallerTokenHash(stored: string): boolean {
  return _HASH.test(stored);
}

/** The SHA-256 of a presented token, or `undefined` for one of the wrong shape (which never matches). */
export function presentedTokenDigest(token: string): Buffer | undefined {
  return _TOKEN.test(token) ? createHash('sha256').update(token, 'utf8').digest() : undefined;
}

/** The digest a stored hash (`sha256:<hex>`) holds, or `undefined` when it is not one. */
export function storedTokenDigest(stored: string): Buffer | undefined {
  const hex = _HASH.exec(stored)?.[1];
  return hex === undefined ? undefined : Buffer.from(hex, 'hex');
}

/**
 * Compares a presented token's digest with a stored one in constant time (both are 32 bytes: SHA-256 digests).
 * The presented token is hashed once per request, however many callers it is compared with.
 */
export function tokenDigestsMatch(presented: Buffer | undefined, stored: Buffer | undefined): boolean {
  return presented !== undefined && stored?.length === presented.length && timingSafeEqual(presented, stored);
}

/** Compares a presented token with a stored hash in constant time. A token of the wrong shape never matches. */
export function callerTokenMatches(token: string, stored: string): boolean {
  return tokenDigestsMatch(presentedTokenDigest(token), storedTokenDigest(stored));
}
