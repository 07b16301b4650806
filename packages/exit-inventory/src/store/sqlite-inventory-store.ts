import { closeSync, existsSync, openSync } from 'node:fs';
import type { SQLInputValue } from 'node:sqlite';
import { DatabaseSync } from 'node:sqlite';
import type { InventoryEntry, InventoryEntryEvent, InventoryStatus } from './inventory-entry';
import type { InventoryStore } from './inventory-store';

const _SCHEMA_VERSION = 1;

const _SCHEMA = `
CREATE TABLE IF NOT EXISTS inventory_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inventory_certificates (
  serial_number TEXT PRIMARY KEY,
  ca TEXT NOT NULL,
  request_id INTEGER,
  requester TEXT,
  template TEXT,
  subject TEXT,
  not_before TEXT,
  not_after TEXT,
  thumbprint TEXT,
  status TEXT NOT NULL CHECK (status IN ('issued', 'revoked')),
  revoked_reason INTEGER,
  revoked_when TEXT,
  last_event TEXT NOT NULL,
  last_event_id TEXT,
  updated_at TEXT NOT NULL,
  change_seq INTEGER NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS inventory_certificates_expiry ON inventory_certificates (status, not_after);
CREATE TABLE IF NOT EXISTS inventory_applied_events (
  event_id TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  PRIMARY KEY (event_id, serial_number)
) WITHOUT ROWID;
`;

const _COLUMNS =
  'serial_number, ca, request_id, requester, template, subject, not_before, not_after, thumbprint, status, ' +
  'revoked_reason, revoked_when, last_event, last_event_id, updated_at, change_seq';

interface _Row {
  serial_number: string;
  ca: string;
  request_id: number | null;
  requester: string | null;
  template: string | null;
  subject: string | null;
  not_before: string | null;
  not_after: string | null;
  thumbprint: string | null;
  status: InventoryStatus;
  revoked_reason: number | null;
  revoked_when: string | null;
  last_event: InventoryEntryEvent;
  last_event_id: string | null;
  updated_at: string;
  change_seq: number;
}

/** Options of {@link openSqliteInventoryStore}. */
export interface SqliteInventoryStoreOptions {
  /** The clock of `updatedAt`. @default () => new Date() */
  now?: () => Date;
  /** Opens the file read-only (the export and expiry commands). @default false */
  readOnly?: boolean;
}

/**
 * Opens (and creates, mode 0600) the inventory's own SQLite database file with `node:sqlite`. WAL mode and a busy
 * timeout let the module and the `certexit-inventory` command use the file at the same time.
 * @example
 * const store = openSqliteInventoryStore('/var/lib/certexit/inventory.sqlite');
 * const { certificates, cursor } = await store.exportSince(); // the snapshot; keep the cursor for next time
 */
