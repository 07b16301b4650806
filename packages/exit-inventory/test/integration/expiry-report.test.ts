/**
 * The expiry report against real servers started here: an SMTP server on loopback (the `smtp-server` package) that
 * offers STARTTLS with a certificate of a test CA and requires AUTH, and the HTTPS web hook receiver of
 * @certexit/exit-webhook's tests, which verifies every delivery with the `standardwebhooks` package and reads it
 * with the CloudEvents SDK. Reports are sent by the `certexit-inventory report` command and, periodically, by the
 * module itself.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICertExit2 } from '@certexit/core';
import { generateWebhookSecret } from '@certexit/exit-webhook';
import { createTestServices } from '@certexit/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki } from '../../../../tooling/test/test-pki';
import type { WebhookReceiver } from '../../../exit-webhook/test/support/webhook-receiver';
import { startWebhookReceiver } from '../../../exit-webhook/test/support/webhook-receiver';
import type { InventoryEntry } from '../../src';
import {
  createInventoryExitModule,
  EXPIRY_REPORT_EVENT_TYPE,
  INVENTORY_PROGID,
  openSqliteInventoryStore,
  runInventoryCli,
} from '../../src';

interface ReceivedMail {
  readonly to: string[];
  readonly user: string | undefined;
  readonly secure: boolean;
  readonly raw: string;
}

const DAY = 86_400_000;
const USER = 'ca-reports';
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}`;

describe('expiry report → SMTP (STARTTLS, AUTH) and a signed web hook', { timeout: 30_000 }, () => {
  let dir: string;
  let db: string;
  let pki: TestPki;
  let smtp: SMTPServer;
  let smtpPort: number;
  let receiver: WebhookReceiver;
  let passwordFile: string;
  let secretFile: string;
  let hookConfig: ReturnType<WebhookReceiver['path']>;
  const mails: ReceivedMail[] = [];
  const hookPath = '/expiry';

  const entry = (serial: string, days: number, extra: Partial<InventoryEntry> = {}) => ({
    serialNumber: serial,
    ca: 'Contoso CA',
    subject: `CN=${serial}.contoso.test`,
    template: 'WebServer',
    requester: 'CONTOSO\\web',
    notAfter: new Date(Date.now() + days * DAY).toISOString(),
    status: 'issued' as const,
    lastEvent: 'issued' as const,
    ...extra,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certexit-expiry-'));
    db = join(dir, 'inventory.sqlite');
    const store = openSqliteInventoryStore(db);
    await store.upsert(entry('0a05', 5), 'CA/1');
    await store.upsert(entry('0a20', 20), 'CA/2');
    await store.upsert(entry('0a45', 45), 'CA/3');
    await store.upsert(entry('0a03', 3, { status: 'revoked', lastEvent: 'revoked', revokedReason: 1 }), 'CA/4');
    await store.close();

    pki = createTestPki('certexit Report Test CA');
    passwordFile = join(dir, 'smtp-password');
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    smtp = new SMTPServer({
      key: pki.keyPem,
      cert: pki.certPem,
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            secure: session.secure,
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;

    receiver = await startWebhookReceiver(pki);
    const secret = generateWebhookSecret();
    hookConfig = receiver.path(hookPath, [secret]);
    secretFile = join(dir, 'hook-secret');
    writeFileSync(secretFile, `${secret}\n`);
    chmodSync(secretFile, 0o600);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await receiver.close();
    pki.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
  };

  it('mails the certificates about to expire over STARTTLS with AUTH (certexit-inventory report)', async () => {
    const before = mails.length;
    const { out, err, io: cli } = io();
    const code = await runInventoryCli(
      [
        'report',
        '--db',
        db,
        '--within',
        '30',
        '--ca',
        'Contoso CA',
        '--mail-to',
        'pki-ops@contoso.test',
        'security@contoso.test',
        '--mail-from',
        'ca01@contoso.test',
        '--smtp-server',
        'localhost',
        '--smtp-port',
        String(smtpPort),
        '--smtp-ca-file',
        pki.files.ca,
        '--smtp-user',
        USER,
        '--smtp-password-file',
        passwordFile,
      ],
      cli,
    );
    expect(code, err.join('\n')).toBe(0);
    expect(out.pop()).toBe('2 expiring; mailed, not posted');
    expect(mails.length).toBe(before + 1);
    const mail = mails.at(-1)!;
    expect(mail).toMatchObject({ to: ['pki-ops@contoso.test', 'security@contoso.test'], user: USER, secure: true });
    expect(mail.raw).toMatch(/^Subject: \[Contoso CA\] 2 certificates expire within 30 days$/m);
    expect(mail.raw).toMatch(/^X-Certexit-Report: expiry$/m);
    // Soonest first; the revoked certificate and the one beyond 30 days are not listed.
    const body = _quotedPrintable(mail.raw.slice(mail.raw.indexOf('\r\n\r\n')));
    expect(body.indexOf('0a05')).toBeGreaterThan(0);
    expect(body.indexOf('0a20')).toBeGreaterThan(body.indexOf('0a05'));
    expect(body).not.toMatch(/0a45|0a03/);
    expect(body).toMatch(/serial 0a05\r\n {4}CN=0a05\.contoso\.test, template WebServer, requester CONTOSO\\web\r\n/);
  });

  it('refuses an SMTP server whose certificate it cannot verify, and a wrong password; nothing is sent', async () => {
    const stranger = createTestPki('certexit Stranger CA');
    try {
      const before = mails.length;
      const { err, io: cli } = io();
      const base = ['report', '--db', db, '--within', '30', '--ca', 'Contoso CA', '--mail-to', 'a@contoso.test'];
      const smtpArgs = [
        '--mail-from',
        'ca01@contoso.test',
        '--smtp-server',
        'localhost',
        '--smtp-port',
        String(smtpPort),
      ];
      expect(await runInventoryCli([...base, ...smtpArgs, '--smtp-ca-file', stranger.files.ca], cli)).toBe(1);
      expect(err.pop()).toMatch(/mailing the expiry report .* failed: .*certificate/i);
      const wrong = join(dir, 'wrong-password');
      writeFileSync(wrong, 'nope', { mode: 0o600 });
      const auth = ['--smtp-ca-file', pki.files.ca, '--smtp-user', USER, '--smtp-password-file', wrong];
      expect(await runInventoryCli([...base, ...smtpArgs, ...auth], cli)).toBe(1);
      expect(err.pop()).toMatch(/Invalid username or password/);
      expect(err.join('\n')).not.toContain('nope');
      expect(mails.length).toBe(before);
    } finally {
      stranger.remove();
    }
  });

  it('posts the report as a CloudEvent signed per Standard Webhooks, verified by the receiver', async () => {
    const before = receiver.accepted.length;
    const { out, err, io: cli } = io();
    const args = ['report', '--db', db, '--within', '60', '--ca', 'Contoso CA'];
    const hook = ['--webhook-url', receiver.url(hookPath), '--webhook-secret-file', secretFile];
    expect(await runInventoryCli([...args, ...hook, '--webhook-ca-file', pki.files.ca], cli), err.join('\n')).toBe(0);
    expect(out.pop()).toBe('3 expiring; not mailed, posted');
    expect(receiver.accepted.length).toBe(before + 1);
    const { event, headers } = receiver.accepted.at(-1)!;
    expect(event).toMatchObject({ type: EXPIRY_REPORT_EVENT_TYPE, source: 'urn:certexit:ca:Contoso%20CA' });
    expect(headers['webhook-id']).toBe(event.id);
    const data = event.data as { withinDays: number; count: number; certificates: InventoryEntry[] };
    expect(data.withinDays).toBe(60);
    expect(data.certificates.map((c) => c.serialNumber)).toEqual(['0a05', '0a20', '0a45']);
    // The endpoint answers 400: the command fails and says so.
    hookConfig.failNext.push(400);
    expect(await runInventoryCli([...args, ...hook, '--webhook-ca-file', pki.files.ca], cli)).toBe(1);
    expect(err.pop()).toMatch(/400/);
    // Without the CA file the receiver's certificate does not verify: nothing is posted.
    const arrivals = receiver.arrivals.length;
    expect(await runInventoryCli([...args, ...hook], cli)).toBe(1);
    expect(err.pop()).toMatch(/certificate|verify/i);
    expect(receiver.arrivals.length).toBe(arrivals);
  });

  it('sends the report periodically from the module, to both targets, until the host stops it', async () => {
    const hook = receiver.path('/periodic', [generateWebhookSecret()]);
    const periodicSecret = join(dir, 'periodic-secret');
    writeFileSync(periodicSecret, `${hook.secrets[0]}\n`, { mode: 0o600 });
    const services = createTestServices({
      progId: INVENTORY_PROGID,
      config: {
        DatabaseFile: db,
        ExpiryReportIntervalSeconds: 1,
        ExpiryReportWithinDays: 10,
        ExpiryReportMailTo: ['pki-ops@contoso.test'],
        ExpiryReportMailFrom: 'ca01@contoso.test',
        SmtpServer: 'localhost',
        SmtpPort: smtpPort,
        SmtpCAFile: pki.files.ca,
        SmtpUser: USER,
        SmtpPasswordFile: passwordFile,
        ExpiryReportWebhookUrl: receiver.url('/periodic'),
        ExpiryReportWebhookSecretFile: periodicSecret,
        ExpiryReportWebhookCAFile: pki.files.ca,
      },
    });
    const { logger } = services;
    const mailsBefore = mails.length;
    const module = (await createInventoryExitModule().create(services)) as ICertExit2;
    await module.Initialize('Contoso CA');
    const posted = () => receiver.accepted.filter((d) => d.path === '/periodic');
    await eventually(() => {
      expect(posted().length).toBeGreaterThanOrEqual(2);
      expect(mails.length - mailsBefore).toBeGreaterThanOrEqual(2);
    }, 10_000);
    services.stop();
    const count = posted().length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(posted().length).toBe(count);
    expect(
      (posted()[0]!.event.data as { certificates: InventoryEntry[] }).certificates.map((c) => c.serialNumber),
    ).toEqual(['0a05']);
    expect(mails.at(-1)!.raw).toMatch(/^Subject: \[Contoso CA\] 1 certificate expires within 10 days$/m);
    // Secrets never reach the logs.
    expect(JSON.stringify(logger.entries)).not.toContain(PASSWORD);
    expect(JSON.stringify(logger.entries)).not.toContain(hook.secrets[0]!.slice(6));

    // The time of the last report is kept in the database: a restart within the interval does not report again,
    // a restart after it reports at once (a CA restarted more often than daily still gets its daily report).
    const restart = async (intervalSeconds: number) => {
      const again = createTestServices({
        progId: INVENTORY_PROGID,
        config: {
          DatabaseFile: db,
          ExpiryReportIntervalSeconds: intervalSeconds,
          ExpiryReportWithinDays: 10,
          ExpiryReportWebhookUrl: receiver.url('/periodic'),
          ExpiryReportWebhookSecretFile: periodicSecret,
          ExpiryReportWebhookCAFile: pki.files.ca,
        },
      });
      await ((await createInventoryExitModule().create(again)) as ICertExit2).Initialize('Contoso CA');
      return again;
    };
    const daily = await restart(86_400);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(posted().length).toBe(count);
    daily.stop();
    const store = openSqliteInventoryStore(db);
    await store.writeMark('expiryReport.lastSentAt', new Date(Date.now() - 2 * DAY).toISOString());
    await store.close();
    const overdue = await restart(86_400);
    await eventually(() => expect(posted().length).toBe(count + 1), 5_000);
    overdue.stop();
  });
});

/** The text of a quoted-printable body (nodemailer encodes long lines so). */
function _quotedPrintable(text: string): string {
  return text
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
