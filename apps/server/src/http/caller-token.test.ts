import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callerTokenMatches, hashCallerToken, isCallerTokenHash, newCallerToken } from './caller-token';

describe('caller tokens', () => {
  it('are 256 random bits with a recognisable prefix, never twice the same', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => newCallerToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(token).toMatch(/^cxt_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    }
  });

  it('are stored as a sha256 hash that matches only the token itself', () => {
    const token = newCallerToken();
    const stored = hashCallerToken(token);
    expect(stored).toBe(`sha256:${createHash('sha256').update(token).digest('hex')}`);
    expect(isCallerTokenHash(stored)).toBe(true);
    expect(callerTokenMatches(token, stored)).toBe(true);
    expect(callerTokenMatches(newCallerToken(), stored)).toBe(false);
    expect(callerTokenMatches(`${token}x`, stored)).toBe(false);
    expect(callerTokenMatches(token.toUpperCase(), stored)).toBe(false);
  });

  it('never match a malformed hash or a token of the wrong shape', () => {
    const token = newCallerToken();
    expect(callerTokenMatches(token, 'sha256:abc')).toBe(false);
    expect(callerTokenMatches(token, token)).toBe(false);
    expect(isCallerTokenHash('md5:0123')).toBe(false);
    const short = 'cxt_short';
    expect(callerTokenMatches(short, hashCallerToken(short))).toBe(false);
  });
});
