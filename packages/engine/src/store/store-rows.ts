import type { AuditRecord } from './audit-log';
import type { CaStore, CertificateRow, CrlRow, RequestRow } from './ca-store';
import type { OutboxReplaySummary, OutboxRow, OutboxStatus } from './exit-outbox-store';
import { propertiesFromJson } from './property-json';
import type { RequestViewCursor, RequestViewPage, RequestViewQuery, RequestViewRow } from './request-view-query';

// What every store makes of the rows it reads back: the schemas name their columns alike and store dates as epoch
// milliseconds, so the mapping is the same whatever the database (its SQL is each store's own).

/** Request-row fields and their columns; dates are stored as epoch milliseconds. */
export const REQUEST_ROW_COLUMNS = {
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
  PublishExpiredCertInCRL: 'publish_expired_cert_in_crl',
  crlKeyIndex: 'crl_key_index',
} as const satisfies Partial<Record<keyof RequestRow, string>>;

/** A binary column as a fresh `Uint8Array` (a copy: the driver may reuse its buffer); empty when NULL. */
export function storedBytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? Uint8Array.from(value) : new Uint8Array();
}

const _present = (v: unknown): boolean => v !== null && v !== undefined;

/** An `exit_outbox` row. */
export function outboxRowFromRecord(r: Record<string, unknown>): OutboxRow {
  return {
    id: Number(r.outbox_id),
    progId: String(r.prog_id),
    eventId: Number(r.event_id),
    event: Number(r.event),
    context: Number(r.context),
    status: String(r.status) as OutboxStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: new Date(Number(r.next_attempt_at)),
    ...(_present(r.last_hresult) && { lastHresult: Number(r.last_hresult) }),
    ...(_present(r.last_error) && { lastError: String(r.last_error) }),
    ...(_present(r.dead_reason) && { deadReason: String(r.dead_reason) }),
    ...(_present(r.replay_id) && { replayId: Number(r.replay_id) }),
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
}

/** A row of the request view (requests joined with their certificate and common name). */
export function requestViewRowFromRecord(row: Record<string, unknown>): RequestViewRow {
  const date = (v: unknown) => (_present(v) ? new Date(Number(v)) : undefined);
  const text = (v: unknown) => (_present(v) ? String(v) : undefined);
  return {
    RequestID: Number(row.request_id),
    Disposition: Number(row.disposition),
    ...(text(row.disposition_message) !== undefined && { DispositionMessage: text(row.disposition_message) }),
    StatusCode: Number(row.status_code),
    ...(text(row.requester_name) !== undefined && { RequesterName: text(row.requester_name) }),
    ...(text(row.common_name) !== undefined && { CommonName: text(row.common_name) }),
    ...(text(row.certificate_template) !== undefined && { CertificateTemplate: text(row.certificate_template) }),
    SubmittedWhen: new Date(Number(row.submitted_when)),
    ...(date(row.resolved_when) && { ResolvedWhen: date(row.resolved_when) }),
    ...(date(row.revoked_when) && { RevokedWhen: date(row.revoked_when) }),
    ...(date(row.revoked_effective_when) && { RevokedEffectiveWhen: date(row.revoked_effective_when) }),
    ...(_present(row.revoked_reason) && { RevokedReason: Number(row.revoked_reason) }),
    ...(text(row.officer) !== undefined && { Officer: text(row.officer) }),
    ...(text(row.serial_number) !== undefined && { SerialNumber: text(row.serial_number) }),
    ...(date(row.not_before) && { NotBefore: date(row.not_before) }),
    ...(date(row.not_after) && { NotAfter: date(row.not_after) }),
  };
}

/** An `audit_log` row. */
export function auditRecordFromRecord(row: Record<string, unknown>): AuditRecord {
  return {
    id: Number(row.audit_id),
    at: new Date(Number(row.at)),
    identity: String(row.identity),
    ...(row.role !== null && { role: String(row.role) }),
    action: String(row.action),
    target: String(row.target),
    ...(row.old_value !== null && { oldValue: String(row.old_value) }),
    ...(row.new_value !== null && { newValue: String(row.new_value) }),
  };
}

/** What `getOutcome` answers, from a request joined with its certificate (`raw_certificate`, `serial_number`). */
export function outcomeFromRecord(
  row: Record<string, unknown>,
): NonNullable<Awaited<ReturnType<CaStore['getOutcome']>>> {
  return {
    disposition: Number(row.disposition),
    message: row.disposition_message === null ? '' : String(row.disposition_message),
    statusCode: Number(row.status_code),
    ...(row.serial_number !== null && {
      serialNumber: String(row.serial_number),
      certificate: storedBytes(row.raw_certificate),
    }),
  };
}

const _REQUEST_DATES = new Set(['SubmittedWhen', 'ResolvedWhen', 'RevokedWhen', 'RevokedEffectiveWhen']);

/** A `requests` row: the fields of {@link REQUEST_ROW_COLUMNS} (NULL left out) and the two property maps. */
export function requestRowFromRecord(row: Record<string, unknown>): RequestRow {
  const result: Record<string, unknown> = { RequestID: Number(row.request_id) };
  for (const [field, column] of Object.entries(REQUEST_ROW_COLUMNS)) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (_REQUEST_DATES.has(field)) result[field] = new Date(Number(value));
    else if (value instanceof Uint8Array) result[field] = storedBytes(value);
    else result[field] = typeof value === 'bigint' ? Number(value) : value;
  }
  result.requestName = propertiesFromJson(row.request_name_json as string);
  result.system = propertiesFromJson(row.system_json as string);
  return result as unknown as RequestRow;
}

