import { AsyncLocalStorage } from 'node:async_hooks';
import type { CaStoreTransaction } from '@certexit/engine';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { POSTGRES_LOCKS } from './postgres-lock-keys';
import type { PostgresRequestIds } from './postgres-request-ids';
import type { WriteOp, WriteResult } from './postgres-write-ops';
import {
  BATCH_STATEMENT,
  batchParameters,
  executeOps,
  highestRequestId,
  isBatchable,
  parentRequestOf,
} from './postgres-write-ops';

/** Options of {@link PostgresTransactions}. */
export interface PostgresTransactionsOptions {
  readonly pool: Pool;
  readonly ids: PostgresRequestIds;
  /** The outbox's NOTIFY channel. */
  readonly channel: string;
  /** The schema's first advisory-lock key. */
  readonly lockKey: number;
  /** The modules subscribed to an event (`setExitSubscribers`). */
  readonly subscribers: (event: number) => readonly string[];
  /** Called after each commit with what it handed out, before anyone is answered (the high-water mark). */
  readonly committed: (result: WriteResult) => void;
  /** Maps a database error to what the caller gets (a storage fault). */
  readonly fault: (error: unknown) => unknown;
  /** Batches sent at once; more wait and join the next. @default 2 */
  readonly batchesInFlight?: number;
}

type _Settle = (value?: unknown) => void;

/** One transaction: its writes until they are sent, and its connection once it has one. */
class _Unit {
  readonly ops: WriteOp[] = [];
  /** RequestIDs this transaction inserted, and whether their insert is still unsent. */
  readonly created = new Map<number, Extract<WriteOp, { kind: 'request' }> | undefined>();
  client: PoolClient | undefined;
  opening: Promise<PoolClient> | undefined;
  sent: WriteResult = { requestId: 0, eventId: 0, crlNumber: 0, outboxRows: 0 };
  done = false;
}

/**
 * Transactions over a connection pool, shaped for a CA's writes. A transaction's writes are kept in memory while
 * its work runs (a RequestID comes from a block reserved ahead, see `PostgresRequestIds`); what happens then
 * depends on what the work did:
 * - only new rows (a submission: the request, its attributes and extensions, the certificate, the exit event):
 *   the writes join a batch with those of the transactions that finished meanwhile, sent as one statement
 *   (`BATCH_STATEMENT`) with one commit, so issuance costs a fraction of a round trip and of a commit each; a
 *   batch that fails on a constraint is sent again one transaction at a time, so only the guilty one fails;
 * - a read inside the work (`tx.hasExitEvent`, or any read of the store while the work runs, found through
 *   AsyncLocalStorage), a lock (`lockCrlIssuance`), or writes that change rows: the transaction takes a connection
 *   of its own, `BEGIN`s, sends what it kept, and runs the rest there, reads seeing its own writes, as in SQLite.
 * No caller is answered before its writes are committed.
 */
