import { describe, expect, it } from 'vitest';
import { ENUM_ENTERPRISE_ROOTCA, ENUM_STANDALONE_ROOTCA } from '../constants';
import {
  declareRegistryValues,
  readRegistryValue,
  registryValueDefault,
  registryValueProblem,
} from './registry-catalogue';
import { declaredSubkey, declaredValue, mergeRegistryKeyDeclarations } from './registry-key-declarations';
import { registryKeyFromTree } from './registry-tree';

const VALUES = declareRegistryValues({
  Units: { type: 'REG_DWORD', default: 1, min: 0, max: 65535, meaning: 'How many.' },
  Period: { type: 'REG_SZ', default: 'Weeks', oneOf: ['Days', 'Weeks'], meaning: 'Of what.' },
  Flags: {
    type: 'REG_DWORD',
    default: ({ caType }) => (caType === ENUM_ENTERPRISE_ROOTCA ? 2 : 1),
    flags: { EXITPUB_FILE: 1, EXITPUB_ACTIVEDIRECTORY: 2 },
    meaning: 'Depends on the CA.',
  },
  Servers: { type: 'REG_MULTI_SZ', meaning: 'None by default.' },
});

describe('the registry catalogue', () => {
  it('names each declaration after its property', () => {
    expect(VALUES.Units.name).toBe('Units');
    expect(VALUES.Servers).toMatchObject({ name: 'Servers', type: 'REG_MULTI_SZ' });
  });

  it('gives the default, also one that depends on the CA', () => {
    expect(registryValueDefault(VALUES.Units)).toBe(1);
    expect(registryValueDefault(VALUES.Flags, { caType: ENUM_ENTERPRISE_ROOTCA })).toBe(2);
    expect(registryValueDefault(VALUES.Flags, { caType: ENUM_STANDALONE_ROOTCA })).toBe(1);
    expect(registryValueDefault(VALUES.Servers)).toBeUndefined();
  });

  it('reads the stored value, the default, or says why the stored one is not usable', () => {
    const key = (tree: object) => registryKeyFromTree(() => tree as never, 'K', []);
    expect(readRegistryValue(key({ Units: 7 }), VALUES.Units)).toEqual({ value: 7, source: 'set' });
    expect(readRegistryValue(key({ units: '0x10' }), VALUES.Units)).toEqual({ value: 16, source: 'set' });
    expect(readRegistryValue(key({}), VALUES.Units)).toEqual({ value: 1, source: 'default' });
    expect(readRegistryValue(key({}), VALUES.Servers)).toEqual({ value: undefined, source: 'unset' });
    expect(readRegistryValue(key({ Servers: 'ldap://a' }), VALUES.Servers).value).toEqual(['ldap://a']);
    expect(readRegistryValue(key({ Units: 'two' }), VALUES.Units)).toEqual({
      value: 1,
      source: 'default',
      problem: 'Units is "two", not a REG_DWORD',
    });
    expect(readRegistryValue(key({ Period: 'Fortnights' }), VALUES.Period).problem).toBe(
      'Period is "Fortnights"; use Days, Weeks',
    );
    expect(registryValueProblem(VALUES.Units, 70_000)).toBe('Units is 70000; the largest allowed is 65535');
    expect(registryValueProblem(VALUES.Period, 'weeks')).toBeUndefined();
    // A mask stored signed reads unsigned; a negative count is reported.
    expect(readRegistryValue(key({ Flags: -1 }), VALUES.Flags).value).toBe(0xffffffff);
    expect(readRegistryValue(key({ Units: -1 }), VALUES.Units).problem).toBe(
      'Units is -1, not a 32-bit unsigned number',
    );
  });

  it('finds declared subkeys (with * for any name) and values without case, and merges owners', () => {
    const root = mergeRegistryKeyDeclarations(
      { values: { Units: VALUES.Units }, subkeys: { '*': { values: { Period: VALUES.Period } } } },
      {
        values: { Flags: VALUES.Flags },
        subkeys: { Env: { values: {}, anyValueOfType: 'REG_SZ', secretValues: true } },
      },
    );
    expect(Object.keys(root.values)).toEqual(['Units', 'Flags']);
    expect(declaredValue(root, 'flags')).toBe(VALUES.Flags);
    expect(declaredSubkey(root, ['anything'])?.values.Period).toBe(VALUES.Period);
    expect(declaredSubkey(root, ['ENV'])).toMatchObject({ anyValueOfType: 'REG_SZ', secretValues: true });
    expect(declaredSubkey({ values: {} }, ['nope'])).toBeUndefined();
  });
});

describe('flagConstants', () => {
  it('gives the single-bit constants of a family, not their combinations', async () => {
    const { flagConstants, EDITF_ATTRIBUTESUBJECTALTNAME2, CRLF_CRLNUMBER_CRITICAL } = await import('../constants');
    const edit = flagConstants('EDITF_');
    expect(edit.EDITF_ATTRIBUTESUBJECTALTNAME2).toBe(EDITF_ATTRIBUTESUBJECTALTNAME2);
    expect(edit).not.toHaveProperty('EDITF_DEFAULT_ENTERPRISE');
    expect(flagConstants('CRLF_').CRLF_CRLNUMBER_CRITICAL).toBe(CRLF_CRLNUMBER_CRITICAL);
    expect(Object.keys(flagConstants('CRLF_')).every((name) => name.startsWith('CRLF_'))).toBe(true);
  });
});
