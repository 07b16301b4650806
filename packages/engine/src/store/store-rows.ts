import type { AuditRecord } from './audit-log';
import type { CaStore, RequestRow } from './ca-store';
import type { OutboxRow, OutboxStatus } from './exit-outbox-store';
import type { RequestViewRow } from './request-view-query';

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
