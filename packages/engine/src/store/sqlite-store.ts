import { accessSync, chmodSync, closeSync, constants, openSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { DatabaseSync } from 'node:sqlite';
import { DB_DISP_REVOKED } from '@certexit/core';
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
import { CommittedRowCache } from './committed-row-cache';
import { DatabaseWentBackError } from './database-went-back-error';
import type { HighWaterMarks } from './high-water-mark';
import { HighWaterMarkFile, marksBehind } from './high-water-mark';
import { propertiesToJson, tagDates } from './property-json';
import { sqliteDeleteRows } from './sqlite-delete-rows';
import { sqliteExitActions } from './sqlite-exit-actions';
import { sqliteExitOutbox } from './sqlite-exit-outbox';
import { createSqliteGroupCommit } from './sqlite-group-commit';
import { SQLITE_MIGRATIONS } from './sqlite-migrations';
import { sqliteRequestViewPage } from './sqlite-request-view';
import { sqliteRevocations } from './sqlite-revocations';
import { sqliteTransfer } from './sqlite-transfer';
import { sqliteViewRows } from './sqlite-view-rows';
import { StorageFaultError, storageFaultOf } from './storage-fault-error';
import {
  auditRecordFromRecord,
  certificateRowFromRecord,
  crlInfoFromRecord,
  outcomeFromRecord,
  REQUEST_ROW_COLUMNS,
  requestRowFromRecord,
  storedBytes,
} from './store-rows';
import { createWalCheckpointer } from './wal-checkpointer';

const _REQUEST_COLUMNS = REQUEST_ROW_COLUMNS;

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * What a transaction does when another connection holds the database's write lock. `sleep`: SQLite waits, up to
   * 5 s, and the thread with it. `yield`: the transaction tries again a millisecond later and the event loop runs
   * on meanwhile (the engine's writer, while its exit-module thread records deliveries on its own connection).
   * @default 'sleep'
   */
  lockWait?: 'sleep' | 'yield';
  /** Checkpoint the log from a thread of its own once the store is busy (see wal-checkpointer.ts). @default true */
  backgroundCheckpoints?: boolean;
  /**
   * The database went back in time (see {@link DatabaseWentBackError}) and the operator accepts it
   * (`certexit database accept-rollback`): the counters continue above the high-water mark. @default false
   */
  acceptRollback?: boolean;
  /** The high-water-mark file. @default beside the database (see {@link highWaterMarkFileOf}) */
  highWaterMarkFile?: string;
}

/** The high-water-mark file beside a CA database (`certexit.db` → `certexit.hwm`). */
export function highWaterMarkFileOf(databaseFile: string): string {
  return join(dirname(databaseFile), `${basename(databaseFile, extname(databaseFile))}.hwm`);
}

/**
 * The embedded store: node:sqlite in the CA folder, no server to start. WAL mode so readers (the CLI while the
 * server runs) never block the writer. node:sqlite is synchronous; the async interface is for the other stores.
 */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): CaStore {
  const db = _openDatabase(file);
  // journal_size_limit: the log is cut back to 64 MiB when it starts over, whatever a burst made it grow to.
  // temp_store MEMORY: each unit of a group commit runs in a savepoint, and SQLite copies every page already
  // changed in the transaction to a statement journal before changing it again; in a temporary file, that made
  // an event's three outbox rows cost 31 µs to insert, in memory 16 µs.
  db.exec(
    `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;
     PRAGMA journal_size_limit = 67108864; PRAGMA temp_store = MEMORY;`,
  );
  try {
    _migrate(db);
  } catch (error) {
    db.close();
    throw storageFaultOf(error, dirname(file));
  }
  // The database, its log and its shared memory are the CA's alone (0600), also for folders made before this rule.
  for (const suffix of ['', '-wal', '-shm']) _restrict(`${file}${suffix}`);
  const marks = _checkHighWaterMarks(
    db,
    file,
    options.highWaterMarkFile ?? highWaterMarkFileOf(file),
    options.acceptRollback === true,
  );
  const yieldOnLock = options.lockWait === 'yield';
  if (yieldOnLock) db.exec('PRAGMA busy_timeout = 0');
  const checkpointer =
    options.backgroundCheckpoints === false
      ? { committed() {}, delegate: () => () => undefined, async close() {} }
      : createWalCheckpointer(db, file);
  // Preparing a statement costs more than running it: each SQL text is prepared once per connection.
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string): StatementSync => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const folder = dirname(file);
  // Transactions run in groups (see sqlite-group-commit.ts): one COMMIT for what arrives while a batch runs. A
  // storage fault (a full disk, an I/O error) fails the units in hand with an error naming the folder.
  const groupCommit = createSqliteGroupCommit({
    db,
    prepare,
    yieldOnLock,
    fault: (error) => storageFaultOf(error, folder),
    onCommit(transactions) {
      checkpointer.committed();
      // Before anyone is answered: what the batch handed out is above the high-water mark from now on.
      if (transactions) raiseMarks();
    },
  });
  const raiseMarks = () => {
    try {
      marks.raise(_databaseMarks(prepare));
    } catch (error) {
      // The commit stands; the mark catches up with the next one (a full disk cannot stop a write in place).
      process.emitWarning(`certexit: could not raise the high-water mark ${marks.file}: ${(error as Error).message}`);
    }
  };
  // Committed request and certificate rows, shared by the readers of one event (see CommittedRowCache). A kept row
  // is committed and unwritten since (a write forgets it), so it serves reads inside transactions too; but a row
  // read inside one may hold uncommitted writes, so only rows read outside are kept. Another connection's commit (a
  // CLI revoke, say) clears them.
  const requestRows = new CommittedRowCache<RequestRow>();
  const certificateRows = new CommittedRowCache<CertificateRow>();
  const dataVersion = () => Number(prepare('PRAGMA data_version').get()?.data_version);
  let seenDataVersion = dataVersion();
  let versionCheckedAt = performance.now();
  /**
   * Drops the kept rows if another connection committed (looked at most once a millisecond: a read then answers as
   * if made up to a millisecond earlier, and the PRAGMA cost more than the row it saved); true when a row read now
   * may be kept (no transaction is open).
   */
  const readsCommitted = (): boolean => {
    const now = performance.now();
    if (now - versionCheckedAt >= 1) {
      versionCheckedAt = now;
      const version = dataVersion();
      if (version !== seenDataVersion) {
        seenDataVersion = version;
        requestRows.clear();
        certificateRows.clear();
      }
    }
    return !db.isTransaction;
  };
  /** A row from `rows`, else read by `load` and kept when it was read outside a transaction. */
  const readThrough = <Row extends object>(
    rows: CommittedRowCache<Row>,
    id: number,
    load: () => Row | undefined,
  ): Row | undefined => {
    const committed = readsCommitted();
    const kept = rows.get(id);
    if (kept) return kept;
    const row = load();
    return row && committed ? rows.keep(id, row) : row;
  };
  const revocationStatements = new Map<string, StatementSync>();
  let exitSubscribers: (event: number) => readonly string[] = () => [];

  const tx: CaStoreTransaction = {
    async insertRequest(row) {
      const id = Number(prepare(_INSERT_REQUEST).run(..._insertRequestValues(row)).lastInsertRowid);
      requestRows.forget(id); // an ID can come back after a rolled-back insert
      return id;
    },
    async updateRequest(id, changes) {
      requestRows.forget(id);
      const { names, values } = _requestValues(changes);
      if (names.length === 0) return;
      prepare(`UPDATE requests SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE request_id = ?`).run(...values, id);
    },
    async insertCertificate(row) {
      certificateRows.forget(row.RequestID);
      prepare(
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
      prepare('DELETE FROM request_attributes WHERE request_id = ?').run(requestId);
      const insert = prepare('INSERT INTO request_attributes (request_id, seq, name, value) VALUES (?, ?, ?, ?)');
      for (const [seq, [name, value]] of attributes.entries()) insert.run(requestId, seq, name, value);
    },
    async setExtensions(requestId, extensions) {
      prepare('DELETE FROM request_extensions WHERE request_id = ?').run(requestId);
      if (extensions.length === 0) return;
      // One multi-row statement: a certificate records about ten extensions, and each statement costs a round.
      const rows = extensions.map(() => '(?, ?, ?, ?, ?)').join(', ');
      prepare(`INSERT INTO request_extensions (request_id, seq, oid, flags, value) VALUES ${rows}`).run(
        ...extensions.flatMap((e, seq) => [requestId, seq, e.oid, e.flags, e.value]),
      );
    },
    async addCaCertificate(row) {
      prepare('INSERT INTO ca_certificates (cert_index, key_index, raw, request, state) VALUES (?, ?, ?, ?, ?)').run(
        row.certIndex,
        row.keyIndex,
        row.raw ?? null,
        row.request ?? null,
        row.state,
      );
    },
    async updateCaCertificate(certIndex, changes) {
      const sets: string[] = [];
      const values: SQLInputValue[] = [];
      if (changes.raw !== undefined) {
        sets.push('raw = ?');
        values.push(changes.raw);
      }
      if (changes.state !== undefined) {
        sets.push('state = ?');
        values.push(changes.state);
      }
      if (sets.length === 0) return;
      const result = prepare(`UPDATE ca_certificates SET ${sets.join(', ')} WHERE cert_index = ?`).run(
        ...values,
        certIndex,
      );
      if (Number(result.changes) !== 1) throw new Error(`the CA database has no CA certificate ${certIndex}`);
    },
    async addCrl(row) {
      // A large CRL goes in parts: binding one blob of tens of megabytes makes SQLite hold two more copies of it.
      const parts = row.raw.length > _CRL_PART ? Math.ceil(row.raw.length / _CRL_PART) : 0;
      const result = prepare(
        `INSERT INTO crls (key_index, crl_number, is_delta, raw, this_update, next_update, next_publish, raw_parts)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        row.keyIndex,
        row.crlNumber,
        row.isDelta ? 1 : 0,
        parts > 0 ? new Uint8Array() : row.raw,
        row.thisUpdate.getTime(),
        row.nextUpdate.getTime(),
        row.nextPublish?.getTime() ?? null,
        parts,
      );
      const insertPart = prepare('INSERT INTO crl_parts (crl_id, seq, bytes) VALUES (?, ?, ?)');
      for (let seq = 0; seq < parts; seq++) {
        insertPart.run(result.lastInsertRowid, seq, row.raw.subarray(seq * _CRL_PART, (seq + 1) * _CRL_PART));
      }
    },
    async hasExitEvent(event, context) {
      return (
        prepare('SELECT 1 FROM exit_events WHERE event = ? AND context = ? LIMIT 1').get(event, context) !== undefined
      );
    },
    async deleteExpiredCrls(now) {
      const expired = `SELECT crl_id FROM crls c WHERE next_update < ? AND crl_number < (
          SELECT max(crl_number) FROM crls n WHERE n.key_index = c.key_index AND n.is_delta = c.is_delta)`;
      prepare(`DELETE FROM crl_parts WHERE crl_id IN (${expired})`).run(now.getTime());
      return Number(prepare(`DELETE FROM crls WHERE crl_id IN (${expired})`).run(now.getTime()).changes);
    },
    async recordExitEvent(event, context) {
      // The modules to notify go with the event; their outbox rows are made from it (see sqliteExitOutbox).
      const modules = exitSubscribers(event);
      prepare('INSERT INTO exit_events (event, context, created_at, modules) VALUES (?, ?, ?, ?)').run(
        event,
        context,
        Date.now(),
        modules.length > 0 ? modules.join('\n') : null,
      );
    },
    async lockCrlIssuance() {
      // BEGIN IMMEDIATE already made this transaction the only writer of the file.
    },
  };

  const transaction = <T>(work: (tx: CaStoreTransaction) => Promise<T>): Promise<T> =>
    groupCommit.transaction(() => work(tx));

  // Short synchronous bookkeeping (the outbox, the idempotency store): at the head of the next group commit.
  const bookkeeping = <T>(work: () => T): Promise<T> => groupCommit.bookkeeping(work);

  const outbox = sqliteExitOutbox(prepare, bookkeeping);
  return {
    kind: 'sqlite',
    location: file,
    transaction,
    outbox,
    exitActions: sqliteExitActions(prepare, bookkeeping),
    setExitSubscribers(subscribers) {
      exitSubscribers = subscribers;
    },
    async getRequest(id) {
      return readThrough(requestRows, id, () => {
        const row = prepare('SELECT * FROM requests WHERE request_id = ?').get(id);
        return row && requestRowFromRecord(row);
      });
    },
    async getCertificate(requestId) {
      return readThrough(certificateRows, requestId, () => {
        const row = prepare('SELECT * FROM certificates WHERE request_id = ?').get(requestId);
        return row ? certificateRowFromRecord(row) : undefined;
      });
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
              ...(r.raw !== null && { raw: _bytes(r.raw) }),
              ...(r.request !== null && { request: _bytes(r.request) }),
              state: Number(r.state),
            }) satisfies CaCertificateRow,
        );
    },
    async getLatestCrl(keyIndex, isDelta) {
      const r = db
        .prepare('SELECT * FROM crls WHERE key_index = ? AND is_delta = ? ORDER BY crl_number DESC LIMIT 1')
        .get(keyIndex, isDelta ? 1 : 0);
      if (!r) return undefined;
      if (Number(r.raw_parts ?? 0) === 0) return { ...crlInfoFromRecord(r), raw: _bytes(r.raw) } satisfies CrlRow;
      const id = Number(r.crl_id);
      const size = Number(db.prepare('SELECT sum(length(bytes)) AS n FROM crl_parts WHERE crl_id = ?').get(id)?.n ?? 0);
      const raw = new Uint8Array(size);
      let offset = 0;
      for (const part of db.prepare('SELECT bytes FROM crl_parts WHERE crl_id = ? ORDER BY seq').iterate(id)) {
        raw.set(part.bytes as Uint8Array, offset);
        offset += (part.bytes as Uint8Array).length;
      }
      return { ...crlInfoFromRecord(r), raw } satisfies CrlRow;
    },
    async getLatestCrlInfo(keyIndex, isDelta) {
      const r = db
        .prepare(
          `SELECT key_index, crl_number, is_delta, this_update, next_update, next_publish FROM crls
           WHERE key_index = ? AND is_delta = ? ORDER BY crl_number DESC LIMIT 1`,
        )
        .get(keyIndex, isDelta ? 1 : 0);
      return r ? crlInfoFromRecord(r) : undefined;
    },
    revocations(query) {
      return sqliteRevocations(db, revocationStatements, query);
    },
    async estimateRevocations(keyIndex) {
      const row = db
        .prepare(`SELECT count(*) AS n FROM requests WHERE crl_key_index = ? AND disposition = ${DB_DISP_REVOKED}`)
        .get(keyIndex);
      return Number(row?.n ?? 0);
    },
    async listRequests(filter = {}) {
      const where = filter.dispositions?.length
        ? `WHERE disposition IN (${filter.dispositions.map(() => '?').join(', ')})`
        : '';
      return db
        .prepare(`SELECT * FROM requests ${where} ORDER BY request_id DESC LIMIT ?`)
        .all(...(filter.dispositions ?? []), filter.limit ?? 1000)
        .map(requestRowFromRecord);
    },
    async viewRows(query) {
      return sqliteViewRows(prepare, query);
    },
    async deleteRows(query) {
      const result = await groupCommit.transaction(async () => sqliteDeleteRows(db, query));
      if (query.table !== 'CRL')
        for (const id of result.deleted) {
          requestRows.forget(id);
          certificateRows.forget(id);
        }
      return result;
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
    async viewRequestPage(query) {
      return sqliteRequestViewPage(prepare, query);
    },
    async recordAudit(entry) {
      // Through the group commit: a bare write on this connection would join whatever batch is open.
      return groupCommit.bookkeeping(() =>
        Number(
          prepare(
            `INSERT INTO audit_log (at, identity, role, action, target, old_value, new_value)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            entry.at.getTime(),
            entry.identity,
            entry.role ?? null,
            entry.action,
            entry.target,
            entry.oldValue ?? null,
            entry.newValue ?? null,
          ).lastInsertRowid,
        ),
      );
    },
    async listAudit(options = {}) {
      return prepare('SELECT * FROM audit_log WHERE audit_id < ? ORDER BY audit_id DESC LIMIT ?')
        .all(options.before ?? Number.MAX_SAFE_INTEGER, options.limit ?? 100)
        .map(auditRecordFromRecord);
    },
    async getOutcome(requestId) {
      const row = prepare(
        `SELECT r.disposition, r.disposition_message, r.status_code, c.serial_number, c.raw_certificate
           FROM requests r LEFT JOIN certificates c ON c.request_id = r.request_id WHERE r.request_id = ?`,
      ).get(requestId);
      return row ? outcomeFromRecord(row) : undefined;
    },
    async findRequestIdBySerial(serialNumber) {
      const row = prepare('SELECT request_id FROM certificates WHERE serial_number = ?').get(serialNumber);
      return row ? Number(row.request_id) : undefined;
    },
    async hasExitEvent(event, context) {
      return (
        prepare('SELECT 1 FROM exit_events WHERE event = ? AND context = ? LIMIT 1').get(event, context) !== undefined
      );
    },
    async schemaVersion() {
      return Number(prepare('PRAGMA user_version').get()?.user_version ?? 0);
    },
    async crlNumberFloor() {
      return Number(prepare(`SELECT floor FROM ca_counters WHERE name = 'crl_number'`).get()?.floor ?? 0);
    },
    async leads() {
      return true;
    },
    transfer: sqliteTransfer({ db, prepare, bookkeeping, materialize: () => outbox.depth().then(() => undefined) }),
    walCheckpoints: {
      delegate: (request) => checkpointer.delegate(request),
      checkpoint() {
        // A checkpoint that fails (a full disk, an I/O error, a write transaction open here) is tried again at the
        // next request; the writer's own automatic checkpoint is the backstop.
        try {
          prepare('PRAGMA wal_checkpoint(PASSIVE)').get();
        } catch {}
      },
    },
    async close() {
      await checkpointer.close();
      db.close();
      marks.close();
    },
  };
}

