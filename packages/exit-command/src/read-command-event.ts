import type { CrlIssuedExitContext, ExitContext, RequestExitContext } from '@certexit/core';
import { exitEventName } from '@certexit/core';

/** The event file's content (`CERTEXIT_EVENT_FILE`), version 1. Absent values are left out. */
export interface CommandEventDocument {
  readonly version: 1;
  /** `issued`, `pending`, `denied`, `revoked`, `retrievePending`, `imported`, `crlIssued`, `shutdown`. */
  readonly event: string;
  /** The SDK name, `EXITEVENT_CERTISSUED`. */
  readonly exitEvent: string;
  readonly eventId?: string;
  readonly ca: string;
  readonly context: number;
  readonly request?: Readonly<Record<string, unknown>>;
  readonly certificate?: Readonly<Record<string, unknown>>;
  readonly crls?: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** An event read for the program: the file's document, its environment variables and the argument tokens. */
export interface CommandEvent {
  readonly document: CommandEventDocument;
  /** `CERTEXIT_*` variables (without `CERTEXIT_EVENT_FILE`, which the runner adds). */
  readonly env: Readonly<Record<string, string>>;
  /** `{event}`, `{eventId}`, `{requestId}`, `{serialNumber}` (without `{eventFile}`). */
  readonly tokens: Readonly<Record<string, string>>;
}

type _AnyContext = ExitContext<unknown> | RequestExitContext<unknown> | CrlIssuedExitContext<unknown>;

/**
 * Reads what the program gets about the event through the typed layer's views. Request attributes whose names say
 * they hold a secret (`challenge`, `password`, `secret`) are written as `[redacted]`.
 */
export async function readCommandEvent(ctx: _AnyContext, includeCertificate: boolean): Promise<CommandEvent> {
  const eventId = await ctx.eventId;
  const base = {
    version: 1 as const,
    event: ctx.event,
    exitEvent: exitEventName(ctx.exitEvent),
    ...(eventId !== undefined && { eventId }),
    ca: ctx.ca.name,
    context: ctx.context,
  };
  const env: Record<string, string> = {
    CERTEXIT_EVENT: ctx.event,
    CERTEXIT_EXIT_EVENT: base.exitEvent,
    CERTEXIT_CA: ctx.ca.name,
    CERTEXIT_CONTEXT: String(ctx.context),
  };
  if (eventId !== undefined) env.CERTEXIT_EVENT_ID = eventId;
  const tokens: Record<string, string> = { event: ctx.event, eventId: eventId ?? '', requestId: '', serialNumber: '' };

  if ('crls' in ctx) {
    const crls = await ctx.crls;
    env.CERTEXIT_CRL_COUNT = String(crls.length);
    const document: CommandEventDocument = {
      ...base,
      crls: crls.map((crl) =>
        _defined({
          index: crl.index,
          crlIndex: crl.crlIndex,
          baseBytes: crl.base?.length,
          deltaBytes: crl.delta?.length,
          ...(includeCertificate && { base: _base64(crl.base), delta: _base64(crl.delta) }),
        }),
      ),
    };
    return { document, env, tokens };
  }
  if (!('request' in ctx)) return { document: base, env, tokens };

  const { request: r, certificate: c } = ctx;
  const [id, requesterName, callerName, disposition, dispositionMessage, statusCode] = await Promise.all([
    r.id,
    r.requesterName,
    r.callerName,
    r.disposition,
    r.dispositionMessage,
    r.statusCode,
  ]);
  const [submittedWhen, resolvedWhen, revokedWhen, revokedEffectiveWhen, revokedReason, subject, attributes] =
    await Promise.all([
      r.submittedWhen,
      r.resolvedWhen,
      r.revokedWhen,
      r.revokedEffectiveWhen,
      r.revokedReason,
      r.subject.distinguishedName,
      r.attributes,
    ]);
  const [der, serialNumber, notBefore, notAfter, template, hash, ski, issuedSubject, upn] = await Promise.all([
    c.der,
    c.serial,
    c.notBefore,
    c.notAfter,
    c.template,
    c.hash,
    c.subjectKeyIdentifier,
    c.subject.distinguishedName,
    c.upn,
  ]);
  const request = _defined({
    id,
    requesterName,
    callerName,
    disposition,
    dispositionMessage,
    statusCode,
    submittedWhen: submittedWhen?.toISOString(),
    resolvedWhen: resolvedWhen?.toISOString(),
    revokedWhen: revokedWhen?.toISOString(),
    revokedEffectiveWhen: revokedEffectiveWhen?.toISOString(),
    revokedReason,
    subject,
    attributes: _redacted(attributes),
  });
  const certificate =
    der === undefined && serialNumber === undefined
      ? undefined
      : _defined({
          serialNumber,
          notBefore: notBefore?.toISOString(),
          notAfter: notAfter?.toISOString(),
          template,
          hash,
          subjectKeyIdentifier: ski,
          subject: issuedSubject,
          upn,
          ...(includeCertificate && der !== undefined && { der: _base64(der), pem: _pem(der) }),
        });

  const put = (name: string, value: unknown) => {
    if (value !== undefined) env[name] = String(value);
  };
  put('CERTEXIT_REQUEST_ID', id);
  put('CERTEXIT_REQUESTER_NAME', requesterName);
  put('CERTEXIT_DISPOSITION', disposition);
  put('CERTEXIT_SUBJECT', issuedSubject ?? subject);
  put('CERTEXIT_SERIAL_NUMBER', serialNumber);
  put('CERTEXIT_NOT_BEFORE', notBefore?.toISOString());
  put('CERTEXIT_NOT_AFTER', notAfter?.toISOString());
  put('CERTEXIT_CERTIFICATE_TEMPLATE', template);
  put('CERTEXIT_CERTIFICATE_HASH', hash);
  put('CERTEXIT_REVOKED_REASON', revokedReason);
  put('CERTEXIT_REVOKED_WHEN', revokedWhen?.toISOString());
  tokens.requestId = String(id);
  tokens.serialNumber = serialNumber ?? '';
  return { document: { ...base, request, ...(certificate && { certificate }) }, env, tokens };
}

function _defined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

function _redacted(attributes: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      /challenge|password|secret/i.test(name) ? '[redacted]' : value,
    ]),
  );
}

function _base64(der: Uint8Array | undefined): string | undefined {
  return der === undefined ? undefined : Buffer.from(der).toString('base64');
}

function _pem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
