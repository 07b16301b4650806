import type { SQLInputValue } from 'node:sqlite';
import { DatabaseSync } from 'node:sqlite';
import type {
  CaCertificateRow,
  CaStore,
  CaStoreTransaction,
  CertificateRow,
  CrlRow,
  ExitEventRow,
  RequestRow,
  StoredExtension,
} from './ca-store';
import { propertiesFromJson, propertiesToJson, tagDates } from './property-json';
import { SQLITE_MIGRATIONS } from './sqlite-migrations';

/** Request-row fields and their columns; dates are stored as epoch milliseconds. */
const _REQUEST_COLUMNS = {
  RawRequest: 'raw_request',
  RequestType: 'request_type',
  RequestFlags: 'request_flags',
  StatusCode: 'status_code',
  Disposition: 'disposition',
  DispositionMessage: 'disposition_message',
  SubmittedWhen: 'submitted_when',
  ResolvedWhen: 'resolved_when',
  RevokedWhen: 'revoked_when',
  RevokedEffectiveWhen: 'revoked_effective_when',
  RevokedReason: 'revoked_reason',
  RequesterName: 'requester_name',
  CallerName: 'caller_name',
  RequestAttributes: 'request_attributes',
  Officer: 'officer',
  CertificateTemplate: 'certificate_template',
  EnrollmentFlags: 'enrollment_flags',
  GeneralFlags: 'general_flags',
  PrivatekeyFlags: 'private_key_flags',
} as const satisfies Partial<Record<keyof RequestRow, string>>;

/**
 * The embedded store: node:sqlite in the CA folder, no server to start. WAL mode so readers (the CLI while the
 * server runs) never block the writer. node:sqlite is synchronous; the async interface is for the other stores.
 */