/**
 * Opens the database file, creating it mode 0600 first when it is new (SQLite gives its -wal and -shm files the
 * database's mode), with an error that names the file and the cause when it cannot be opened.
 */
function _openDatabase(file: string): DatabaseSync {
  try {
    closeSync(openSync(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new StorageFaultError({
        fault: (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'disk-full' : 'cannot-open',
        path: file,
        detail: `cannot create it: ${(error as Error).message}`,
        cause: error,
      });
    }
  }
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new StorageFaultError({
      fault: 'read-only',
      path: file,
      detail: `${(error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message}: the CA needs to read and write its database (owner ${_owner(file)}, this process runs as uid ${process.getuid?.() ?? '?'})`,
      cause: error,
    });
  }
  try {
    const db = new DatabaseSync(file);
    db.exec('PRAGMA schema_version');
    return db;
  } catch (error) {
    const fault = storageFaultOf(error, file);
    if (StorageFaultError.isInstance(fault)) throw fault;
    throw new StorageFaultError({ fault: 'cannot-open', path: file, detail: (error as Error).message, cause: error });
  }
}

function _owner(file: string): string {
  try {
    const stat = statSync(file);
    return `uid ${stat.uid}, mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}`;
  } catch {
    return 'unknown';
  }
}

/** chmod 0600 when the file exists and is not already (never fails the open: the file may be another user's). */
function _restrict(file: string): void {
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  } catch {
    // Missing (no -wal yet), or not ours to change.
  }
}