export class PostgresTransactions {
  private readonly current = new AsyncLocalStorage<_Unit>();
  private readonly queue: Array<{ unit: _Unit; resolve: _Settle; reject: _Settle }> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: PostgresTransactionsOptions) {}

  /** Runs `work` as one transaction (see the class). */
  async run<T>(work: (tx: CaStoreTransaction) => Promise<T>): Promise<T> {
    const unit = new _Unit();
    let value: T;
    try {
      value = await this.current.run(unit, () => work(this.tx(unit)));
    } catch (error) {
      await this.end(unit, false);
      throw error;
    }
    try {
      await this.end(unit, true);
    } catch (error) {
      throw this.options.fault(error);
    }
    return value;
  }

  /**
   * Runs a read on the current transaction's connection when called from inside one (it becomes interactive),
   * else on any connection of the pool.
   */
  async query<R extends QueryResultRow>(text: string, values?: unknown[], name?: string) {
    const unit = this.current.getStore();
    try {
      if (unit && !unit.done) {
        const client = await this.connect(unit);
        return await client.query<R>({ text, values, ...(name && { name }) });
      }
      return await this.options.pool.query<R>({ text, values, ...(name && { name }) });
    } catch (error) {
      throw this.options.fault(error);
    }
  }

  private tx(unit: _Unit): CaStoreTransaction {
    const keep = (op: WriteOp) => {
      if (unit.done) throw new Error('the transaction has ended');
      unit.ops.push(op);
    };
    /**
     * Whether a set of attributes or extensions must delete what the database holds first: not for a request this
     * transaction made and has not sent yet (its earlier unsent set is simply dropped here).
     */
    const replaceOf = (kind: 'attributes' | 'extensions', requestId: number): boolean => {
      if (!unit.created.has(requestId)) return true;
      for (let i = unit.ops.length - 1; i >= 0; i--) {
        const op = unit.ops[i]!;
        if (op.kind === kind && op.requestId === requestId) unit.ops.splice(i, 1);
      }
      return unit.created.get(requestId) === undefined;
    };
    return {
      insertRequest: async (row) => {
        const id = await this.options.ids.next();
        const op = { kind: 'request' as const, id, row: { ...row } };
        keep(op);
        unit.created.set(id, op);
        return id;
      },
      updateRequest: async (id, changes) => {
        const unsent = unit.created.get(id);
        if (unsent) Object.assign(unsent.row, changes);
        else keep({ kind: 'update-request', id, changes: { ...changes } });
      },
      insertCertificate: async (row) => keep({ kind: 'certificate', row }),
      setAttributes: async (requestId, rows) =>
        keep({ kind: 'attributes', requestId, rows: [...rows], replace: replaceOf('attributes', requestId) }),
      setExtensions: async (requestId, rows) =>
        keep({ kind: 'extensions', requestId, rows: [...rows], replace: replaceOf('extensions', requestId) }),
      addCaCertificate: async (row) => keep({ kind: 'ca-certificate', row }),
      updateCaCertificate: async (certIndex, changes) => keep({ kind: 'update-ca-certificate', certIndex, ...changes }),
      addCrl: async (row) => keep({ kind: 'crl', row }),
      deleteExpiredCrls: async (now) => {
        // The newest base and delta of each key stay whatever their nextUpdate: the CA still serves them.
        const client = await this.connect(unit);
        const r = await client.query(
          `DELETE FROM crls c WHERE next_update < $1 AND crl_number < (
             SELECT max(crl_number) FROM crls n WHERE n.key_index = c.key_index AND n.is_delta = c.is_delta)`,
          [now.getTime()],
        );
        return r.rowCount ?? 0;
      },
      recordExitEvent: async (event, context) =>
        keep({ kind: 'event', event, context, createdAt: Date.now(), modules: this.options.subscribers(event) }),
      hasExitEvent: async (event, context) => {
        const client = await this.connect(unit);
        const r = await client.query({
          name: 'certexit_has_event',
          text: 'SELECT 1 FROM exit_events WHERE event = $1 AND context = $2 LIMIT 1',
          values: [event, context],
        });
        return (r.rowCount ?? 0) > 0;
      },
      lockCrlIssuance: async () => {
        const client = await this.connect(unit);
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [this.options.lockKey, POSTGRES_LOCKS.crlIssuance]);
      },
    };
  }

  /** Gives the transaction a connection of its own, BEGUN, with what it kept so far sent. */
  private connect(unit: _Unit): Promise<PoolClient> {
    if (unit.client) return this.flush(unit).then(() => unit.client!);
    unit.opening ??= (async () => {
      const client = await this.options.pool.connect();
      try {
        await client.query('BEGIN');
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      unit.client = client;
      await this.flush(unit);
      return client;
    })();
    return unit.opening;
  }

  /** Sends the kept writes on the transaction's connection. */
  private async flush(unit: _Unit): Promise<void> {
    if (unit.ops.length === 0) return;
    const ops = unit.ops.splice(0);
    for (const op of ops) if (op.kind === 'request') unit.created.set(op.id, undefined);
    // A request's own insert comes before its rows (its RequestID comes from it), in this flush or an earlier one.
    const sent = await executeOps(unit.client!, ops, unit.created.keys());
    unit.sent = _merge(unit.sent, sent);
  }

  /** Ends a transaction: commits (or rolls back) its connection, or sends its writes, batched when it can. */
  private async end(unit: _Unit, commit: boolean): Promise<void> {
    if (unit.opening) await unit.opening.catch(() => undefined);
    const client = unit.client;
    if (!commit) {
      unit.done = true;
      if (client) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
        unit.client = undefined;
      }
      return;
    }
    if (!client && unit.ops.length === 0) {
      unit.done = true;
      return;
    }
    if (!client && unit.ops.every((op) => isBatchable(op) && _ownParent(unit, op))) {
      unit.done = true;
      await new Promise((resolve, reject) => {
        this.queue.push({ unit, resolve, reject });
        this.schedule();
      });
      return;
    }
    let failed: unknown;
    try {
      const own = client ?? (await this.connect(unit));
      await this.flush(unit);
      if (unit.sent.outboxRows > 0) await own.query('SELECT pg_notify($1, $2)', [this.options.channel, '']);
      await own.query('COMMIT');
      this.options.committed(unit.sent);
    } catch (error) {
      failed = error;
      await unit.client?.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      unit.done = true;
      unit.client?.release(_brokenConnection(failed) ? (failed as Error) : undefined);
      unit.client = undefined;
    }
  }

  /** Starts a batch when one may go: in the next turn of the event loop, so the units of this one join it. */
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    if (this.inFlight >= (this.options.batchesInFlight ?? 2)) return;
    this.scheduled = true;
    // Outside any transaction's context: the batch belongs to none of them.
    this.current.exit(() => setImmediate(() => void this.sendBatch()));
  }

  private async sendBatch(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue.splice(0, 256);
    if (batch.length === 0) return;
    this.inFlight++;
    this.schedule();
    try {
      const ops = batch.flatMap((b) => b.unit.ops);
      try {
        const r = await this.options.pool.query({
          name: 'certexit_batch',
          text: BATCH_STATEMENT,
          values: batchParameters(ops, this.options.channel),
        });
        this.options.committed({
          requestId: highestRequestId(ops),
          eventId: Number(r.rows[0]?.event_id ?? 0),
          crlNumber: 0,
          outboxRows: Number(r.rows[0]?.outbox_rows ?? 0),
        });
        for (const b of batch) b.resolve();
      } catch (error) {
        if (batch.length > 1 && _isDataError(error)) {
          // One transaction's rows broke a constraint: send each alone, so only that one fails.
          await Promise.all(batch.map((b) => this.sendAlone(b.unit).then(b.resolve, b.reject)));
        } else for (const b of batch) b.reject(this.options.fault(error));
      }
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async sendAlone(unit: _Unit): Promise<void> {
    const client = await this.options.pool.connect();
    let failed: unknown;
    try {
      await client.query('BEGIN');
      const sent = await executeOps(client, unit.ops);
      if (sent.outboxRows > 0) await client.query('SELECT pg_notify($1, $2)', [this.options.channel, '']);
      await client.query('COMMIT');
      this.options.committed(sent);
    } catch (error) {
      failed = error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.options.fault(error);
    } finally {
      client.release(_brokenConnection(failed) ? (failed as Error) : undefined);
    }
  }
}

/** Whether a write adds rows to no request, or to one this transaction inserts (the batch writes both together). */
function _ownParent(unit: _Unit, op: WriteOp): boolean {
  const parent = parentRequestOf(op);
  return parent === undefined || unit.created.get(parent) !== undefined;
}

function _merge(a: WriteResult, b: WriteResult): WriteResult {
  return {
    requestId: Math.max(a.requestId, b.requestId),
    eventId: Math.max(a.eventId, b.eventId),
    crlNumber: Math.max(a.crlNumber, b.crlNumber),
    outboxRows: a.outboxRows + b.outboxRows,
  };
}

/** Integrity (23) and data (22) errors: the rows, not the database, are at fault. */
function _isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/** A connection that failed below SQL (a socket error) is not given back to the pool. */
function _brokenConnection(error: unknown): boolean {
  if (error === undefined) return false;
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return /terminated|connection/i.test((error as Error)?.message ?? '');
  return !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57P');
}
