import { DB_DISP_REVOKED } from '@certexit/core';
import type {
  CaCertificateRow,
  CaStore,
  CaStoreOpenContext,
  CaStoreSettings,
  ExitEventRow,
  StoredExtension,
} from '@certexit/engine';
import { certificateRowFromRecord, crlInfoFromRecord, outcomeFromRecord, requestRowFromRecord } from '@certexit/engine';
import pg from 'pg';
import { migratePostgresSchema } from './migrate-postgres-schema';
import { postgresConnection } from './postgres-connection';
import { postgresDeleteRows } from './postgres-delete-rows';
import { postgresExitActions } from './postgres-exit-actions';
import { postgresExitOutbox } from './postgres-exit-outbox';
import { postgresFaultOf } from './postgres-fault';
import { checkPostgresHighWaterMarks } from './postgres-high-water-marks';
import { PostgresLeadership } from './postgres-leadership';
import { outboxChannel, schemaLockKey } from './postgres-lock-keys';
import { PostgresNotifications } from './postgres-notifications';
import { PostgresRequestIds } from './postgres-request-ids';
import { postgresRequestViewPage } from './postgres-request-view';
import { postgresRevocations } from './postgres-revocations';
import { bytes } from './postgres-rows';
import { PostgresTransactions } from './postgres-transactions';
import { postgresTransfer } from './postgres-transfer';
import { postgresListAudit, postgresRecordAudit, postgresViewRows } from './postgres-views';

/** What {@link openPostgresStore} opens besides the settings. */
export interface PostgresStoreOptions extends CaStoreOpenContext {
  /** Write batches sent at once (see `PostgresTransactions`). @default 2 */
  readonly batchesInFlight?: number;
}

/**
 * Opens a CA's store on PostgreSQL: a connection pool (`DBPoolSize`, statement timeout, TLS verified when
 * configured, the password from a file or the environment), the schema migrated to the newest version, and the
 * CA folder's high-water mark checked against the database (see `checkPostgresHighWaterMarks`). Several engine
 * nodes may open the same schema: RequestIDs and EventIDs come from its sequences, the outbox is shared (see
 * `postgresExitOutbox`), CRL issuance takes a transaction lock and the CRL schedule a session lock.
 */
