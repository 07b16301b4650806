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
import type { ExpiryReportMail, ExpiryReportWebhook } from './expiry-report';
import {
  INVENTORY_CONFIG_DATABASE_FILE,
  INVENTORY_CONFIG_EVENT_MASK,
  INVENTORY_CONFIG_OUTPUT_FILE,
  INVENTORY_EVENT_MASK,
  INVENTORY_REPORT_VALUES,
} from './inventory-constants';

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
  [INVENTORY_CONFIG_DATABASE_FILE]: {
    type: 'REG_SZ',
    meaning: 'The SQLite inventory database (its own file, created 0600; its directory must exist).',
  },
  [INVENTORY_REPORT_VALUES.intervalSeconds]: {
    type: 'REG_DWORD',
    default: 0,
    meaning: 'Seconds between expiry reports (86400: daily); 0: no report. Needs DatabaseFile.',
  },
  [INVENTORY_REPORT_VALUES.withinDays]: {
    type: 'REG_DWORD',
    default: 30,
    meaning: 'The expiry report lists certificates still valid whose NotAfter falls within this many days.',
  },
  [INVENTORY_REPORT_VALUES.mailTo]: { type: 'REG_MULTI_SZ', meaning: 'Recipients of the expiry report.' },
  [INVENTORY_REPORT_VALUES.mailFrom]: { type: 'REG_SZ', meaning: 'The sender of the expiry report.' },
  [INVENTORY_REPORT_VALUES.smtpServer]: {
    type: 'REG_SZ',
    meaning: 'The SMTP server the expiry report is mailed through.',
  },
  [INVENTORY_REPORT_VALUES.smtpPort]: {
    type: 'REG_DWORD',
    default: 587,
    min: 1,
    max: 65_535,
    meaning: 'Its port (465: implicit TLS).',
  },
  [INVENTORY_REPORT_VALUES.smtpStartTls]: {
    type: 'REG_DWORD',
    default: 1,
    min: 0,
    max: 1,
    meaning: '1 requires STARTTLS; 0 sends in clear (a loopback relay only).',
  },
  [INVENTORY_REPORT_VALUES.smtpCaFile]: {
    type: 'REG_SZ',
    meaning: "PEM of the CAs trusted for the SMTP server's certificate.",
  },
  [INVENTORY_REPORT_VALUES.smtpUser]: { type: 'REG_SZ', meaning: 'The SMTP AUTH user.' },
  [INVENTORY_REPORT_VALUES.smtpPasswordFile]: {
    type: 'REG_SZ',
    meaning: 'A file holding the SMTP password (never the password).',
  },
  [INVENTORY_REPORT_VALUES.webhookUrl]: {
    type: 'REG_SZ',
    meaning: 'Posts the expiry report as a signed CloudEvent to this URL.',
  },
  [INVENTORY_REPORT_VALUES.webhookSecretFile]: {
    type: 'REG_SZ',
    meaning: 'A file of whsec_ secrets for the report web hook.',
  },
  [INVENTORY_REPORT_VALUES.webhookSecretEnv]: { type: 'REG_SZ', meaning: 'Or an environment variable holding them.' },
  [INVENTORY_REPORT_VALUES.webhookCaFile]: {
    type: 'REG_SZ',
    meaning: "PEM of the CAs trusted for the report web hook's certificate.",
  },
} as const);

/** The inventory's settings, read from the module's configuration key. */
export interface InventoryConfig {
  /** The absolute path of the JSON-lines file, or `undefined` when `OutputFile` is not set (nothing is written). */
  readonly outputFile: string | undefined;
  /** The absolute path of the SQLite inventory database, or `undefined` when `DatabaseFile` is not set. */
  readonly databaseFile: string | undefined;
  /** The periodic expiry report, when `ExpiryReportIntervalSeconds` and a target (mail or web hook) are set. */
  readonly report: InventoryReportConfig | undefined;
  /** The events to record: `EventMask` clamped to {@link INVENTORY_EVENT_MASK}, or that mask when unset. */
  readonly eventMask: number;
  /** One sentence per value that was ignored or changed, for the caller to log as a warning. */
  readonly notes: readonly string[];
}

