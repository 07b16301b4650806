import { describe, expect, it } from 'vitest';
import { parseRequesterName, samAccountNameFor } from './requester-name';

describe('parseRequesterName', () => {
  it('splits DOMAIN\\account at the first backslash', () => {
    expect(parseRequesterName('CERTEXIT\\alice')).toEqual({ domain: 'CERTEXIT', account: 'alice' });
    expect(parseRequesterName('CERTEXIT\\a\\b')).toEqual({ domain: 'CERTEXIT', account: 'a\\b' });
  });

  it('takes a name without a domain as a bare account name', () => {
    expect(parseRequesterName('alice')).toEqual({ domain: undefined, account: 'alice' });
  });
});

describe('samAccountNameFor', () => {
  it('adds $ for computers, once', () => {
    expect(samAccountNameFor('WS01', 'computer')).toBe('WS01$');
    expect(samAccountNameFor('WS01$', 'computer')).toBe('WS01$');
    expect(samAccountNameFor('alice', 'user')).toBe('alice');
  });
});
