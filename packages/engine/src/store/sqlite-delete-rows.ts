import type { DatabaseSync } from 'node:sqlite';
import { DB_DISP_DENIED, DB_DISP_ERROR, DB_DISP_PENDING, DB_DISP_REVOKED } from '@certexit/core';

/** The tables of `certutil -deleterow`. */
export type DeleteRowsTable = 'Request' | 'Cert' | 'Ext' | 'Attrib' | 'CRL';

/** One `deleterow`: a row by its id (RequestID, or the CRL's row id), or the rows older than a date. */
export type DeleteRowsQuery =
  | { readonly table: DeleteRowsTable; readonly id: number; readonly now: Date }
  | { readonly table: DeleteRowsTable; readonly before: Date; readonly now: Date };

/** What was deleted, and what matched but was kept (with why). */
export interface DeleteRowsResult {
  readonly table: DeleteRowsTable;
  /** RequestIDs (CRL row ids for CRL) whose rows went. */
  readonly deleted: number[];
  /** Rows the date matched that must stay: undelivered exit events, an expired revoked certificate still published. */
  readonly kept: Array<{ id: number; reason: string }>;
}

/**
 * `certutil -deleterow` with AD CS's rules, in one transaction: by id, any request (with its certificate, extensions
 * and attributes), a request's extensions or attributes, or a CRL; by date, only failed, denied and pending requests
 * submitted before it (Request), certificates expired before it (Cert) and CRLs whose nextUpdate passed before it
 * (CRL). Never deleted: a revoked certificate that has not expired (it belongs on the CRL), a request whose exit
 * events modules have not had yet, the newest base and delta CRL of a key. RequestIDs are AUTOINCREMENT, so a
 * deleted one is never handed out again; CRL numbers continue above a floor raised before a CRL is deleted.
 */
export function sqliteDeleteRows(db: DatabaseSync, query: DeleteRowsQuery): DeleteRowsResult {
  const now = query.now.getTime();
  const kept: DeleteRowsResult['kept'] = [];
  const byId = 'id' in query;
  if (!byId && (query.table === 'Ext' || query.table === 'Attrib'))
    throw new Error(`deleterow by date takes Request, Cert or CRL: ${query.table} rows go by RequestID only`);

  if (query.table === 'CRL') {
    const candidates = byId
      ? db
          .prepare('SELECT crl_id, key_index, is_delta, crl_number, next_update FROM crls WHERE crl_id = ?')
          .all(query.id)
      : db
          .prepare(
            'SELECT crl_id, key_index, is_delta, crl_number, next_update FROM crls WHERE next_update < ? AND next_update < ?',
          )
          .all(query.before.getTime(), now);
    if (byId && candidates.length === 0) throw new Error(`there is no CRL row ${query.id}`);
    const newest = new Set(
      db
        .prepare(
          `SELECT c.crl_id FROM crls c WHERE c.crl_number = (SELECT MAX(crl_number) FROM crls d
             WHERE d.key_index = c.key_index AND d.is_delta = c.is_delta)`,
        )
        .all()
        .map((r) => Number(r.crl_id)),
    );
    const deleted: number[] = [];
    // CRL numbers continue above every number handed out, whichever rows are gone.
    db.prepare(
      `INSERT INTO ca_counters (name, floor) VALUES ('crl_number', (SELECT COALESCE(MAX(crl_number), 0) FROM crls))
         ON CONFLICT (name) DO UPDATE SET floor = MAX(floor, excluded.floor)`,
    ).run();
    for (const row of candidates) {
      const id = Number(row.crl_id);
      if (newest.has(id)) {
        const reason = `it is the newest ${Number(row.is_delta) ? 'delta' : 'base'} CRL of key ${row.key_index}`;
        if (byId) throw new Error(`CRL row ${id} stays: ${reason}`);
        kept.push({ id, reason });
        continue;
      }
      db.prepare('DELETE FROM crl_parts WHERE crl_id = ?').run(id);
      db.prepare('DELETE FROM crls WHERE crl_id = ?').run(id);
      deleted.push(id);
    }
    return { table: query.table, deleted, kept };
  }

  let ids: number[];
  if (byId) {
    const row = db.prepare('SELECT request_id FROM requests WHERE request_id = ?').get(query.id);
    if (!row) throw new Error(`there is no request ${query.id}`);
    ids = [query.id];
  } else if (query.table === 'Request') {
    ids = db
      .prepare(`SELECT request_id FROM requests WHERE disposition IN (?, ?, ?) AND submitted_when < ?`)
      .all(DB_DISP_PENDING, DB_DISP_ERROR, DB_DISP_DENIED, query.before.getTime())
      .map((r) => Number(r.request_id));
  } else {
    ids = db
      .prepare(`SELECT request_id FROM certificates WHERE not_after < ? AND not_after < ?`)
      .all(query.before.getTime(), now)
      .map((r) => Number(r.request_id));
  }
  if (query.table === 'Ext' || query.table === 'Attrib') {
    const table = query.table === 'Ext' ? 'request_extensions' : 'request_attributes';
    const changes = Number(db.prepare(`DELETE FROM ${table} WHERE request_id = ?`).run(ids[0]!).changes);
    return { table: query.table, deleted: changes > 0 ? ids : [], kept };
  }

  const deleted: number[] = [];
  const cursor = Number(
    db.prepare('SELECT last_event_id FROM exit_outbox_cursor WHERE id = 1').get()?.last_event_id ?? 0,
  );
  for (const id of ids) {
    const reason = _keepReason(db, id, now, cursor);
    if (reason) {
      if (byId) throw new Error(`request ${id} stays: ${reason}`);
      kept.push({ id, reason });
      continue;
    }
    db.prepare('DELETE FROM request_extensions WHERE request_id = ?').run(id);
    db.prepare('DELETE FROM request_attributes WHERE request_id = ?').run(id);
    db.prepare('DELETE FROM certificates WHERE request_id = ?').run(id);
    db.prepare('DELETE FROM requests WHERE request_id = ?').run(id);
    deleted.push(id);
  }
  return { table: query.table, deleted, kept };
}

function _keepReason(db: DatabaseSync, id: number, now: number, cursor: number): string | undefined {
  const row = db
    .prepare(
      `SELECT r.disposition, r.publish_expired_cert_in_crl, c.not_after FROM requests r
         LEFT JOIN certificates c ON c.request_id = r.request_id WHERE r.request_id = ?`,
    )
    .get(id);
  if (row && Number(row.disposition) === DB_DISP_REVOKED) {
    if (row.not_after === null || Number(row.not_after) >= now)
      return 'its certificate is revoked and not expired: it belongs on the CRL';
    if (Number(row.publish_expired_cert_in_crl ?? 0) !== 0)
      return 'its expired revoked certificate is still published on the CRL (PublishExpiredCertInCRL)';
  }
  const open = db
    .prepare(
      `SELECT prog_id, count(*) AS n FROM exit_outbox WHERE context = ? AND status IN ('pending', 'delivering') GROUP BY prog_id`,
    )
    .all(id);
  if (open.length > 0)
    return `exit modules have not had its events yet (${open.map((o) => `${o.prog_id}: ${o.n}`).join(', ')}); deliver, retry or drop them first`;
  const waiting = Number(
    db
      .prepare(
        `SELECT count(*) AS n FROM exit_events WHERE context = ? AND event_id > ? AND modules IS NOT NULL AND modules != ''`,
      )
      .get(id, cursor)?.n ?? 0,
  );
  if (waiting > 0) return `${waiting} of its exit events wait for delivery; deliver them first`;
  return undefined;
}