export function openSqliteStore(file: string): CaStore {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
  _migrate(db);
  // node:sqlite has one connection; transactions from concurrent callers must not interleave across awaits.
  let queue: Promise<unknown> = Promise.resolve();

  const tx: CaStoreTransaction = {
    async insertRequest(row) {
      const { names, values } = _requestValues(row);
      const result = db
        .prepare(`INSERT INTO requests (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
        .run(...values);
      return Number(result.lastInsertRowid);
    },
    async updateRequest(id, changes) {
      const { names, values } = _requestValues(changes);
      if (names.length === 0) return;
      db.prepare(`UPDATE requests SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE request_id = ?`).run(
        ...values,
        id,
      );
    },
    async insertCertificate(row) {
      db.prepare(
        `INSERT INTO certificates (request_id, raw_certificate, serial_number, certificate_hash, not_before, not_after,
           values_json, certificate_name_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        row.RequestID,
        row.RawCertificate,
        row.SerialNumber,
        row.CertificateHash,
        row.NotBefore.getTime(),
        row.NotAfter.getTime(),
        propertiesToJson(tagDates(row.values) as never),
        propertiesToJson(row.certificateName),
      );
    },
    async setAttributes(requestId, attributes) {
      db.prepare('DELETE FROM request_attributes WHERE request_id = ?').run(requestId);
      const insert = db.prepare('INSERT INTO request_attributes (request_id, seq, name, value) VALUES (?, ?, ?, ?)');
      for (const [seq, [name, value]] of attributes.entries()) insert.run(requestId, seq, name, value);
    },
    async setExtensions(requestId, extensions) {
      db.prepare('DELETE FROM request_extensions WHERE request_id = ?').run(requestId);
      const insert = db.prepare(
        'INSERT INTO request_extensions (request_id, seq, oid, flags, value) VALUES (?, ?, ?, ?, ?)',
      );
      for (const [seq, e] of extensions.entries()) insert.run(requestId, seq, e.oid, e.flags, e.value);
    },
    async addCaCertificate(row) {
      db.prepare('INSERT INTO ca_certificates (cert_index, key_index, raw, state) VALUES (?, ?, ?, ?)').run(
        row.certIndex,
        row.keyIndex,
        row.raw,
        row.state,
      );
    },
    async addCrl(row) {
      db.prepare(
        'INSERT INTO crls (key_index, crl_number, is_delta, raw, this_update, next_update) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(
        row.keyIndex,
        row.crlNumber,
        row.isDelta ? 1 : 0,
        row.raw,
        row.thisUpdate.getTime(),
        row.nextUpdate.getTime(),
      );
    },
    async recordExitEvent(event, context) {
      const result = db
        .prepare('INSERT INTO exit_events (event, context, created_at) VALUES (?, ?, ?)')
        .run(event, context, Date.now());
      return Number(result.lastInsertRowid);
    },
  };

  return {
    transaction(work) {
      const run = queue.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(tx);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async getRequest(id) {
      const row = db.prepare('SELECT * FROM requests WHERE request_id = ?').get(id);
      return row ? _requestFromRow(row) : undefined;
    },
    async getCertificate(requestId) {
      const row = db.prepare('SELECT * FROM certificates WHERE request_id = ?').get(requestId);
      if (!row) return undefined;
      return {
        RequestID: Number(row.request_id),
        RawCertificate: _bytes(row.raw_certificate),
        SerialNumber: String(row.serial_number),
        CertificateHash: String(row.certificate_hash),
        NotBefore: new Date(Number(row.not_before)),
        NotAfter: new Date(Number(row.not_after)),
        values: propertiesFromJson(row.values_json as string),
        certificateName: propertiesFromJson(row.certificate_name_json as string),
      } satisfies CertificateRow;
    },
    async getAttributes(requestId) {
      return db
        .prepare('SELECT name, value FROM request_attributes WHERE request_id = ? ORDER BY seq')
        .all(requestId)
        .map((r) => [String(r.name), String(r.value)] as [string, string]);
    },
    async getExtensions(requestId) {
      return db
        .prepare('SELECT oid, flags, value FROM request_extensions WHERE request_id = ? ORDER BY seq')
        .all(requestId)
        .map((r) => ({ oid: String(r.oid), flags: Number(r.flags), value: _bytes(r.value) }) satisfies StoredExtension);
    },
    async listCaCertificates() {
      return db
        .prepare('SELECT * FROM ca_certificates ORDER BY cert_index')
        .all()
        .map(
          (r) =>
            ({
              certIndex: Number(r.cert_index),
              keyIndex: Number(r.key_index),
              raw: _bytes(r.raw),
              state: Number(r.state),
            }) satisfies CaCertificateRow,
        );
    },
    async getLatestCrl(keyIndex, isDelta) {
      const r = db
        .prepare('SELECT * FROM crls WHERE key_index = ? AND is_delta = ? ORDER BY crl_number DESC LIMIT 1')
        .get(keyIndex, isDelta ? 1 : 0);
      if (!r) return undefined;
      return {
        keyIndex: Number(r.key_index),
        crlNumber: Number(r.crl_number),
        isDelta: Number(r.is_delta) === 1,
        raw: _bytes(r.raw),
        thisUpdate: new Date(Number(r.this_update)),
        nextUpdate: new Date(Number(r.next_update)),
      } satisfies CrlRow;
    },
    async listRequests(filter = {}) {
      const where = filter.dispositions?.length
        ? `WHERE disposition IN (${filter.dispositions.map(() => '?').join(', ')})`
        : '';
      return db
        .prepare(`SELECT * FROM requests ${where} ORDER BY request_id DESC LIMIT ?`)
        .all(...(filter.dispositions ?? []), filter.limit ?? 1000)
        .map(_requestFromRow);
    },
    async listExitEvents(afterId = 0) {
      return db
        .prepare('SELECT * FROM exit_events WHERE event_id > ? ORDER BY event_id')
        .all(afterId)
        .map(
          (r) =>
            ({
              id: Number(r.event_id),
              event: Number(r.event),
              context: Number(r.context),
              createdAt: new Date(Number(r.created_at)),
            }) satisfies ExitEventRow,
        );
    },
    async schemaVersion() {
      return Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
    },
    async close() {
      db.close();
    },
  };
}

function _migrate(db: DatabaseSync): void {
  const current = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
  if (current > SQLITE_MIGRATIONS.length) {
    throw new Error(
      `the CA database is at schema version ${current}, newer than this certexit (${SQLITE_MIGRATIONS.length}); upgrade certexit`,
    );
  }
  for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(SQLITE_MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw new Error(`CA database migration to schema version ${version + 1} failed`, { cause: error });
    }
  }
}

function _requestValues(row: Partial<Omit<RequestRow, 'RequestID'>>): { names: string[]; values: SQLInputValue[] } {
  const names: string[] = [];
  const values: SQLInputValue[] = [];
  for (const [field, column] of Object.entries(_REQUEST_COLUMNS)) {
    if (!(field in row)) continue;
    const value = row[field as keyof typeof _REQUEST_COLUMNS];
    names.push(column);
    values.push(value === undefined ? null : value instanceof Date ? value.getTime() : (value as SQLInputValue));
  }
  if (row.requestName) {
    names.push('request_name_json');
    values.push(propertiesToJson(row.requestName));
  }
  if (row.system) {
    names.push('system_json');
    values.push(propertiesToJson(row.system));
  }
  return { names, values };
}

function _requestFromRow(row: Record<string, SQLInputValue | unknown>): RequestRow {
  const result: Record<string, unknown> = { RequestID: Number(row.request_id) };
  const dates = new Set(['SubmittedWhen', 'ResolvedWhen', 'RevokedWhen', 'RevokedEffectiveWhen']);
  for (const [field, column] of Object.entries(_REQUEST_COLUMNS)) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (dates.has(field)) result[field] = new Date(Number(value));
    else if (value instanceof Uint8Array) result[field] = _bytes(value);
    else result[field] = typeof value === 'bigint' ? Number(value) : value;
  }
  result.requestName = propertiesFromJson(row.request_name_json as string);
  result.system = propertiesFromJson(row.system_json as string);
  return result as unknown as RequestRow;
}

function _bytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? Uint8Array.from(value) : new Uint8Array();
}
