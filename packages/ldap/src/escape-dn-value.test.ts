import { describe, expect, it } from 'vitest';
import { escapeDnValue } from './escape-dn-value';

describe('escapeDnValue', () => {
  it.each([
    ['Smith, John', 'Smith\\, John'],
    ['a+b=c', 'a\\+b\\=c'],
    ['"quoted" <x>;', '\\"quoted\\" \\<x\\>\\;'],
    ['back\\slash', 'back\\\\slash'],
    ['#hash', '\\#hash'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    ['nul\u0000cr\r', 'nul\\00cr\\0d'],
    ['plain KRA agent', 'plain KRA agent'],
  ])('%j becomes %j', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
  });
});