/** A `certificates` row. */
export function certificateRowFromRecord(row: Record<string, unknown>): CertificateRow {
  return {
    RequestID: Number(row.request_id),
    RawCertificate: storedBytes(row.raw_certificate),
    SerialNumber: String(row.serial_number),
    CertificateHash: String(row.certificate_hash),
    NotBefore: new Date(Number(row.not_before)),
    NotAfter: new Date(Number(row.not_after)),
    values: propertiesFromJson(row.values_json as string),
    certificateName: propertiesFromJson(row.certificate_name_json as string),
  };
}

/** A `crls` row's facts, without the CRL (stored whole or in parts, read by each store). */
export function crlInfoFromRecord(r: Record<string, unknown>): Omit<CrlRow, 'raw'> {
  return {
    keyIndex: Number(r.key_index),
    crlNumber: Number(r.crl_number),
    isDelta: Number(r.is_delta) === 1,
    thisUpdate: new Date(Number(r.this_update)),
    nextUpdate: new Date(Number(r.next_update)),
    ...(_present(r.next_publish) && { nextPublish: new Date(Number(r.next_publish)) }),
  };
}

/** An `exit_replays` row with its outbox counts (`n_open`, `n_done`, `n_dead`). */
export function replaySummaryFromRecord(r: Record<string, unknown>): OutboxReplaySummary {
  return {
    replayId: Number(r.replay_id),
    progId: String(r.prog_id),
    sinceEventId: Number(r.since_event_id),
    untilEventId: Number(r.until_event_id),
    eventMask: Number(r.event_mask),
    events: Number(r.events),
    ...(r.requested_by !== null && { requestedBy: String(r.requested_by) }),
    createdAt: new Date(Number(r.created_at)),
    open: Number(r.n_open),
    done: Number(r.n_done),
    dead: Number(r.n_dead),
  };
}

/**
 * A folder page from the rows a store fetched by keyset (`limit + 1` of them, each with its `sort_key`), in the
 * order asked for: `backwards` when the store read them in reverse (paging back from `before`). The cursors point
 * at the first and last rows; `previous`/`next` only where a page lies that way.
 */
export function requestViewPageFromRecords(
  query: RequestViewQuery,
  fetched: readonly Record<string, unknown>[],
  backwards: boolean,
): RequestViewPage {
  const more = fetched.length > query.limit;
  const rows = fetched.slice(0, query.limit);
  if (backwards) rows.reverse();
  const cursorOf = (row: Record<string, unknown> | undefined): RequestViewCursor | undefined =>
    row && { key: row.sort_key as string | number, id: Number(row.request_id) };
  const first = cursorOf(rows[0]);
  const last = cursorOf(rows[rows.length - 1]);
  return {
    rows: rows.map(requestViewRowFromRecord),
    ...(backwards
      ? { ...(more && { previous: first }), ...(last && { next: last }) }
      : { ...(more && { next: last }), ...(query.after && first && { previous: first }) }),
  };
}
