import { DB_DISP_DENIED, DB_DISP_ERROR, DB_DISP_PENDING, DB_DISP_REVOKED } from '@certexit/core';
import type { DeleteRowsQuery, DeleteRowsResult } from '@certexit/engine';
import type pg from 'pg';
import { POSTGRES_LOCKS } from './postgres-lock-keys';

/**
 * `certutil -deleterow` with the SQLite store's rules (`sqliteDeleteRows`), in one transaction: by id any request
 * (with its certificate, extensions and attributes), a request's extensions or attributes, or a CRL; by date only
 * failed, denied and pending requests submitted before it, certificates expired before it and CRLs whose
 * nextUpdate passed. Never deleted: a revoked certificate that has not expired (or one still published expired), a
 * request whose outbox rows modules have not had yet (rows are written with their event here, so there is no
 * cursor to compare with), the newest base and delta CRL of a key. RequestIDs come from an identity sequence and
 * are never handed out again; CRL numbers continue above the `crl_number` floor raised before a CRL goes.
 */
export async function postgresDeleteRows(
  client: pg.PoolClient,
  lockKey: number,
  query: DeleteRowsQuery,
): Promise<DeleteRowsResult> {
  const q = async (text: string, values: unknown[] = []) => (await client.query(text, values)).rows;
  const now = query.now.getTime();
  const kept: Array<{ id: number; reason: string }> = [];
  const byId = 'id' in query;
  if (!byId && (query.table === 'Ext' || query.table === 'Attrib'))
    throw new Error(`deleterow by date takes Request, Cert or CRL: ${query.table} rows go by RequestID only`);

  if (query.table === 'CRL') {
    // The CRL issuers' lock: no CRL is being numbered while the floor is raised and rows go.
    await q('SELECT pg_advisory_xact_lock($1, $2)', [lockKey, POSTGRES_LOCKS.crlIssuance]);
    const candidates = byId
      ? await q('SELECT crl_id, key_index, is_delta FROM crls WHERE crl_id = $1', [query.id])
      : await q('SELECT crl_id, key_index, is_delta FROM crls WHERE next_update < $1 AND next_update < $2', [
          query.before.getTime(),
          now,
        ]);
    if (byId && candidates.length === 0) throw new Error(`there is no CRL row ${query.id}`);
    const newest = new Set(
      (
        await q(
          `SELECT c.crl_id FROM crls c WHERE c.crl_number = (SELECT MAX(crl_number) FROM crls d
             WHERE d.key_index = c.key_index AND d.is_delta = c.is_delta)`,
        )
      ).map((r) => Number(r.crl_id)),
    );
    await q(
      `INSERT INTO ca_counters (name, floor) VALUES ('crl_number', (SELECT COALESCE(MAX(crl_number), 0) FROM crls))
         ON CONFLICT (name) DO UPDATE SET floor = GREATEST(ca_counters.floor, excluded.floor)`,
    );
    const deleted: number[] = [];
    for (const row of candidates) {
      const id = Number(row.crl_id);
      if (newest.has(id)) {
        const reason = `it is the newest ${Number(row.is_delta) ? 'delta' : 'base'} CRL of key ${row.key_index}`;
        if (byId) throw new Error(`CRL row ${id} stays: ${reason}`);
        kept.push({ id, reason });
        continue;
      }
      await q('DELETE FROM crls WHERE crl_id = $1', [id]);
      deleted.push(id);
    }
    return { table: query.table, deleted, kept };
  }

  let ids: number[];
  if (byId) {
    if ((await q('SELECT request_id FROM requests WHERE request_id = $1', [query.id])).length === 0)
      throw new Error(`there is no request ${query.id}`);
    ids = [query.id];
  } else if (query.table === 'Request') {
    ids = (
      await q(
        'SELECT request_id FROM requests WHERE disposition IN ($1, $2, $3) AND submitted_when < $4 ORDER BY request_id',
        [DB_DISP_PENDING, DB_DISP_ERROR, DB_DISP_DENIED, query.before.getTime()],
      )
    ).map((r) => Number(r.request_id));
  } else {
    ids = (
      await q('SELECT request_id FROM certificates WHERE not_after < $1 AND not_after < $2 ORDER BY request_id', [
        query.before.getTime(),
        now,
      ])
    ).map((r) => Number(r.request_id));
  }
  if (query.table === 'Ext' || query.table === 'Attrib') {
    const table = query.table === 'Ext' ? 'request_extensions' : 'request_attributes';
    const r = await client.query(`DELETE FROM ${table} WHERE request_id = $1`, [ids[0]]);
    return { table: query.table, deleted: (r.rowCount ?? 0) > 0 ? ids : [], kept };
  }

  const deleted: number[] = [];
  for (const id of ids) {
    const reason = await _keepReason(q, id, now);
    if (reason) {
      if (byId) throw new Error(`request ${id} stays: ${reason}`);
      kept.push({ id, reason });
      continue;
    }
    await q('DELETE FROM request_extensions WHERE request_id = $1', [id]);
    await q('DELETE FROM request_attributes WHERE request_id = $1', [id]);
    await q('DELETE FROM certificates WHERE request_id = $1', [id]);
    await q('DELETE FROM requests WHERE request_id = $1', [id]);
    deleted.push(id);
  }
  return { table: query.table, deleted, kept };
}

async function _keepReason(
  q: (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>,
  id: number,
  now: number,
): Promise<string | undefined> {
  const [row] = await q(
    `SELECT r.disposition, r.publish_expired_cert_in_crl, c.not_after FROM requests r
       LEFT JOIN certificates c ON c.request_id = r.request_id WHERE r.request_id = $1 FOR UPDATE OF r`,
    [id],
  );
  if (row && Number(row.disposition) === DB_DISP_REVOKED) {
    if (row.not_after === null || Number(row.not_after) >= now)
      return 'its certificate is revoked and not expired: it belongs on the CRL';
    if (Number(row.publish_expired_cert_in_crl ?? 0) !== 0)
      return 'its expired revoked certificate is still published on the CRL (PublishExpiredCertInCRL)';
  }
  const open = await q(
    `SELECT prog_id, count(*) AS n FROM exit_outbox WHERE context = $1 AND status IN ('pending', 'delivering')
       GROUP BY prog_id ORDER BY prog_id`,
    [id],
  );
  if (open.length > 0)
    return `exit modules have not had its events yet (${open.map((o) => `${o.prog_id}: ${o.n}`).join(', ')}); deliver, retry or drop them first`;
  return undefined;
}