/** What the database has handed out: the marks a database that went back in time would be behind. */
function _databaseMarks(prepare: (sql: string) => StatementSync): HighWaterMarks {
  // One statement, run after every commit.
  const row = prepare(
    `SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'requests') AS request_id,
            (SELECT seq FROM sqlite_sequence WHERE name = 'exit_events') AS event_id,
            (SELECT MAX(crl_number) FROM crls) AS crl_number,
            (SELECT floor FROM ca_counters WHERE name = 'crl_number') AS crl_floor`,
  ).get();
  return {
    requestId: Number(row?.request_id ?? 0),
    eventId: Number(row?.event_id ?? 0),
    crlNumber: Math.max(Number(row?.crl_number ?? 0), Number(row?.crl_floor ?? 0)),
  };
}

/**
 * Opens the high-water marks and compares them with the database: refuses a database that is behind them, unless
 * the operator accepts the loss, which raises the database's counters above the marks (nothing is ever reused).
 */
function _checkHighWaterMarks(
  db: DatabaseSync,
  file: string,
  markFile: string,
  acceptRollback: boolean,
): HighWaterMarkFile {
  let opened: ReturnType<typeof HighWaterMarkFile.open>;
  try {
    opened = HighWaterMarkFile.open(markFile);
  } catch (error) {
    db.close();
    throw new StorageFaultError({
      fault: 'cannot-open',
      path: markFile,
      detail: `the high-water-mark file cannot be opened: ${(error as Error).message}`,
      cause: error,
    });
  }
  const { file: marks, stored } = opened;
  // Read at open and once more after an accepted rollback raised the counters: not worth keeping the statement.
  const prepare = (sql: string) => db.prepare(sql);
  const now = _databaseMarks(prepare);
  const behind = stored ? marksBehind(now, stored) : [];
  if (behind.length > 0) {
    if (!acceptRollback) {
      db.close();
      marks.close();
      throw new DatabaseWentBackError({
        database: file,
        markFile,
        behind,
        ...(stored && { writtenAt: stored.writtenAt }),
        dir: dirname(file),
      });
    }
    const mark = stored!;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const [name, value] of [
        ['requests', mark.requestId],
        ['exit_events', mark.eventId],
      ] as const) {
        const updated = db.prepare('UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?').run(value, name);
        if (Number(updated.changes) === 0)
          db.prepare('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)').run(name, value);
      }
      db.prepare(
        `INSERT INTO ca_counters (name, floor) VALUES ('crl_number', ?)
           ON CONFLICT (name) DO UPDATE SET floor = MAX(floor, excluded.floor)`,
      ).run(mark.crlNumber);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      db.close();
      marks.close();
      throw error;
    }
  }
  marks.raise(_databaseMarks(prepare));
  return marks;
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

