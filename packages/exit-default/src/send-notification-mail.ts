import { readFile } from 'node:fs/promises';
import type { ExitIdempotencyStore, ICertServerExit, Logger } from '@certexit/core';
import { exitEventName, PROPTYPE_STRING, readOptional } from '@certexit/core';
import type { createTransport, Transporter } from 'nodemailer';
import { MAIL_ERROR_CODES, MAIL_HRESULTS, MailError } from './mail-error';
import type { MailTemplate } from './mail-template';
import { formatMailText, readMailArguments } from './mail-text';
import type { SmtpSettings } from './smtp-settings';
import { resolveSmtpCredentials } from './smtp-settings';

/** Creates the nodemailer transport; a test or special host may wrap it. @default nodemailer's `createTransport` */
export type MailTransportFactory = (options: Parameters<typeof createTransport>[0]) => Transporter;

/** What {@link sendNotificationMail} needs. */
export interface SendNotificationMailOptions {
  /** A callback object set to the event's context (0 for CA events). */
  server: ICertServerExit;
  event: number;
  smtp: SmtpSettings;
  template: MailTemplate;
  /** Whether the event concerns a request (then an empty `To` falls back to the requester's address). */
  requestEvent: boolean;
  logger: Logger;
  transportFactory?: MailTransportFactory;
  /**
   * At most one mail per EventID and recipient: each recipient is an action (`mail:<address>`, scope `event`) in the
   * host's idempotency store. Recipients already mailed, or whose earlier mail was cut short before its outcome was
   * known, are left out; the mail goes to the others.
   */
  once?: { readonly store: ExitIdempotencyStore; readonly eventId: string };
}

/** The idempotency action of a mail to `address`. */
export function mailAction(address: string): string {
  return `mail:${address.toLowerCase()}`;
}

/** What was sent. */
export interface SentMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly messageId: string | undefined;
  /** Recipients left out because this notification's mail already went to them (or may have). */
  readonly alreadySent?: readonly string[];
}

/**
 * Sends the notification mail of one event through `SMTPServer`: STARTTLS verified against `SMTPCAFile` (or the
 * system CAs) unless `SMTPStartTLS=0`, AUTH with `SMTPUser` when `SMTPAuthenticate=1`. Subject and body are the
 * template's formats with `%1…%n` replaced by the named properties. Values from the certificate never become
 * headers: the subject loses CR, LF and other control characters, and every address must be a plain
 * `local@domain` (invalid ones are dropped and logged).
 *
 * @throws a {@link MailError} whose message reads like the Windows module's event-46 text.
 */