export function openSqliteInventoryStore(path: string, options: SqliteInventoryStoreOptions = {}): InventoryStore {
  const now = options.now ?? (() => new Date());
  if (options.readOnly && !existsSync(path)) throw new Error(`${path}: no inventory database (set DatabaseFile)`);
  if (!options.readOnly) closeSync(openSync(path, 'a', 0o600));
  const db = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
  db.exec('PRAGMA busy_timeout = 5000');
  if (!options.readOnly) {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
    db.exec(_SCHEMA);
    const version = db.prepare("SELECT value FROM inventory_meta WHERE name = 'schema_version'").get() as
      | { value: string }
      | undefined;
    if (version === undefined) {
      db.prepare("INSERT INTO inventory_meta (name, value) VALUES ('schema_version', ?)").run(String(_SCHEMA_VERSION));
    } else if (Number(version.value) > _SCHEMA_VERSION) {
      db.close();
      throw new Error(`${path}: inventory schema ${version.value} is newer than this version understands`);
    }
  }

  const claim = db.prepare('INSERT OR IGNORE INTO inventory_applied_events (event_id, serial_number) VALUES (?, ?)');
  const nextSeq = db.prepare('SELECT COALESCE(MAX(change_seq), 0) + 1 AS seq FROM inventory_certificates');
  const write = db.prepare(
    `INSERT INTO inventory_certificates (${_COLUMNS}) VALUES (${_COLUMNS
      .split(',')
      .map(() => '?')
      .join(', ')})
     ON CONFLICT (serial_number) DO UPDATE SET
       ca = excluded.ca, request_id = excluded.request_id, requester = excluded.requester,
       template = excluded.template, subject = excluded.subject, not_before = excluded.not_before,
       not_after = excluded.not_after, thumbprint = excluded.thumbprint, status = excluded.status,
       revoked_reason = excluded.revoked_reason, revoked_when = excluded.revoked_when,
       last_event = excluded.last_event, last_event_id = excluded.last_event_id, updated_at = excluded.updated_at,
       change_seq = excluded.change_seq`,
  );
  const byId = db.prepare(`SELECT ${_COLUMNS} FROM inventory_certificates WHERE serial_number = ?`);
  const since = db.prepare(
    `SELECT ${_COLUMNS} FROM inventory_certificates WHERE change_seq > ? ORDER BY change_seq LIMIT ?`,
  );
  const maxSeq = db.prepare('SELECT COALESCE(MAX(change_seq), 0) AS seq FROM inventory_certificates');
  const expiring = db.prepare(
    `SELECT ${_COLUMNS} FROM inventory_certificates
     WHERE status = 'issued' AND not_after > ? AND not_after <= ? ORDER BY not_after, serial_number`,
  );

  const markOf = db.prepare('SELECT value FROM inventory_meta WHERE name = ?');
  const setMark = options.readOnly
    ? undefined
    : db.prepare(
        'INSERT INTO inventory_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
      );

  return {
    async readMark(name) {
      return (markOf.get(`mark:${name}`) as { value: string } | undefined)?.value;
    },

    async writeMark(name, value) {
      if (setMark === undefined) throw new Error(`${path} is open read-only`);
      setMark.run(`mark:${name}`, value);
    },

    async upsert(entry, eventId) {
      const serial = _serial(entry.serialNumber);
      db.exec('BEGIN IMMEDIATE');
      try {
        if (eventId !== undefined && claim.run(eventId, serial).changes === 0) {
          db.exec('ROLLBACK');
          return false;
        }
        const { seq } = nextSeq.get() as { seq: number };
        const values: SQLInputValue[] = [
          serial,
          entry.ca,
          entry.requestId ?? null,
          entry.requester ?? null,
          entry.template ?? null,
          entry.subject ?? null,
          _iso(entry.notBefore),
          _iso(entry.notAfter),
          entry.thumbprint ?? null,
          entry.status,
          entry.status === 'revoked' ? (entry.revokedReason ?? null) : null,
          entry.status === 'revoked' ? _iso(entry.revokedWhen) : null,
          entry.lastEvent,
          entry.lastEventId ?? eventId ?? null,
          now().toISOString(),
          seq,
        ];
        write.run(...values);
        db.exec('COMMIT');
        return true;
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },

    async get(serialNumber) {
      const row = byId.get(_serial(serialNumber)) as _Row | undefined;
      return row && _entry(row);
    },

    async exportSince(cursor, options = {}) {
      const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError(`limit must be a positive integer: ${limit}`);
      let after = 0;
      if (cursor !== undefined) {
        if (!/^\d{1,15}$/.test(cursor)) throw new TypeError(`not an inventory cursor: ${JSON.stringify(cursor)}`);
        after = Number(cursor);
        const { seq: top } = maxSeq.get() as { seq: number };
        if (after > top) {
          throw new TypeError(`cursor ${cursor} is ahead of this inventory (its last change is ${top}): another file?`);
        }
      }
      const rows = since.all(after, limit + 1) as unknown as _Row[];
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const last = page.at(-1);
      return { certificates: page.map(_entry), cursor: String(last ? last.change_seq : after), more };
    },

    async expiring(withinDays, at = now()) {
      if (!Number.isFinite(withinDays) || withinDays < 0) {
        throw new TypeError(`withinDays must be a number of days >= 0: ${withinDays}`);
      }
      const until = new Date(at.getTime() + withinDays * 86_400_000);
      return (expiring.all(at.toISOString(), until.toISOString()) as unknown as _Row[]).map(_entry);
    },

    async close() {
      if (db.isOpen) db.close();
    },
  };
}

function _serial(serial: string): string {
  const s = serial.replace(/\s+/g, '').toLowerCase();
  if (!/^[0-9a-f]{1,128}$/.test(s)) throw new TypeError(`not a hex serial number: ${JSON.stringify(serial)}`);
  return s;
}

// One spelling (toISOString) so that not_after compares as text.
function _iso(value: string | undefined): string | null {
  if (value === undefined) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a date: ${JSON.stringify(value)}`);
  return date.toISOString();
}

function _entry(row: _Row): InventoryEntry {
  const entry: Record<string, unknown> = {
    serialNumber: row.serial_number,
    ca: row.ca,
    requestId: row.request_id,
    requester: row.requester,
    template: row.template,
    subject: row.subject,
    notBefore: row.not_before,
    notAfter: row.not_after,
    thumbprint: row.thumbprint,
    status: row.status,
    revokedReason: row.revoked_reason,
    revokedWhen: row.revoked_when,
    lastEvent: row.last_event,
    lastEventId: row.last_event_id,
    updatedAt: row.updated_at,
  };
  for (const key of Object.keys(entry)) if (entry[key] === null) delete entry[key];
  return entry as unknown as InventoryEntry;
}