/** Every request column, in {@link _insertRequestValues}' order: one statement serves every insert. */
const _INSERT_REQUEST = `INSERT INTO requests (${[...Object.values(_REQUEST_COLUMNS), 'request_name_json', 'system_json'].join(', ')})
  VALUES (${[...Object.values(_REQUEST_COLUMNS), '', ''].map(() => '?').join(', ')})`;

/** Columns with a NOT NULL default in the schema, and the default an absent field gets. */
const _REQUEST_DEFAULTS: Partial<Record<keyof typeof _REQUEST_COLUMNS, SQLInputValue>> = {
  RequestFlags: 0,
  StatusCode: 0,
};

function _insertRequestValues(row: Omit<RequestRow, 'RequestID'>): SQLInputValue[] {
  const values: SQLInputValue[] = [];
  for (const field of Object.keys(_REQUEST_COLUMNS) as Array<keyof typeof _REQUEST_COLUMNS>) {
    const value = row[field];
    values.push(
      value === undefined ? (_REQUEST_DEFAULTS[field] ?? null) : value instanceof Date ? value.getTime() : value,
    );
  }
  values.push(propertiesToJson(row.requestName ?? {}), propertiesToJson(row.system ?? {}));
  return values;
}

const _bytes = storedBytes;

/** Size of the parts a large CRL is stored in. */
const _CRL_PART = 1 << 20;