export async function sendNotificationMail(options: SendNotificationMailOptions): Promise<SentMail> {
  const { server, event, smtp, template, logger } = options;
  const eventName = exitEventName(event);
  const warnDropped = (field: string, values: string[]) => {
    if (values.length > 0)
      logger.warn({ event: eventName, field, dropped: values }, 'ignoring invalid e-mail addresses');
  };

  let to = _addresses(template.to);
  warnDropped('To', to.invalid);
  if (to.valid.length === 0 && options.requestEvent && template.to === undefined) {
    to = _addresses(await _requesterAddress(server));
    warnDropped("the requester's address", to.invalid);
  }
  const cc = _addresses(template.cc);
  warnDropped('Cc', cc.invalid);
  const recipients = [...to.valid, ...cc.valid];
  const fail = (
    code: (typeof MAIL_ERROR_CODES)[keyof typeof MAIL_ERROR_CODES],
    hresult: number,
    reason: string,
    cause?: unknown,
    isRetryable = false,
  ) =>
    new MailError({
      code,
      hresult,
      cause,
      isRetryable,
      message: `The Certification Authority was unable to send an email notification for ${eventName} to ${recipients.length > 0 ? recipients.join(', ') : 'Unavailable'}: ${reason}`,
    });
  if (recipients.length === 0) {
    throw fail(
      MAIL_ERROR_CODES.NO_RECIPIENT,
      MAIL_HRESULTS.INVALID_PARAMETER,
      'no valid recipient (To is empty and the requester has no e-mail address)',
    );
  }
  if (!smtp.server)
    throw fail(MAIL_ERROR_CODES.CONFIGURATION, MAIL_HRESULTS.BAD_CONFIGURATION, 'SMTP\\SMTPServer is not set');

  const machine =
    (await readOptional(() => server.GetCertificateProperty('MachineDNSName', PROPTYPE_STRING))) || 'localhost';
  const fromCandidates = _addresses(template.from ?? `certexit@${machine}`);
  const from = fromCandidates.valid[0];
  if (!from)
    throw fail(
      MAIL_ERROR_CODES.CONFIGURATION,
      MAIL_HRESULTS.BAD_CONFIGURATION,
      `From ${JSON.stringify(template.from)} is not a valid address`,
    );

  const subject = formatMailText(template.titleFormat, await readMailArguments(server, template.titleArg))
    // biome-ignore lint/suspicious/noControlCharactersInRegex: header values must not carry control characters
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  const bodyArgs = await readMailArguments(server, template.bodyArg);
  const text = template.bodyFormat.map((line) => formatMailText(line, bodyArgs)).join('\r\n');

  let ca: string | undefined;
  if (smtp.caFile) {
    try {
      ca = await readFile(smtp.caFile, 'utf8');
    } catch (error) {
      throw fail(
        MAIL_ERROR_CODES.CONFIGURATION,
        MAIL_HRESULTS.BAD_CONFIGURATION,
        `cannot read SMTP\\SMTPCAFile ${smtp.caFile}`,
        error,
      );
    }
  }
  let auth: { user: string; pass: string } | undefined;
  try {
    auth = await resolveSmtpCredentials(smtp);
  } catch (error) {
    throw fail(MAIL_ERROR_CODES.CONFIGURATION, MAIL_HRESULTS.BAD_CONFIGURATION, (error as MailError).message, error);
  }
  // At most once per EventID and recipient: claim each recipient; leave out those mailed (or maybe mailed) before.
  const claimed = new Set<string>();
  const skipped: string[] = [];
  if (options.once) {
    for (const address of recipients) {
      const state = await options.once.store.begin(options.once.eventId, mailAction(address), { scope: 'event' });
      if (state === 'claimed') claimed.add(address);
      else {
        skipped.push(address);
        if (state === 'started')
          logger.warn(
            { event: eventName, eventId: options.once.eventId, recipient: address },
            'an earlier attempt was cut short while mailing this recipient: not mailed again (at most once per notification and recipient)',
          );
      }
    }
    if (claimed.size === 0) {
      logger.debug({ event: eventName, recipients }, 'this notification was already mailed to every recipient');
      return { from, to: [], cc: [], subject, text, messageId: undefined, alreadySent: skipped };
    }
  }
  const sendTo = options.once ? to.valid.filter((a) => claimed.has(a)) : to.valid;
  const sendCc = options.once ? cc.valid.filter((a) => claimed.has(a) && !sendTo.includes(a)) : cc.valid;
  const release = async (addresses: Iterable<string>) => {
    if (!options.once) return;
    for (const address of addresses) await options.once.store.abandon(options.once.eventId, mailAction(address));
  };
  // nodemailer is loaded with the first mail: a CA that sends none does not hold it in memory.
  const factory = options.transportFactory ?? (await import('nodemailer')).createTransport;
  const transport = factory({
    host: smtp.server,
    port: smtp.port,
    secure: smtp.port === 465,
    requireTLS: smtp.startTLS,
    ignoreTLS: !smtp.startTLS,
    ...(auth ? { auth } : {}),
    tls: { ...(ca ? { ca: [ca] } : {}), servername: smtp.server, minVersion: 'TLSv1.2' },
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  let info: _SentInfo;
  try {
    info = (await transport.sendMail({
      from,
      to: sendTo,
      cc: sendCc,
      subject,
      text,
      headers: { 'X-Certexit-Event': eventName },
    })) as _SentInfo;
  } catch (error) {
    // Nothing was accepted: the next attempt mails them.
    await release(claimed);
    const code = (error as { code?: string }).code;
    const responseCode = (error as { responseCode?: number }).responseCode;
    const hresult =
      code === 'EAUTH'
        ? MAIL_HRESULTS.LOGON_FAILURE
        : code === 'ECONNECTION' || code === 'ETIMEDOUT' || code === 'ESOCKET' || code === 'EDNS'
          ? MAIL_HRESULTS.FAILED_TO_CONNECT
          : MAIL_HRESULTS.SEND_FAILED;
    // A refused login or a 5xx answer stays that way; a server down, slow or answering 4xx may take it later.
    const retryable = code !== 'EAUTH' && !(typeof responseCode === 'number' && responseCode >= 500);
    throw fail(
      MAIL_ERROR_CODES.SEND_FAILED,
      hresult,
      `${smtp.server}:${smtp.port}: ${_reason(error)}`,
      error,
      retryable,
    );
  } finally {
    transport.close();
  }
  const refused = new Set((info.rejected ?? []).map((a) => (typeof a === 'string' ? a : a.address).toLowerCase()));
  const accepted = [...claimed].filter((a) => !refused.has(a.toLowerCase()));
  if (options.once) {
    for (const address of accepted) await options.once.store.complete(options.once.eventId, mailAction(address));
    await release([...claimed].filter((a) => refused.has(a.toLowerCase())));
  }
  logger.info(
    {
      event: eventName,
      to: sendTo,
      cc: sendCc,
      subject,
      messageId: info.messageId,
      ...(skipped.length > 0 && { alreadySent: skipped }),
      ...(refused.size > 0 && { refused: [...refused] }),
    },
    'sent the e-mail notification',
  );
  if (refused.size > 0) {
    throw fail(
      MAIL_ERROR_CODES.SEND_FAILED,
      MAIL_HRESULTS.SEND_FAILED,
      `${smtp.server}:${smtp.port} refused the recipient(s) ${[...refused].join(', ')}`,
      undefined,
      // A 5xx refusal (no such mailbox) is final; a 4xx one (mailbox busy) may pass later.
      !(info.rejectedErrors ?? []).every((e) => (e.responseCode ?? 0) >= 500),
    );
  }
  return {
    from,
    to: sendTo,
    cc: sendCc,
    subject,
    text,
    messageId: info.messageId,
    ...(skipped.length > 0 && { alreadySent: skipped }),
  };
}

/** What nodemailer's SMTP transport answers for a sent message. */
interface _SentInfo {
  messageId?: string;
  rejected?: Array<string | { address: string }>;
  rejectedErrors?: Array<{ responseCode?: number }>;
}

/** A plain `local@domain` address: no display names, comments, quotes, brackets or control characters. */
const _ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function _addresses(list: string | undefined): { valid: string[]; invalid: string[] } {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const item of (list ?? '').split(/[,;]/)) {
    const address = item.trim();
    if (address === '') continue;
    if (address.length <= 254 && _ADDRESS.test(address)) valid.push(address);
    else invalid.push(JSON.stringify(address));
  }
  return { valid, invalid };
}

/** The requester's address: the certificate's `EMail`, the request's `EMail`, then the certificate's `UPN`. */
async function _requesterAddress(server: ICertServerExit): Promise<string | undefined> {
  const reads = [
    () => server.GetCertificateProperty('EMail', PROPTYPE_STRING),
    () => server.GetRequestProperty('EMail', PROPTYPE_STRING),
    () => server.GetCertificateProperty('UPN', PROPTYPE_STRING),
  ];
  for (const read of reads) {
    try {
      const value = await readOptional(read);
      if (value && _addresses(value).valid.length > 0) return value;
    } catch {
      // An unreadable property is no address.
    }
  }
  return undefined;
}

function _reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}
