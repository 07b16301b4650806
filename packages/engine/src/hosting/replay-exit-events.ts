import {
  CertexitError,
  E_INVALIDARG,
  EXITEVENT_ALL_DEFINED,
  EXITEVENT_SHUTDOWN,
  EXITEVENT_STARTUP,
  exitEventMaskNames,
  exitEventName,
  HRESULT_FILE_NOT_FOUND,
  readRegistryValue,
  registryValueDefault,
} from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import type { OutboxReplay } from '../store/exit-outbox-store';
import { formatEventId } from './in-flight-deliveries';
import { knownProgId } from './known-prog-id';

/**
 * What a replay may deliver: every event but `EXITEVENT_SHUTDOWN` (a past "the CA is stopping" means nothing now)
 * and `EXITEVENT_STARTUP` (never recorded).
 */
export const REPLAYABLE_EVENTS = EXITEVENT_ALL_DEFINED & ~EXITEVENT_SHUTDOWN & ~EXITEVENT_STARTUP;

/** Events one replay delivers unless told otherwise (`--limit`), and the most it may (`CA\ExitReplayMaxEvents`). */
export const REPLAY_DEFAULT_LIMIT = 10_000;
export const REPLAY_MAX_EVENTS = registryValueDefault(CA_REGISTRY_VALUES.ExitReplayMaxEvents)!;

/** What an operator asks for: `certexit module replay <ProgID> --since <date|EventID> [--events <mask>]`. */
export interface ReplayOptions {
  readonly progId: string;
  /** The ProgIDs the app builds in (they need no registration). */
  readonly builtinProgIds: readonly string[];
  /** An EventID (`<CA>/<n>`, or `n`), or a date (ISO 8601, or anything `Date` reads). */
  readonly since: string;
  /** A mask: a number (`0x9`), or `EXITEVENT_*` names joined by `|` or `,`. @default every replayable event */
  readonly events?: string | number;
  /** @default REPLAY_DEFAULT_LIMIT */
  readonly limit?: number;
  readonly requestedBy?: string;
  readonly now?: Date;
}

/** A replay's outcome for operators (CLI `--json`, HTTP). */
export interface ReplayResult extends OutboxReplay {
  readonly progId: string;
  readonly eventMask: string[];
  readonly firstEventIdText?: string;
  readonly lastEventIdText?: string;
  /** Where to continue when more events match than the limit allowed: the `--since` of the next replay. */
  readonly continueSince?: string;
}

/**
 * Delivers past events to a module again through the outbox, with their original EventIDs: how a new subscriber, or
 * one repaired after it lost or mishandled notifications, catches up. Bounded (at most `limit` events per replay,
 * `CA\ExitReplayMaxEvents` at the very most; the answer says where to continue), visible in `module queue` (rows
 * carry their replay id), and each event's `delivery`-scoped side effects run again (see `ExitOutboxStore.replay`).
 * A running server picks the rows up within its poll interval; otherwise the next `serve`, or `module retry`.
 *
 * @throws a `CertexitError` (`E_INVALIDARG`) naming what is wrong: an unknown ProgID, a `since` that is neither a
 * date nor an EventID of this CA, an empty or unknown mask, a limit out of range.
 */
