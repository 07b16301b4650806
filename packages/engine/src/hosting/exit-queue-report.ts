import {
  CertexitError,
  E_INVALIDARG,
  exitEventMaskNames,
  exitEventName,
  formatHResult,
  HRESULT_FILE_NOT_FOUND,
  hresultName,
} from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import type { ExitOutboxStore, OutboxCount, OutboxRow } from '../store/exit-outbox-store';
import { formatEventId } from './in-flight-deliveries';
import { knownProgId } from './known-prog-id';

/** One outbox item as operators see it (CLI `--json` and the HTTP API). */
export interface ExitQueueItem {
  id: number;
  module: string;
  eventId: number;
  event: string;
  context: number;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastHresult?: string;
  lastError?: string;
  /** Why a dead item was dead-lettered. */
  deadReason?: string;
  /** The replay that made the item, if one did. */
  replayId?: number;
  createdAt: string;
}

/** One replay as operators see it. */
export interface ExitQueueReplay {
  replayId: number;
  module: string;
  since: string;
  until: string;
  events: string[];
  count: number;
  open: number;
  done: number;
  dead: number;
  requestedBy?: string;
  createdAt: string;
}

/** Notifications in delivery held by one node for one module: who holds what. */
export interface ExitQueueLease {
  /** The engine process holding them, `host:pid` (several nodes may serve a CA from one database). */
  node: string;
  /** Its claim token (`host:pid:random`: the process, or its exit-module thread). */
  owner: string;
  module: string;
  rows: number;
  /** The earliest lease deadline among them: another node may take them over after it unless it is renewed. */
  leaseUntil: string;
}

/**
 * `certexit module queue`: counts by module, status and age bucket, the open and dead items, the replays, and the
 * leases by node.
 */
export interface ExitQueueReport {
  counts: Array<Omit<OutboxCount, 'oldestAt'> & { oldestAt: string }>;
  items: ExitQueueItem[];
  /** Replays that still have open rows, and the last few that finished. */
  replays: ExitQueueReplay[];
  /** Notifications in delivery, by node and module. */
  leases: ExitQueueLease[];
}

/** The node of a claim owner (`host:pid:random` → `host:pid`). */
export function leaseNode(owner: string): string {
  const parts = owner.split(':');
  return parts.length >= 3 ? parts.slice(0, -1).join(':') : owner;
}

/** Builds the queue report (done rows are counted, not listed). */
export async function exitQueueReport(
  outbox: ExitOutboxStore,
  options: { progId?: string; limit?: number; now?: Date; sanitizedCaName?: string } = {},
): Promise<ExitQueueReport> {
  const counts = await outbox.counts(options.now ?? new Date(), options.progId);
  const rows = await outbox.list({ progId: options.progId, limit: options.limit ?? 100 });
  const replays = await outbox.replays({ progId: options.progId, limit: 20 });
  const leases = (await outbox.leases()).filter(
    (l) => options.progId === undefined || l.progId.toLowerCase() === options.progId.toLowerCase(),
  );
  const id = (n: number) => (options.sanitizedCaName ? formatEventId(options.sanitizedCaName, n) : String(n));
  return {
    counts: counts.map((c) => ({ ...c, oldestAt: c.oldestAt.toISOString() })),
    items: rows.map(exitQueueItem),
    replays: replays
      .filter((r, i) => r.open > 0 || i < 5)
      .map((r) => ({
        replayId: r.replayId,
        module: r.progId,
        since: id(r.sinceEventId),
        until: id(r.untilEventId),
        events: exitEventMaskNames(r.eventMask),
        count: r.events,
        open: r.open,
        done: r.done,
        dead: r.dead,
        ...(r.requestedBy !== undefined && { requestedBy: r.requestedBy }),
        createdAt: r.createdAt.toISOString(),
      })),
    leases: leases.map((l) => ({
      node: leaseNode(l.owner),
      owner: l.owner,
      module: l.progId,
      rows: l.rows,
      leaseUntil: l.leaseUntil.toISOString(),
    })),
  };
}

/** An outbox row for operators. */
export function exitQueueItem(row: OutboxRow): ExitQueueItem {
  return {
    id: row.id,
    module: row.progId,
    eventId: row.eventId,
    event: exitEventName(row.event),
    context: row.context,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    ...(row.lastHresult !== undefined && {
      lastHresult: `${hresultName(row.lastHresult)} (${formatHResult(row.lastHresult)})`,
    }),
    ...(row.lastError !== undefined && { lastError: row.lastError }),
    ...(row.deadReason !== undefined && { deadReason: row.deadReason }),
    ...(row.replayId !== undefined && { replayId: row.replayId }),
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * `retry <id|ProgID>`: an item id (digits) or every dead and pending item of a module, due now with the attempts
 * reset; answers the rows made due. An id that does not exist, an item already delivered or in delivery, and a
 * ProgID the CA does not know fail with a clear error (`HRESULT_FILE_NOT_FOUND` for what does not exist).
 */
export async function retryExitQueue(
  ca: CaContext,
  target: string,
  builtinProgIds: readonly string[],
  now = new Date(),
): Promise<OutboxRow[]> {
  const trimmed = target.trim();
  if (trimmed === '') throw new CertexitError({ hresult: E_INVALIDARG, message: 'retry needs an item id or a ProgID' });
  if (/^\d+$/.test(trimmed)) {
    const id = Number(trimmed);
    const row = await ca.store.outbox.get(id);
    if (!row) {
      throw new CertexitError({
        hresult: HRESULT_FILE_NOT_FOUND,
        message: `outbox item ${id} does not exist (see "certexit module queue")`,
      });
    }
    if (row.status === 'done') {
      throw new CertexitError({
        hresult: E_INVALIDARG,
        message: `outbox item ${id} was delivered already; to deliver its event again, replay it: certexit module replay ${row.progId} --since ${formatEventId(ca.sanitizedName, row.eventId)} --limit 1`,
      });
    }
    if (row.status === 'delivering') {
      throw new CertexitError({ hresult: E_INVALIDARG, message: `outbox item ${id} is being delivered now` });
    }
    return ca.store.outbox.retry({ id }, now);
  }
  return ca.store.outbox.retry({ progId: knownProgId(ca, trimmed, builtinProgIds) }, now);
}

/** `drop <id>`: deletes an item that is not in delivery; the reason when it cannot. */
export async function dropExitQueueItem(
  outbox: ExitOutboxStore,
  id: number,
): Promise<{ dropped: boolean; reason?: string }> {
  if (!Number.isInteger(id) || id <= 0)
    throw new CertexitError({
      hresult: E_INVALIDARG,
      message: `${JSON.stringify(String(id))} is not an outbox item id`,
    });
  const row = await outbox.get(id);
  if (!row) return { dropped: false, reason: `outbox item ${id} does not exist` };
  if (row.status === 'delivering')
    return { dropped: false, reason: `outbox item ${id} is being delivered; retry later` };
  return { dropped: await outbox.drop(id) };
}