export async function openPostgresStore(settings: CaStoreSettings, options: PostgresStoreOptions): Promise<CaStore> {
  const connection = postgresConnection(settings);
  const { schema, location } = connection;
  const pool = new pg.Pool({ ...connection.config, max: connection.poolSize, idleTimeoutMillis: 30_000 });
  // An idle connection the server dropped must not end the process; the next query opens another.
  pool.on('error', () => undefined);
  const fault = (error: unknown) => postgresFaultOf(error, location);
  let sequences: { requests: string; events: string };
  let marks: Awaited<ReturnType<typeof checkPostgresHighWaterMarks>>;
  try {
    const client = await pool.connect();
    try {
      await migratePostgresSchema(client, schema);
      const r = await client.query(
        `SELECT pg_get_serial_sequence('"${schema}".requests', 'request_id') AS requests,
                pg_get_serial_sequence('"${schema}".exit_events', 'event_id') AS events`,
      );
      sequences = { requests: String(r.rows[0]!.requests), events: String(r.rows[0]!.events) };
    } finally {
      client.release();
    }
    marks = await checkPostgresHighWaterMarks(pool, sequences, options, location);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw fault(error);
  }
  const channel = outboxChannel(schema);
  const lockKey = schemaLockKey(schema);
  let subscribers: (event: number) => readonly string[] = () => [];
  const transactions = new PostgresTransactions({
    pool,
    ids: new PostgresRequestIds(pool, sequences.requests),
    channel,
    lockKey,
    subscribers: (event) => subscribers(event),
    committed(result) {
      try {
        marks.raise(result);
      } catch (error) {
        // The commit stands; the mark catches up with the next one.
        process.emitWarning(`certexit: could not raise the high-water mark ${marks.file}: ${(error as Error).message}`);
      }
    },
    fault,
    ...(options.batchesInFlight !== undefined && { batchesInFlight: options.batchesInFlight }),
  });
  const q = transactions.query.bind(transactions);
  const notifications = new PostgresNotifications(connection.config, channel);
  const leadership = new PostgresLeadership(connection.config, lockKey);
  const outbox = postgresExitOutbox({ pool, query: q, channel, notifications, leaseMs: connection.leaseMs, fault });
  let closed: Promise<void> | undefined;
  return {
    kind: 'postgres',
    location,
    transaction: (work) => transactions.run(work),
    outbox,
    exitActions: postgresExitActions(q),
    setExitSubscribers(next) {
      subscribers = next;
    },
    async viewRows(query) {
      return postgresViewRows(q, query);
    },
    async deleteRows(query) {
      const client = await pool.connect().catch((error) => {
        throw fault(error);
      });
      try {
        await client.query('BEGIN');
        const result = await postgresDeleteRows(client, lockKey, query);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw fault(error);
      } finally {
        client.release();
      }
    },
    async viewRequestPage(query) {
      return postgresRequestViewPage(q, query);
    },
    async recordAudit(entry) {
      return postgresRecordAudit(q, entry);
    },
    async listAudit(options) {
      return postgresListAudit(q, options);
    },
    async getRequest(id) {
      const r = await q('SELECT * FROM requests WHERE request_id = $1', [id], 'certexit_get_request');
      return r.rows[0] ? requestRowFromRecord(r.rows[0]) : undefined;
    },
    async getCertificate(requestId) {
      const r = await q('SELECT * FROM certificates WHERE request_id = $1', [requestId], 'certexit_get_certificate');
      return r.rows[0] ? certificateRowFromRecord(r.rows[0]) : undefined;
    },
    async getAttributes(requestId) {
      const r = await q<{ name: string; value: string }>(
        'SELECT name, value FROM request_attributes WHERE request_id = $1 ORDER BY seq',
        [requestId],
        'certexit_get_attributes',
      );
      return r.rows.map((row) => [row.name, row.value] as [string, string]);
    },
    async getExtensions(requestId) {
      const r = await q(
        'SELECT oid, flags, value FROM request_extensions WHERE request_id = $1 ORDER BY seq',
        [requestId],
        'certexit_get_extensions',
      );
      return r.rows.map(
        (row) =>
          ({ oid: String(row.oid), flags: Number(row.flags), value: bytes(row.value) }) satisfies StoredExtension,
      );
    },
    async listCaCertificates() {
      const r = await q('SELECT * FROM ca_certificates ORDER BY cert_index', [], 'certexit_ca_certificates');
      return r.rows.map(
        (row) =>
          ({
            certIndex: Number(row.cert_index),
            keyIndex: Number(row.key_index),
            ...(row.raw !== null && { raw: bytes(row.raw) }),
            ...(row.request !== null && { request: bytes(row.request) }),
            state: Number(row.state),
          }) satisfies CaCertificateRow,
      );
    },
    async getLatestCrl(keyIndex, isDelta) {
      const r = await q('SELECT * FROM crls WHERE key_index = $1 AND is_delta = $2 ORDER BY crl_number DESC LIMIT 1', [
        keyIndex,
        isDelta ? 1 : 0,
      ]);
      const row = r.rows[0];
      return row ? { ...crlInfoFromRecord(row), raw: bytes(row.raw) } : undefined;
    },
    async getLatestCrlInfo(keyIndex, isDelta) {
      const r = await q(
        `SELECT key_index, crl_number, is_delta, this_update, next_update, next_publish FROM crls
          WHERE key_index = $1 AND is_delta = $2 ORDER BY crl_number DESC LIMIT 1`,
        [keyIndex, isDelta ? 1 : 0],
        'certexit_latest_crl_info',
      );
      return r.rows[0] ? crlInfoFromRecord(r.rows[0]) : undefined;
    },
    revocations(query) {
      return postgresRevocations(q, query);
    },
    async estimateRevocations(keyIndex) {
      const r = await q(
        `SELECT count(*) AS n FROM requests WHERE crl_key_index = $1 AND disposition = ${DB_DISP_REVOKED}`,
        [keyIndex],
      );
      return Number(r.rows[0]?.n ?? 0);
    },
    async listRequests(filter = {}) {
      const r = filter.dispositions?.length
        ? await q('SELECT * FROM requests WHERE disposition = ANY($1::bigint[]) ORDER BY request_id DESC LIMIT $2', [
            filter.dispositions,
            filter.limit ?? 1000,
          ])
        : await q('SELECT * FROM requests ORDER BY request_id DESC LIMIT $1', [filter.limit ?? 1000]);
      return r.rows.map(requestRowFromRecord);
    },
    async listExitEvents(afterId = 0) {
      const r = await q('SELECT * FROM exit_events WHERE event_id > $1 ORDER BY event_id', [afterId]);
      return r.rows.map(
        (row) =>
          ({
            id: Number(row.event_id),
            event: Number(row.event),
            context: Number(row.context),
            createdAt: new Date(Number(row.created_at)),
          }) satisfies ExitEventRow,
      );
    },
    async getOutcome(requestId) {
      const r = await q(
        `SELECT r.disposition, r.disposition_message, r.status_code, c.serial_number, c.raw_certificate
           FROM requests r LEFT JOIN certificates c ON c.request_id = r.request_id WHERE r.request_id = $1`,
        [requestId],
        'certexit_outcome',
      );
      const row = r.rows[0];
      return row ? outcomeFromRecord(row) : undefined;
    },
    async findRequestIdBySerial(serialNumber) {
      const r = await q(
        'SELECT request_id FROM certificates WHERE serial_number = $1',
        [serialNumber],
        'certexit_by_serial',
      );
      return r.rows[0] ? Number(r.rows[0].request_id) : undefined;
    },
    async hasExitEvent(event, context) {
      const r = await q(
        'SELECT 1 FROM exit_events WHERE event = $1 AND context = $2 LIMIT 1',
        [event, context],
        'certexit_has_event',
      );
      return (r.rowCount ?? 0) > 0;
    },
    async crlNumberFloor() {
      const r = await q(`SELECT floor FROM ca_counters WHERE name = 'crl_number'`);
      return Number(r.rows[0]?.floor ?? 0);
    },
    async schemaVersion() {
      const r = await q('SELECT coalesce(max(version), 0) AS v FROM certexit_schema_migrations');
      return Number(r.rows[0]?.v ?? 0);
    },
    leads() {
      return leadership.leads();
    },
    transfer: postgresTransfer(pool, schema),
    close() {
      closed ??= (async () => {
        outbox.close();
        notifications.close();
        await leadership.close();
        marks.close();
        await pool.end();
      })();
      return closed;
    },
  };
}
