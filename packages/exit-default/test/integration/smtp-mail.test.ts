/**
 * E-mail notifications against a real SMTP server on loopback (the `smtp-server` package) that offers STARTTLS
 * with a certificate made here by OpenSSL and requires AUTH. The mails are asserted as the server received them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ICertExit2, RegistryTree } from '@certexit/core';
import {
  CT_FLAG_PUBLISH_TO_DS,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_STARTUP,
  EXITPUB_ACTIVEDIRECTORY,
  PROGID_DEFAULT_EXIT,
  S_OK,
} from '@certexit/core';
import type { ServerExitFixture, TestServices } from '@certexit/testing';
import { createTestServices, defaultFixture } from '@certexit/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestCa } from '../../../../tooling/test/test-pki';
import { createDefaultExitModule, MAIL_ERROR_CODES, MAIL_HRESULTS, MailError } from '../../src';
import { scratchDir, secretFile } from './samba-fixture';

interface ReceivedMail {
  readonly envelopeFrom: string;
  readonly envelopeTo: string[];
  readonly user: string | undefined;
  readonly secure: boolean;
  readonly headers: Map<string, string[]>;
  readonly body: string;
}

const USER = 'ca-mailer';
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-secret`;

describe('e-mail notifications → SMTP server with STARTTLS and AUTH', { timeout: 30_000 }, () => {
  let scratch: ReturnType<typeof scratchDir>;
  let server: SMTPServer;
  let port: number;
  let caFile: string;
  let wrongCaFile: string;
  let passwordFile: string;
  let received: ReceivedMail[] = [];
  /** Recipients the server refuses (450) the next time they are named. */
  const refuseOnce = new Set<string>();

  beforeAll(async () => {
    scratch = scratchDir();
    const ca = makeTestCa(scratch.path, 'smtp-test-ca');
    const wrong = makeTestCa(scratch.path, 'smtp-wrong-ca');
    caFile = ca.pem;
    wrongCaFile = wrong.pem;
    passwordFile = secretFile(scratch.path, 'smtp-password', PASSWORD);
    const key = join(scratch.path, 'smtp.key');
    const cert = join(scratch.path, 'smtp.pem');
    const ext = join(scratch.path, 'smtp.ext');
    writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-subj',
        '/CN=localhost',
        '-out',
        `${cert}.csr`,
      ],
      { stdio: 'pipe' },
    );
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        `${cert}.csr`,
        '-CA',
        ca.pem,
        '-CAkey',
        ca.key,
        '-CAcreateserial',
        '-CAserial',
        join(scratch.path, 'smtp.srl'),
        '-days',
        '2',
        '-extfile',
        ext,
        '-out',
        cert,
      ],
      { stdio: 'pipe' },
    );

    server = new SMTPServer({
      key: readFileSync(key),
      cert: readFileSync(cert),
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
        else callback(new Error('Invalid username or password'));
      },
      onRcptTo(address, _session, callback) {
        if (refuseOnce.delete(address.address)) {
          const busy = Object.assign(new Error('mailbox busy, try later'), { responseCode: 450 });
          callback(busy);
        } else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const split = raw.indexOf('\r\n\r\n');
          const headers = new Map<string, string[]>();
          for (const line of raw
            .slice(0, split)
            .replace(/\r\n[ \t]+/g, ' ')
            .split('\r\n')) {
            const colon = line.indexOf(':');
            const name = line.slice(0, colon).toLowerCase();
            headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
          }
          received.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            secure: session.secure,
            headers,
            body: raw.slice(split + 4),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    scratch?.dispose();
  });
  beforeEach(() => {
    received = [];
  });

  const smtp = (overrides: RegistryTree = {}): RegistryTree => ({
    SMTPServer: 'localhost',
    SMTPPort: port,
    SMTPAuthenticate: 1,
    SMTPUser: USER,
    SMTPPasswordFile: passwordFile,
    SMTPCAFile: caFile,
    EventFilter: EXITEVENT_CERTISSUED | EXITEVENT_CERTDENIED | EXITEVENT_CRLISSUED,
    ...overrides,
  });

  const start = async (smtpConfig: RegistryTree, fixture?: ServerExitFixture) => {
    const services: TestServices = createTestServices({
      fixture,
      config: { PublishCertFlags: 0, SMTP: smtpConfig },
      progId: PROGID_DEFAULT_EXIT,
    });
    const module = (await createDefaultExitModule().create(services)) as ICertExit2;
    await module.Initialize('certexit Test CA');
    return { services, module };
  };
  const notify = async (module: ICertExit2, event: number, context: number) =>
    Promise.resolve(module.Notify(event, context)).catch((e: unknown) => e);

  const withIssued = (patch: { request?: Record<string, unknown>; certificate?: Record<string, unknown> }) => {
    const base = defaultFixture();
    const issued = base.contexts[1]!;
    return {
      ...base,
      contexts: {
        ...base.contexts,
        1: {
          ...issued,
          request: { ...issued.request, ...patch.request },
          certificate: { ...issued.certificate, ...patch.certificate },
        },
      },
    } as ServerExitFixture;
  };

  it('sends the per-template Issued mail over STARTTLS with AUTH, with every %n substituted and typed', async () => {
    const { module, services } = await start(
      smtp({
        Templates: {
          User: {
            Issued: {
              From: 'ca@certexit.test',
              To: 'pki-team@certexit.test; second@certexit.test',
              Cc: 'audit@certexit.test',
              TitleFormat: 'Issued %1 for %2 (100%%)',
              TitleArg: ['Request.RequestID', 'Request.RequesterName'],
              BodyFormat: ['Serial %1, valid until %2', 'Flags %3; missing %4; hash %5', 'Cert %6', 'Beyond %9'],
              BodyArg: [
                'SerialNumber',
                'NotAfter',
                'Request.RequestFlags',
                'NoSuchProperty',
                'CertificateHash',
                'RawCertificate',
              ],
            },
          },
          Default: { Issued: { To: 'default@certexit.test', TitleFormat: 'never used' } },
        },
      }),
    );
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe(USER);
    expect(mail.envelopeFrom).toBe('ca@certexit.test');
    expect(mail.envelopeTo.sort()).toEqual(['audit@certexit.test', 'pki-team@certexit.test', 'second@certexit.test']);
    expect(mail.headers.get('from')).toEqual(['ca@certexit.test']);
    expect(mail.headers.get('to')).toEqual(['pki-team@certexit.test, second@certexit.test']);
    expect(mail.headers.get('cc')).toEqual(['audit@certexit.test']);
    expect(mail.headers.get('subject')).toEqual(['Issued 1 for CERTEXIT\\alice (100%)']);
    expect(mail.headers.get('x-certexit-event')).toEqual(['EXITEVENT_CERTISSUED']);
    const fx = defaultFixture().contexts[1]!.certificate!;
    const body = mail.body.replace(/=\r\n/g, '');
    expect(body).toContain(`Serial ${fx.SerialNumber}, valid until ${(fx.NotAfter as Date).toISOString()}`);
    expect(body).toContain(`Flags 0; missing ???; hash ${fx.CertificateHash}`);
    expect(body.replace(/\r\n/g, '')).toContain(
      `Cert ${Buffer.from(fx.RawCertificate as Uint8Array).toString('base64')}`,
    );
    expect(body).toContain('Beyond ???');
    expect(JSON.stringify(services.logger.entries)).not.toContain(PASSWORD);
  });

  it("falls back to Templates\\Default, then to certexit's texts, and mails the requester when To is empty", async () => {
    const { module } = await start(smtp({ Templates: { Default: { Issued: { From: 'ca@certexit.test' } } } }));
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    const mail = received[0]!;
    // The kit's fixture has no EMail; its UPN is alice@certexit.test.
    expect(mail.envelopeTo).toEqual(['alice@certexit.test']);
    expect(mail.headers.get('from')).toEqual(['ca@certexit.test']);
    expect(mail.headers.get('subject')).toEqual(['Certificate issued by certexit Test CA (request 1)']);
    expect(mail.body).toContain('The certification authority certexit Test CA issued a certificate.');
    expect(mail.body).toContain('Requester: CERTEXIT\\alice');
  });

  it('uses the event key directly under SMTP, and sends nothing for events outside EventFilter', async () => {
    const { module } = await start(
      smtp({
        EventFilter: EXITEVENT_CRLISSUED,
        CRLIssued: { To: 'ops@certexit.test', TitleFormat: 'CRL of %1', TitleArg: ['SanitizedCAName'] },
      }),
    );
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    expect(received).toHaveLength(0);
    expect(await module.Notify(EXITEVENT_CRLISSUED, 0)).toBe(S_OK);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers.get('subject')).toEqual(['CRL of certexit Test CA']);
    expect(received[0]!.envelopeTo).toEqual(['ops@certexit.test']);
  });

  it('never lets certificate values inject headers or recipients', async () => {
    const evil = 'CERTEXIT\\mallory\r\nBcc: attacker@evil.test\r\nX-Injected: 1';
    const { module, services } = await start(
      smtp({ Templates: { Default: { Issued: { TitleFormat: 'For %1', TitleArg: ['Request.RequesterName'] } } } }),
      withIssued({
        request: { RequesterName: evil },
        certificate: { UPN: 'victim@certexit.test>\r\nBcc: attacker@evil.test' },
      }),
    );
    const result = await notify(module, EXITEVENT_CERTISSUED, 1);
    // The only address (the UPN) is invalid: nothing is sent, and the failure names "Unavailable".
    expect(MailError.isInstance(result)).toBe(true);
    expect((result as MailError).code).toBe(MAIL_ERROR_CODES.NO_RECIPIENT);
    expect((result as Error).message).toMatch(/EXITEVENT_CERTISSUED to Unavailable/);
    expect(received).toHaveLength(0);

    const second = await start(
      smtp({
        Templates: {
          Default: { Issued: { To: 'pki@certexit.test', TitleFormat: 'For %1', TitleArg: ['Request.RequesterName'] } },
        },
      }),
      withIssued({ request: { RequesterName: evil } }),
    );
    expect(await second.module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    const mail = received[0]!;
    expect(mail.envelopeTo).toEqual(['pki@certexit.test']);
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.headers.has('x-injected')).toBe(false);
    expect(mail.headers.get('subject')).toEqual(['For CERTEXIT\\mallory Bcc: attacker@evil.test X-Injected: 1']);
    expect(services.logger.entries.some((e) => e.level === 'error' && /Unavailable/.test(e.msg ?? ''))).toBe(true);
  });

  // Issue 12: "the default module sent the same e-mail on every retry while its file write kept failing: five mails
  // for one certificate".
  it('mails once per notification and recipient, however often the notification is retried', async () => {
    const fixture = withIssued({ certificate: { EnrollmentFlags: CT_FLAG_PUBLISH_TO_DS } });
    const services = createTestServices({
      fixture,
      config: {
        // The directory refuses connections (port 1): a transient failure, so the host retries the notification.
        PublishCertFlags: EXITPUB_ACTIVEDIRECTORY,
        LdapServers: ['ldap://127.0.0.1:1'],
        DomainDN: 'DC=certexit,DC=test',
        SMTP: smtp({ Issued: { To: 'pki@certexit.test; ops@certexit.test' } }),
      },
      progId: PROGID_DEFAULT_EXIT,
      eventId: 'certexit Test CA/77',
    });
    const module = (await createDefaultExitModule().create(services)) as ICertExit2;
    await module.Initialize('certexit Test CA');
    for (let attempt = 1; attempt <= 5; attempt++) {
      const error = await notify(module, EXITEVENT_CERTISSUED, 1);
      expect((error as { code?: string }).code).toBe('SERVER_UNREACHABLE');
      expect((error as { isRetryable?: boolean }).isRetryable).toBe(true);
    }
    expect(received).toHaveLength(1);
    expect(received[0]!.envelopeTo.sort()).toEqual(['ops@certexit.test', 'pki@certexit.test']);
    expect(services.idempotency.actions.map((a) => [a.action, a.state, a.scope])).toEqual([
      ['mail:pki@certexit.test', 'done', 'event'],
      ['mail:ops@certexit.test', 'done', 'event'],
    ]);
    // A new notification of the same request (another EventID) is another mail.
    services.setEventId('certexit Test CA/78');
    await notify(module, EXITEVENT_CERTISSUED, 1);
    expect(received).toHaveLength(2);
  });

  it('retries only the recipients the server refused for now, and never mails an accepted one twice', async () => {
    refuseOnce.add('busy@certexit.test');
    const { module, services } = await start(smtp({ Issued: { To: 'ok@certexit.test, busy@certexit.test' } }));
    services.setEventId('certexit Test CA/90');
    const first = await notify(module, EXITEVENT_CERTISSUED, 1);
    expect(MailError.isInstance(first)).toBe(true);
    expect((first as MailError).isRetryable).toBe(true);
    expect((first as Error).message).toMatch(/refused the recipient\(s\) busy@certexit\.test/);
    expect(received.map((m) => m.envelopeTo)).toEqual([['ok@certexit.test']]);
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    expect(received.map((m) => m.envelopeTo)).toEqual([['ok@certexit.test'], ['busy@certexit.test']]);
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    expect(received).toHaveLength(2);
    expect(services.logger.entries.some((e) => /already mailed to every recipient/.test(e.msg ?? ''))).toBe(true);
  });

  it('synthesizes EXITEVENT_STARTUP at Initialize when EventFilter has 0x80', async () => {
    await start(smtp({ EventFilter: EXITEVENT_STARTUP, Startup: { To: 'ops@certexit.test' } }));
    expect(received).toHaveLength(1);
    expect(received[0]!.headers.get('subject')).toEqual(['Certificate Services started: certexit Test CA']);
    expect(received[0]!.headers.get('x-certexit-event')).toEqual(['EXITEVENT_STARTUP']);
    received = [];
    await start(smtp({ EventFilter: EXITEVENT_CERTISSUED, Startup: { To: 'ops@certexit.test' } }));
    expect(received).toHaveLength(0);
  });

  it.each([
    [
      'a wrong password',
      () => ({ SMTPPasswordFile: secretFile(scratch.path, 'wrong', 'nope') }),
      MAIL_HRESULTS.LOGON_FAILURE,
      /Invalid username or password/,
    ],
    ['a closed port', () => ({ SMTPPort: 1 }), MAIL_HRESULTS.FAILED_TO_CONNECT, /ECONNREFUSED|connect/i],
    [
      'a server certificate from another CA',
      () => ({ SMTPCAFile: wrongCaFile }),
      MAIL_HRESULTS.FAILED_TO_CONNECT,
      /certificate/i,
    ],
  ] as const)('fails with a clear error (event 46) on %s', async (_, overrides, hresult, reason) => {
    const { module, services } = await start(smtp({ To: 'x@certexit.test', ...overrides() }));
    const error = await notify(module, EXITEVENT_CERTISSUED, 1);
    expect(MailError.isInstance(error)).toBe(true);
    expect((error as MailError).code).toBe(MAIL_ERROR_CODES.SEND_FAILED);
    expect((error as MailError).hresult).toBe(hresult);
    expect((error as Error).message).toMatch(
      /The Certification Authority was unable to send an email notification for EXITEVENT_CERTISSUED to alice@certexit\.test/,
    );
    expect((error as Error).message).toMatch(reason);
    expect(received).toHaveLength(0);
    expect(services.logger.entries.some((e) => e.level === 'error')).toBe(true);
    expect(JSON.stringify(services.logger.entries)).not.toContain(PASSWORD);
  });
});
