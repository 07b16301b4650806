import type { CrlIssuedExitContext, RequestExitContext } from '@certexit/core';
import { DB_DISP_ISSUED, PROPTYPE_STRING } from '@certexit/core';
import { SYSLOG_SEVERITY } from './syslog-constants';

/** What one event says on the feed: its MSGID, severity, structured-data parameters and a sentence. */
export interface CertificateEventRecord {
  /** MSGID, e.g. `CERTISSUED`. */
  readonly msgId: string;
  readonly severity: number;
  /** PARAM-NAME, PARAM-VALUE pairs of the `certexit@<PEN>` element; absent values are `undefined`. */
  readonly params: readonly (readonly [string, string | number | undefined])[];
  readonly message: string;
}

const _EVENT: Record<string, { msgId: string; word: string; severity: number }> = {
  issued: { msgId: 'CERTISSUED', word: 'issued', severity: SYSLOG_SEVERITY.informational },
  pending: { msgId: 'CERTPENDING', word: 'pending', severity: SYSLOG_SEVERITY.informational },
  denied: { msgId: 'CERTDENIED', word: 'denied', severity: SYSLOG_SEVERITY.warning },
  revoked: { msgId: 'CERTREVOKED', word: 'revoked', severity: SYSLOG_SEVERITY.notice },
  unrevoked: { msgId: 'CERTUNREVOKED', word: 'unrevoked', severity: SYSLOG_SEVERITY.notice },
  retrievePending: { msgId: 'CERTRETRIEVED', word: 'retrieved', severity: SYSLOG_SEVERITY.informational },
  imported: { msgId: 'CERTIMPORTED', word: 'imported', severity: SYSLOG_SEVERITY.informational },
};

/**
 * Reads a request event's facts through the typed context: who asked, what was decided, which certificate, and
 * for a revocation why and when. `EXITEVENT_CERTREVOKED` on a row that is issued again is a release from hold
 * (`unrevoked`): the row is read as it is when the notification is delivered.
 */
export async function readCertificateEventRecord(ctx: RequestExitContext<unknown>): Promise<CertificateEventRecord> {
  const r = ctx.request;
  const c = ctx.certificate;
  const disposition = await r.disposition;
  const kind = ctx.event === 'revoked' && disposition === DB_DISP_ISSUED ? 'unrevoked' : ctx.event;
  const meta = _EVENT[kind]!;
  const [eventId, requestId, requester, message, template, serial, notBefore, notAfter, hash] = await Promise.all([
    ctx.eventId,
    r.id,
    r.requesterName,
    r.dispositionMessage,
    c.template,
    c.serial,
    c.notBefore,
    c.notAfter,
    c.hash,
  ]);
  const subject =
    (await c.property('DistinguishedName', PROPTYPE_STRING)) ??
    (await r.property('Request.DistinguishedName', PROPTYPE_STRING));
  const revoked = kind === 'revoked';
  const [reason, revokedWhen, effectiveWhen] = revoked
    ? await Promise.all([r.revokedReason, r.revokedWhen, r.revokedEffectiveWhen])
    : [undefined, undefined, undefined];
  const what = serial !== undefined ? `certificate ${serial}` : `request ${requestId}`;
  return {
    msgId: meta.msgId,
    severity: meta.severity,
    params: [
      ['event', kind],
      ['eventId', eventId],
      ['ca', ctx.ca.name],
      ['requestId', requestId],
      ['requester', requester],
      ['disposition', disposition],
      ['dispositionMessage', message],
      ['template', template],
      ['serialNumber', serial],
      ['subject', subject],
      ['notBefore', notBefore?.toISOString()],
      ['notAfter', notAfter?.toISOString()],
      ['thumbprint', hash],
      ['revocationReason', reason],
      ['revokedWhen', revokedWhen?.toISOString()],
      ['revokedEffectiveWhen', effectiveWhen?.toISOString()],
    ],
    message: `${what} ${meta.word}${requester ? ` for ${requester}` : ''}${template ? ` (template ${template})` : ''}${
      revoked && reason !== undefined ? `, reason ${reason}` : ''
    }`,
  };
}

/** The facts of a CRL issuance: which CA certificates' keys published a base (and delta) CRL. */
export async function readCrlEventRecord(ctx: CrlIssuedExitContext<unknown>): Promise<CertificateEventRecord> {
  const [eventId, crls] = await Promise.all([ctx.eventId, ctx.crls]);
  return {
    msgId: 'CRLISSUED',
    severity: SYSLOG_SEVERITY.informational,
    params: [
      ['event', 'crlIssued'],
      ['eventId', eventId],
      ['ca', ctx.ca.name],
      ['crlCount', crls.length],
      ['deltaCrlCount', crls.filter((crl) => crl.delta !== undefined).length],
    ],
    message: `CRLs published for ${crls.length} CA key${crls.length === 1 ? '' : 's'}`,
  };
}
