import type { EqualityFilter } from 'ldapts';
import { AndFilter, FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { accountFilter } from './account-lookup';
import { escapeFilterValue } from './escape-filter-value';

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    ['*', '\\2a'],
    ['(', '\\28'],
    [')', '\\29'],
    ['\\', '\\5c'],
    ['\0', '\\00'],
    ['a*b(c)', 'a\\2ab\\28c\\29'],
    ['CERTEXIT\\alice', 'CERTEXIT\\5calice'],
    ['bob)(sAMAccountName=*', 'bob\\29\\28sAMAccountName=\\2a'],
    ['x\0y', 'x\\00y'],
  ])('escapes %j as %j', (raw, escaped) => {
    expect(escapeFilterValue(raw)).toBe(escaped);
  });

  it.each(['alice', 'Jürgen', 'Ærøskøbing', '日本語', 'naïve-😀', 'a=b,c+d;e<f>g"h#i', ''])(
    'leaves %j unchanged (non-ASCII UTF-8 is allowed in filter values)',
    (raw) => {
      expect(escapeFilterValue(raw)).toBe(raw);
    },
  );

  it.each(['a*b(c)', 'x\\y', 'tab\tand\0nul', 'Jürgen (admin)', '*', ')(objectClass=*'])(
    'round-trips %j through an LDAP filter parser as one equality value',
    (raw) => {
      const parsed = FilterParser.parseString(`(sAMAccountName=${escapeFilterValue(raw)})`) as EqualityFilter;
      expect(parsed.constructor.name).toBe('EqualityFilter');
      expect(parsed.value).toBe(raw);
    },
  );

  it('builds the account filters: user and computer, escaped text beside the filter object', () => {
    const user = accountFilter('a*b(c)', 'user');
    expect(user.text).toBe('(&(objectClass=user)(sAMAccountName=a\\2ab\\28c\\29))');
    expect(user.filter).toBeInstanceOf(AndFilter);
    // The object sent on the wire carries the raw value (BER needs no escaping) and prints as the same text.
    expect(user.filter.toString()).toBe(user.text);
    expect(accountFilter('WS01$', 'computer').text).toBe('(&(objectClass=computer)(sAMAccountName=WS01$))');
  });
});