/** The periodic expiry report's settings. */
export interface InventoryReportConfig {
  readonly intervalSeconds: number;
  readonly withinDays: number;
  readonly mail: ExpiryReportMail | undefined;
  readonly webhook: ExpiryReportWebhook | undefined;
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

  const databaseFile = _string(key, INVENTORY_CONFIG_DATABASE_FILE, notes);
  return {
    outputFile,
    databaseFile: databaseFile === undefined ? undefined : resolve(databaseFile),
    report: _readReport(key, notes),
    eventMask,
    notes,
  };
}

function _readReport(key: RegistryKey, notes: string[]): InventoryReportConfig | undefined {
  const v = INVENTORY_REPORT_VALUES;
  const intervalSeconds = _dword(key, v.intervalSeconds, notes) ?? 0;
  if (intervalSeconds === 0) return undefined;
  const withinDays = _dword(key, v.withinDays, notes) ?? 30;
  const mailTo = key.getValue(v.mailTo);
  const to = (Array.isArray(mailTo) ? mailTo : typeof mailTo === 'string' ? mailTo.split(/[;,]/) : [])
    .map((a) => a.trim())
    .filter((a) => a !== '');
  const server = _string(key, v.smtpServer, notes);
  const from = _string(key, v.mailFrom, notes);
  let mail: ExpiryReportMail | undefined;
  if (to.length > 0) {
    if (server === undefined || from === undefined) {
      notes.push(
        `${key.path}\\${v.mailTo} is set but ${v.smtpServer} or ${v.mailFrom} is not: the report is not mailed`,
      );
    } else {
      const port = _dword(key, v.smtpPort, notes);
      const startTls = _dword(key, v.smtpStartTls, notes);
      const caFile = _string(key, v.smtpCaFile, notes);
      const user = _string(key, v.smtpUser, notes);
      const passwordFile = _string(key, v.smtpPasswordFile, notes);
      mail = {
        to,
        from,
        server,
        ...(port !== undefined && { port }),
        ...(startTls !== undefined && { startTls: startTls !== 0 }),
        ...(caFile !== undefined && { caFile: resolve(caFile) }),
        ...(user !== undefined && { user }),
        ...(passwordFile !== undefined && { passwordFile: resolve(passwordFile) }),
      };
    }
  }
  const url = _string(key, v.webhookUrl, notes);
  let webhook: ExpiryReportWebhook | undefined;
  if (url !== undefined) {
    const secretFile = _string(key, v.webhookSecretFile, notes);
    const secretEnv = _string(key, v.webhookSecretEnv, notes);
    const caFile = _string(key, v.webhookCaFile, notes);
    if (secretFile === undefined && secretEnv === undefined) {
      notes.push(
        `${key.path}\\${v.webhookUrl} needs ${v.webhookSecretFile} or ${v.webhookSecretEnv}: the report is not posted`,
      );
    } else {
      webhook = {
        url,
        ...(secretFile !== undefined && { secretFile: resolve(secretFile) }),
        ...(secretEnv !== undefined && { secretEnv }),
        ...(caFile !== undefined && { caFile: resolve(caFile) }),
      };
    }
  }
  if (mail === undefined && webhook === undefined) {
    notes.push(
      `${key.path}\\${v.intervalSeconds} is set but neither a mail nor a web hook target is complete: no expiry report`,
    );
    return undefined;
  }
  return { intervalSeconds, withinDays, mail, webhook };
}

function _string(key: RegistryKey, name: string, notes: string[]): string | undefined {
  const value = key.getValue(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    notes.push(`${key.path}\\${name} must be a REG_SZ; ignoring the ${_kind(value)} value`);
    return undefined;
  }
  return value.trim() === '' ? undefined : value.trim();
}

function _dword(key: RegistryKey, name: string, notes: string[]): number | undefined {
  const value = key.getValue(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    notes.push(`${key.path}\\${name} must be a REG_DWORD; ignoring the ${_kind(value)} value`);
    return undefined;
  }
  return value >>> 0;
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
