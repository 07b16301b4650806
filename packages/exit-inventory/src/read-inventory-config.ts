import { resolve } from 'node:path';
import type { RegistryKey } from '@certexit/core';
import {
  declareRegistryValues,
  EXITEVENT_ALL_DEFINED,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  exitEventMaskNames,
} from '@certexit/core';
import { INVENTORY_CONFIG_EVENT_MASK, INVENTORY_CONFIG_OUTPUT_FILE, INVENTORY_EVENT_MASK } from './inventory-constants';

/**
 * The values the module reads from its key (`certexit getreg exit\\CertExit_Inventory.Exit`): name, type, default
 * and meaning; {@link readInventoryConfig} and `certexit setreg` share them.
 */
export const INVENTORY_VALUES = declareRegistryValues({
  [INVENTORY_CONFIG_OUTPUT_FILE]: {
    type: 'REG_SZ',
    meaning: 'The JSON-lines file each event is appended to; without it records are only logged.',
  },
  [INVENTORY_CONFIG_EVENT_MASK]: {
    type: 'REG_DWORD',
    default: INVENTORY_EVENT_MASK,
    flags: {
      EXITEVENT_CERTISSUED,
      EXITEVENT_CERTPENDING,
      EXITEVENT_CERTDENIED,
      EXITEVENT_CERTREVOKED,
      EXITEVENT_CERTRETRIEVEPENDING,
      EXITEVENT_CRLISSUED,
      EXITEVENT_CERTIMPORTED,
    },
    meaning: 'The events recorded; it can only narrow the default (every request event and CRL issuance).',
  },
} as const);

/** The inventory's settings, read from the module's configuration key. */
export interface InventoryConfig {
  /** The absolute path of the JSON-lines file, or `undefined` when `OutputFile` is not set (nothing is written). */
  readonly outputFile: string | undefined;
  /** The events to record: `EventMask` clamped to {@link INVENTORY_EVENT_MASK}, or that mask when unset. */
  readonly eventMask: number;
  /** One sentence per value that was ignored or changed, for the caller to log as a warning. */
  readonly notes: readonly string[];
}

/**
 * Reads `OutputFile` (REG_SZ) and `EventMask` (REG_DWORD) from the module's configuration key. Never throws: a bad
 * value is replaced by its default and explained in `notes`, so a typo cannot keep the module from loading.
 * @example readInventoryConfig(services.config) // { outputFile: '/var/lib/ca/inventory.jsonl', eventMask: 0x23f, notes: [] }
 */
export function readInventoryConfig(key: RegistryKey): InventoryConfig {
  const notes: string[] = [];
  const where = `${key.path}\\`;

  let outputFile: string | undefined;
  const file = key.getValue(INVENTORY_VALUES.OutputFile.name);
  if (typeof file === 'string' && file.trim() !== '') {
    // Resolved once, so that logs show the real target even when the value is relative to the host's directory.
    outputFile = resolve(file.trim());
  } else if (file !== undefined && typeof file !== 'string') {
    notes.push(`${where}${INVENTORY_CONFIG_OUTPUT_FILE} must be a REG_SZ path; ignoring the ${_kind(file)} value`);
  }

  let eventMask = INVENTORY_EVENT_MASK;
  const mask = key.getValue(INVENTORY_VALUES.EventMask.name);
  if (typeof mask === 'number' && Number.isInteger(mask)) {
    // A DWORD may arrive signed (0xFFFFFFFF as -1): normalise, then keep only the events the inventory records.
    const unsigned = mask >>> 0;
    eventMask = unsigned & INVENTORY_EVENT_MASK;
    const dropped = unsigned & ~INVENTORY_EVENT_MASK;
    if (dropped !== 0) {
      const names = exitEventMaskNames(dropped);
      if ((dropped & ~EXITEVENT_ALL_DEFINED) !== 0)
        names.push(`undefined bits ${_hex(dropped & ~EXITEVENT_ALL_DEFINED)}`);
      notes.push(
        `${where}${INVENTORY_CONFIG_EVENT_MASK} ${_hex(unsigned)} asks for events the inventory does not record ` +
          `(${names.join(', ')}); using ${_hex(eventMask)}`,
      );
    }
  } else if (mask !== undefined) {
    notes.push(
      `${where}${INVENTORY_CONFIG_EVENT_MASK} must be a REG_DWORD; ignoring the ${_kind(mask)} value and recording ` +
        `every supported event (${_hex(INVENTORY_EVENT_MASK)})`,
    );
  }

  return { outputFile, eventMask, notes };
}

function _hex(mask: number): string {
  return `0x${(mask >>> 0).toString(16)}`;
}

function _kind(value: unknown): string {
  if (typeof value === 'number') return 'REG_DWORD';
  if (typeof value === 'string') return 'REG_SZ';
  if (value instanceof Uint8Array) return 'REG_BINARY';
  return Array.isArray(value) ? 'REG_MULTI_SZ' : typeof value;
}