export async function replayExitEvents(ca: CaContext, options: ReplayOptions): Promise<ReplayResult> {
  const progId = knownProgId(ca, options.progId, options.builtinProgIds);
  const mask = parseReplayMask(options.events);
  const most = readRegistryValue(ca.registry.keyAt(ca.registryPath), CA_REGISTRY_VALUES.ExitReplayMaxEvents).value!;
  const limit = options.limit ?? Math.min(REPLAY_DEFAULT_LIMIT, most);
  if (!Number.isInteger(limit) || limit < 1 || limit > most) {
    throw _invalid(`--limit must be an integer from 1 to ${most} (CA\\ExitReplayMaxEvents)`);
  }
  const since = await _since(ca, options.since);
  const now = options.now ?? new Date();
  const made = await ca.store.outbox.replay({
    progId,
    sinceEventId: since,
    eventMask: mask,
    limit,
    sanitizedCaName: ca.sanitizedName,
    ...(options.requestedBy !== undefined && { requestedBy: options.requestedBy }),
    now,
  });
  const text = (id: number | undefined) => (id === undefined ? undefined : formatEventId(ca.sanitizedName, id));
  return {
    ...made,
    progId,
    eventMask: exitEventMaskNames(mask),
    ...(made.firstEventId !== undefined && { firstEventIdText: text(made.firstEventId) }),
    ...(made.lastEventId !== undefined && { lastEventIdText: text(made.lastEventId) }),
    ...(made.nextEventId !== undefined && { continueSince: text(made.nextEventId) }),
  };
}

/** A replay mask from a number or `EXITEVENT_*` names (`|` or `,` between them); shutdown is never replayed. */
export function parseReplayMask(events: string | number | undefined): number {
  if (events === undefined || events === '') return REPLAYABLE_EVENTS;
  let mask = 0;
  if (typeof events === 'number') mask = events;
  else {
    for (const part of events.split(/[|,\s]+/).filter(Boolean)) {
      if (/^(0x[0-9a-f]+|\d+)$/i.test(part)) mask |= Number(part);
      else {
        const name = part.toUpperCase().startsWith('EXITEVENT_')
          ? part.toUpperCase()
          : `EXITEVENT_${part.toUpperCase()}`;
        const bit = _EVENT_BITS.get(name);
        if (bit === undefined) throw _invalid(`--events: ${JSON.stringify(part)} is not an exit event name`);
        mask |= bit;
      }
    }
  }
  if (!Number.isInteger(mask) || (mask & ~EXITEVENT_ALL_DEFINED) !== 0) {
    throw _invalid(`--events: ${String(events)} has bits that are no exit event`);
  }
  const replayable = mask & REPLAYABLE_EVENTS;
  if (replayable === 0) {
    throw _invalid(`--events: ${String(events)} names no replayable event (EXITEVENT_SHUTDOWN is never replayed)`);
  }
  return replayable;
}

/** `EXITEVENT_*` name to bit, for every defined event. */
const _EVENT_BITS = new Map(
  Array.from({ length: 31 }, (_, i) => 1 << i)
    .filter((bit) => (bit & EXITEVENT_ALL_DEFINED) !== 0)
    .map((bit) => [exitEventName(bit), bit] as const),
);

/** The first exit event of a replay: from an EventID (`<CA>/<n>` or `n`) or a date. */
async function _since(ca: CaContext, since: string): Promise<number> {
  const text = since.trim();
  if (text === '') throw _invalid('--since needs a date or an EventID');
  const prefix = `${ca.sanitizedName}/`;
  const id = text.startsWith(prefix) ? text.slice(prefix.length) : text;
  if (/^\d+$/.test(id)) {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n < 1) throw _invalid(`--since ${JSON.stringify(since)}: not an EventID`);
    return n;
  }
  if (/^[^/]+\/\d+$/.test(text)) {
    throw _invalid(`--since ${JSON.stringify(since)} is an EventID of another CA (this one is ${prefix}<n>)`);
  }
  const when = new Date(text);
  if (Number.isNaN(when.getTime())) {
    throw _invalid(`--since ${JSON.stringify(since)} is neither a date (2026-01-31, 2026-01-31T12:00Z) nor an EventID`);
  }
  const first = await ca.store.outbox.firstEventSince(when);
  if (first === undefined) {
    throw new CertexitError({
      hresult: HRESULT_FILE_NOT_FOUND,
      message: `no exit event was recorded since ${when.toISOString()}: nothing to replay`,
      isRetryable: false,
    });
  }
  return first;
}

function _invalid(message: string): CertexitError {
  return new CertexitError({ hresult: E_INVALIDARG, message, isRetryable: false });
}
