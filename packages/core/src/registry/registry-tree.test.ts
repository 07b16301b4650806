import { describe, expect, it } from 'vitest';
import type { RegistryTree } from './registry-tree';
import { registryKeyFromTree } from './registry-tree';

describe('registryKeyFromTree', () => {
  it('reads values and subkeys case-insensitively and always sees the current tree', () => {
    let tree: RegistryTree = {
      PublishCertFlags: 2,
      SMTP: { EventFilter: 1, Templates: { User: { Issued: { To: 'a@b' } } } },
    };
    const key = registryKeyFromTree(() => tree, 'X\\ExitModules\\M');
    expect(key.getValue('publishcertflags')).toBe(2);
    expect(key.getValue('SMTP')).toBeUndefined();
    expect(key.getSubKeyNames()).toEqual(['SMTP']);
    const issued = key.openSubKey('smtp\\Templates\\User\\Issued');
    expect(issued.path).toBe('X\\ExitModules\\M\\smtp\\Templates\\User\\Issued');
    expect(issued.getValue('to')).toBe('a@b');
    expect(key.openSubKey('Missing').getValueNames()).toEqual([]);
    tree = { PublishCertFlags: 0x12 };
    expect(key.getValue('PublishCertFlags')).toBe(0x12);
    expect(issued.getValue('To')).toBeUndefined();
  });
});
