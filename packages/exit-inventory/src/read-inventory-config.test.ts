import { resolve } from 'node:path';
import type { RegistryTree } from '@certexit/core';
import { EXITEVENT_CERTISSUED, EXITEVENT_CRLISSUED, registryKeyFromTree } from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { INVENTORY_EVENT_MASK } from './inventory-constants';
import { readInventoryConfig } from './read-inventory-config';

const key = (tree: RegistryTree) => registryKeyFromTree(() => tree, 'Test\\ExitModules\\CertExit_Inventory.Exit');

describe('readInventoryConfig', () => {
  it('defaults to no file and every recorded event', () => {
    expect(readInventoryConfig(key({}))).toEqual({ outputFile: undefined, eventMask: INVENTORY_EVENT_MASK, notes: [] });
  });

  it('resolves OutputFile to an absolute path and ignores blank or non-string values', () => {
    expect(readInventoryConfig(key({ OutputFile: 'inventory.jsonl' })).outputFile).toBe(resolve('inventory.jsonl'));
    expect(readInventoryConfig(key({ OutputFile: '   ' })).outputFile).toBeUndefined();
    const wrong = readInventoryConfig(key({ OutputFile: 7 }));
    expect(wrong.outputFile).toBeUndefined();
    expect(wrong.notes).toEqual([
      expect.stringMatching(/OutputFile must be a REG_SZ path; ignoring the REG_DWORD value/),
    ]);
  });

  it('clamps EventMask, reading a signed DWORD as unsigned', () => {
    expect(readInventoryConfig(key({ EventMask: EXITEVENT_CERTISSUED | EXITEVENT_CRLISSUED }))).toMatchObject({
      eventMask: 0x21,
      notes: [],
    });
    const all = readInventoryConfig(key({ EventMask: -1 }));
    expect(all.eventMask).toBe(INVENTORY_EVENT_MASK);
    expect(all.notes[0]).toMatch(/0xffffffff asks for events .*EXITEVENT_SHUTDOWN, EXITEVENT_STARTUP, undefined bits/);
  });

  it('names the value and key in every note', () => {
    const { notes } = readInventoryConfig(key({ EventMask: ['1'] }));
    expect(notes).toEqual([
      expect.stringContaining('Test\\ExitModules\\CertExit_Inventory.Exit\\EventMask must be a REG_DWORD'),
    ]);
  });
});
