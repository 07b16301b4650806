import { CertexitError, E_INVALIDARG, exitEventName, formatHResult, hresultName } from '@certexit/core';
import type { ExitOutboxStore, OutboxCount, OutboxRow } from '../store/exit-outbox-store';

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

/** `certexit module queue`: counts by module, status and age bucket, and the open and dead items. */
export interface ExitQueueReport {
  counts: Array<Omit<OutboxCount, 'oldestAt'> & { oldestAt: string }>;
  items: ExitQueueItem[];
}

/** Builds the queue report (done rows are counted, not listed). */
export async function exitQueueReport(
  outbox: ExitOutboxStore,
  options: { progId?: string; limit?: number; now?: Date } = {},
): Promise<ExitQueueReport> {
  const counts = await outbox.counts(options.now ?? new Date(), options.progId);
  const rows = await outbox.list({ progId: options.progId, limit: options.limit ?? 100 });
  return {
    counts: counts.map((c) => ({ ...c, oldestAt: c.oldestAt.toISOString() })),
    items: rows.map(exitQueueItem),
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

/** `retry <id|ProgID>`: an item id (digits) or every dead and pending item of a module; due now, attempts reset. */
export async function retryExitQueue(outbox: ExitOutboxStore, target: string, now = new Date()): Promise<number> {
  const trimmed = target.trim();
  if (trimmed === '') throw new CertexitError({ hresult: E_INVALIDARG, message: 'retry needs an item id or a ProgID' });
  return /^\d+$/.test(trimmed) ? outbox.retry({ id: Number(trimmed) }, now) : outbox.retry({ progId: trimmed }, now);
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
