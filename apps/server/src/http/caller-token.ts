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

/**
 * Compares a presented token with a stored hash in constant time (for equal-length digests, which sha256 always
 * gives). A token of the wrong shape never matches.
 */
export function callerTokenMatches(token: string, stored: string): boolean {
  const expected = _HASH.exec(stored)?.[1];
  if (!expected || !_TOKEN.test(token)) return false;
  const presented = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(presented, Buffer.from(expected, 'hex'));
}
