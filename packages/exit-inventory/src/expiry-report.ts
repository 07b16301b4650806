import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CertexitError, E_FAIL, HRESULT_BAD_CONFIGURATION } from '@certexit/core';
import { loadWebhookSecrets, postWebhook, signStandardWebhook } from '@certexit/exit-webhook';
import type { InventoryEntry } from './store/inventory-entry';
import type { InventoryStore } from './store/inventory-store';

/** The CloudEvents `type` of a posted expiry report. */
export const EXPIRY_REPORT_EVENT_TYPE = 'com.certexit.inventory.expiry-report';

/** Where an expiry report is mailed: an SMTP server (STARTTLS verified against `caFile` or the system store). */
export interface ExpiryReportMail {
  readonly to: readonly string[];
  readonly from: string;
  readonly server: string;
  /** @default 587 */
  readonly port?: number;
  /** Require STARTTLS (never turned off for a server that is not loopback). @default true */
  readonly startTls?: boolean;
  readonly caFile?: string;
  readonly user?: string;
  /** A file holding the SMTP password (never a registry value or an argument). */
  readonly passwordFile?: string;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** Where an expiry report is posted: a CloudEvent signed per Standard Webhooks, as the web hook module sends. */
export interface ExpiryReportWebhook {
  readonly url: string;
  readonly secretFile?: string;
  readonly secretEnv?: string;
  readonly caFile?: string;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** What {@link sendExpiryReport} needs. */
export interface ExpiryReportOptions {
  readonly store: InventoryStore;
  readonly withinDays: number;
  /** The CA named in the subject and the CloudEvents `source`. */
  readonly ca: string;
  readonly mail?: ExpiryReportMail;
  readonly webhook?: ExpiryReportWebhook;
  /** Send a report that lists nothing (a heartbeat); by default an empty report is not sent. @default false */
  readonly whenEmpty?: boolean;
  readonly now?: Date;
  readonly warn?: (message: string) => void;
}

/** What one report run did. */
export interface ExpiryReportResult {
  readonly certificates: readonly InventoryEntry[];
  readonly mailed: boolean;
  readonly posted: boolean;
}

/**
 * Lists the certificates that expire within `withinDays` days (AD CS has no expiry event: the inventory is where
 * expiry becomes visible) and mails the list, posts it to a web hook, or both. Throws a `CertexitError` when a
 * target fails (transient for connection failures and 5xx, permanent for configuration and 4xx).
 */
export async function sendExpiryReport(options: ExpiryReportOptions): Promise<ExpiryReportResult> {
  const now = options.now ?? new Date();
  const certificates = await options.store.expiring(options.withinDays, now);
  if (certificates.length === 0 && !options.whenEmpty) return { certificates, mailed: false, posted: false };
  let mailed = false;
  let posted = false;
  if (options.mail) {
    await _mail(
      options.mail,
      _subject(options.ca, certificates.length, options.withinDays),
      formatExpiryReport(certificates, options.withinDays, now),
    );
    mailed = true;
  }
  if (options.webhook) {
    await _post(options, certificates, now);
    posted = true;
  }
  return { certificates, mailed, posted };
}

/** The report as text: one line per certificate, soonest first. */
export function formatExpiryReport(certificates: readonly InventoryEntry[], withinDays: number, now: Date): string {
  const lines = [
    `${certificates.length} certificate${certificates.length === 1 ? '' : 's'} expire${certificates.length === 1 ? 's' : ''} within ${withinDays} day${withinDays === 1 ? '' : 's'} of ${now.toISOString()}:`,
    '',
  ];
  for (const c of certificates) {
    const days = Math.floor((Date.parse(c.notAfter ?? '') - now.getTime()) / 86_400_000);
    lines.push(`${c.notAfter}  (in ${days} day${days === 1 ? '' : 's'})  serial ${c.serialNumber}`);
    const about = [
      c.subject ?? '(no subject)',
      c.template && `template ${c.template}`,
      c.requester && `requester ${c.requester}`,
    ];
    lines.push(`    ${about.filter(Boolean).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function _subject(ca: string, count: number, withinDays: number): string {
  return `[${ca}] ${count} certificate${count === 1 ? '' : 's'} expire${count === 1 ? 's' : ''} within ${withinDays} days`;
}

async function _mail(mail: ExpiryReportMail, subject: string, text: string): Promise<void> {
  if (mail.to.length === 0) throw _config('the expiry report has no recipients');
  const [ca, password] = await Promise.all([
    _read(mail.caFile, 'SMTP CA file'),
    _read(mail.passwordFile, 'SMTP password file'),
  ]);
  const port = mail.port ?? 587;
  const startTls = mail.startTls ?? true;
  const timeout = mail.timeoutMs ?? 30_000;
  // nodemailer is loaded with the first report mailed: the inventory module alone does not hold it in memory.
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: mail.server,
    port,
    secure: port === 465,
    requireTLS: startTls,
    ignoreTLS: !startTls,
    ...(mail.user !== undefined && password !== undefined ? { auth: { user: mail.user, pass: password.trim() } } : {}),
    tls: { ...(ca ? { ca: [ca] } : {}), servername: mail.server, minVersion: 'TLSv1.2' },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    await transport.sendMail({
      from: mail.from,
      to: [...mail.to],
      subject,
      text,
      headers: { 'X-Certexit-Report': 'expiry' },
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const responseCode = (error as { responseCode?: number }).responseCode;
    const transient =
      code === 'ECONNECTION' ||
      code === 'ETIMEDOUT' ||
      code === 'ESOCKET' ||
      code === 'EDNS' ||
      (responseCode !== undefined && responseCode >= 400 && responseCode < 500);
    throw new CertexitError({
      hresult: transient ? E_FAIL : HRESULT_BAD_CONFIGURATION,
      message: `mailing the expiry report through ${mail.server}:${port} failed: ${(error as Error).message}`,
      isRetryable: transient,
      cause: error,
    });
  } finally {
    transport.close();
  }
}

async function _post(options: ExpiryReportOptions, certificates: readonly InventoryEntry[], now: Date): Promise<void> {
  const hook = options.webhook!;
  const secrets = await loadWebhookSecrets(
    {
      ...(hook.secretFile !== undefined && { file: hook.secretFile }),
      ...(hook.secretEnv !== undefined && { env: hook.secretEnv }),
    },
    'the expiry report web hook',
    { ...(options.warn && { warn: options.warn }) },
  );
  const id = `expiry-report-${randomUUID()}`;
  const body = JSON.stringify({
    specversion: '1.0',
    type: EXPIRY_REPORT_EVENT_TYPE,
    source: `urn:certexit:ca:${encodeURIComponent(options.ca)}`,
    id,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    data: { withinDays: options.withinDays, count: certificates.length, certificates },
  });
  const headers = signStandardWebhook({ id, timestamp: new Date(), body }, secrets);
  let url: URL;
  try {
    url = new URL(hook.url);
  } catch {
    throw _config(`the expiry report web hook URL is not a URL`);
  }
  const ca = await _read(hook.caFile, 'web hook CA file');
  // postWebhook rejects anything but 2xx: transient for 5xx, 408, 429 and connection failures, else permanent.
  await postWebhook({
    url,
    body,
    headers: { ...headers },
    contentType: 'application/cloudevents+json',
    timeoutMs: hook.timeoutMs ?? 30_000,
    ...(ca !== undefined && { ca }),
  });
}

async function _read(path: string | undefined, what: string): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw _config(`cannot read the ${what} ${path}: ${(cause as NodeJS.ErrnoException).code ?? cause}`);
  }
}

function _config(message: string): CertexitError {
  return new CertexitError({ hresult: HRESULT_BAD_CONFIGURATION, message, isRetryable: false });
}
