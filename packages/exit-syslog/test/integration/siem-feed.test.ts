/**
 * The SIEM feed against a real rsyslog (Debian's rsyslog with the gtls driver, started by scripts/rsyslog.sh as a
 * separate process on a loopback port, TLS only, with a CA made by OpenSSL). rsyslog parses what it receives as
 * RFC 5424 and its mmpstrucdata module parses the structured data; the tests read what it wrote.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICertExit2, RegistryValue } from '@certexit/core';
import {
  CertexitError,
  classifyExitFailure,
  DB_DISP_ISSUED,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  S_OK,
} from '@certexit/core';
import {
  CertificateAuthority,
  caRegistryPaths,
  editCaTemplateNames,
  PRINCIPALS,
  RegistryFile,
  setupCa,
} from '@certexit/engine';
import type { ServerExitFixture } from '@certexit/testing';
import { checkExitModule, createCapturingLogger, createTestServices, defaultFixture } from '@certexit/testing';
import { createCertificationRequest, generateKeyPair, subjectAltName, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki } from '../../../../tooling/test/test-pki';
import { createSyslogExitModule, SYSLOG_PROGID } from '../../src';
import type { ReceivedSyslog, RsyslogEnv } from './rsyslog-env';
import { readReceived, readRsyslogEnv, rsyslogScript } from './rsyslog-env';

const CA_NAME = 'certexit Test CA';
const SD = 'certexit@32473';

describe('SIEM feed → rsyslog over TLS (RFC 5424/5425)', { timeout: 60_000 }, () => {
  let env: RsyslogEnv;
  let stranger: TestPki;
  const run = randomUUID().slice(0, 8);
  let n = 0;

  beforeAll(() => {
    env = readRsyslogEnv();
    stranger = createTestPki('certexit Stranger CA');
  });
  afterAll(() => stranger.remove());

  const config = (extra: Record<string, RegistryValue> = {}): Record<string, RegistryValue> => ({
    Server: env.host,
    Port: env.port,
    CAFile: env.caFile,
    ...extra,
  });
  async function start(extra: Record<string, RegistryValue> = {}, fixture?: ServerExitFixture) {
    const services = createTestServices({ config: config(extra), fixture, progId: SYSLOG_PROGID });
    const module = (await createSyslogExitModule().create(services)) as ICertExit2;
    const mask = await module.Initialize(CA_NAME);
    const notify = async (event: number, context: number) => {
      const eventId = `${CA_NAME}/${run}-${++n}`;
      services.setEventId(eventId);
      await module.Notify(event, context);
      return eventId;
    };
    return { services, module, mask, notify, fixture: services.fixture };
  }
  /** The message rsyslog wrote for an EventID, parsed by rsyslog. */
  const received = (eventId: string) =>
    eventually(() => {
      const found = readReceived(env).filter((m) => m.sd?.[SD]?.eventid === eventId);
      expect(found).toHaveLength(1);
      return found[0] as ReceivedSyslog;
    });

  it('passes the conformance kit sending to rsyslog', async () => {
    const before = readReceived(env).length;
    (await checkExitModule({ module: createSyslogExitModule(), config: config() })).assertOk();
    await eventually(() => expect(readReceived(env).length).toBeGreaterThan(before));
  });

  it('sends an issued certificate as RFC 5424 with its fields as structured data', async () => {
    const { notify, fixture, mask } = await start();
    expect(mask).toBe(0x23f);
    const issued = fixture.contexts[fixture.eventContexts.issued]!;
    const eventId = await notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);

    const m = await received(eventId);
    expect(m).toMatchObject({
      'protocol-version': '1',
      'app-name': 'certexit',
      procid: String(process.pid),
      msgid: 'CERTISSUED',
      syslogfacility: '10',
      syslogseverity: '6',
      hostname: String(fixture.ca.MachineDNSName),
    });
    expect(m.msg).toBe(`certificate ${issued.certificate!.SerialNumber} issued for CERTEXIT\\alice (template User)`);
    // rsyslog's own parse of the structured data (mmpstrucdata lower-cases the parameter names).
    expect(m.sd?.[SD]).toEqual({
      event: 'issued',
      eventid: eventId,
      ca: CA_NAME,
      requestid: String(fixture.eventContexts.issued),
      requester: 'CERTEXIT\\alice',
      disposition: String(DB_DISP_ISSUED),
      dispositionmessage: 'Issued',
      template: 'User',
      serialnumber: issued.certificate!.SerialNumber,
      subject: issued.certificateName!.DistinguishedName,
      notbefore: (issued.certificate!.NotBefore as Date).toISOString(),
      notafter: (issued.certificate!.NotAfter as Date).toISOString(),
      thumbprint: issued.certificate!.CertificateHash,
    });
    expect(m.sd?.origin).toMatchObject({ software: 'certexit', swversion: expect.any(String) });
  });

  it('sends revocations, denials and CRLs with their severities', async () => {
    const { notify, fixture } = await start();
    const revoked = fixture.contexts[fixture.eventContexts.revoked]!;
    const r = await received(await notify(EXITEVENT_CERTREVOKED, fixture.eventContexts.revoked));
    expect(r).toMatchObject({ msgid: 'CERTREVOKED', syslogseverity: '5' });
    expect(r.sd?.[SD]).toMatchObject({
      event: 'revoked',
      serialnumber: revoked.certificate!.SerialNumber,
      revocationreason: String(revoked.request.RevokedReason),
      revokedwhen: (revoked.request.RevokedWhen as Date).toISOString(),
    });
    const d = await received(await notify(EXITEVENT_CERTDENIED, fixture.eventContexts.denied));
    expect(d).toMatchObject({ msgid: 'CERTDENIED', syslogseverity: '4' });
    expect(d.sd?.[SD]).not.toHaveProperty('serialnumber');
    const c = await received(await notify(EXITEVENT_CRLISSUED, 0));
    expect(c).toMatchObject({ msgid: 'CRLISSUED', syslogseverity: '6' });
    expect(Number(c.sd?.[SD]?.crlcount)).toBeGreaterThan(0);
  });

  it('escapes values so that quotes, brackets and backslashes cannot break the structured data', async () => {
    const fixture = defaultFixture();
    const context = fixture.eventContexts.issued;
    const tricky = 'CONTOSO\\o"brien] [x="1"] \\';
    (fixture.contexts[context]!.request as Record<string, unknown>).RequesterName = `${tricky}\nInjected: yes`;
    const { notify } = await start({}, fixture);
    const m = await received(await notify(EXITEVENT_CERTISSUED, context));
    expect(m.sd?.[SD]?.requester).toBe(`${tricky} Injected: yes`);
    expect(m.msgid).toBe('CERTISSUED');
  });

  it('honours Facility, AppName, Hostname, EnterpriseNumber and EventMask', async () => {
    const { notify, fixture, mask } = await start({
      Facility: 4,
      AppName: 'pki-audit',
      Hostname: 'ca01.contoso.test',
      EnterpriseNumber: 99999,
      EventMask: EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED,
    });
    expect(mask).toBe(EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED);
    const eventId = await notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);
    const m = await eventually(() => {
      const found = readReceived(env).find((x) => x.sd?.['certexit@99999']?.eventid === eventId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(m).toMatchObject({ 'app-name': 'pki-audit', hostname: 'ca01.contoso.test', syslogfacility: '4' });
  });

  it('refuses a server whose certificate does not verify, permanently', async () => {
    const wrongCa = await start({ CAFile: stranger.files.ca });
    const error = await Promise.resolve(
      wrongCa.notify(EXITEVENT_CERTISSUED, wrongCa.fixture.eventContexts.issued),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/does not verify/);
    expect(classifyExitFailure(error, CertexitError.hresultOf(error)).kind).toBe('permanent');
    const wrongName = await start({ ServerName: 'siem.contoso.test' });
    const nameError = await Promise.resolve(
      wrongName.notify(EXITEVENT_CERTISSUED, wrongName.fixture.eventContexts.issued),
    ).catch((e: unknown) => e);
    expect((nameError as Error).message).toMatch(/does not verify.*ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('fails as transient while rsyslog is down, and reconnects when it is back', async () => {
    const { notify, fixture, services, module } = await start();
    const first = await notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);
    await received(first);
    rsyslogScript(env, 'stop');
    try {
      // The first send after the server went away may still be written into the dead connection's buffer
      // before the close is seen; give the client a moment to see the FIN, as it would between real events.
      await new Promise((r) => setTimeout(r, 200));
      const eventId = `${CA_NAME}/${run}-down`;
      services.setEventId(eventId);
      const error = await Promise.resolve(module.Notify(EXITEVENT_CERTREVOKED, fixture.eventContexts.revoked)).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      expect(classifyExitFailure(error, CertexitError.hresultOf(error)).kind).toBe('transient');
    } finally {
      rsyslogScript(env, 'start');
    }
    // The host's retry of the same notification: a new connection, delivered once.
    services.setEventId(`${CA_NAME}/${run}-down`);
    expect(await module.Notify(EXITEVENT_CERTREVOKED, fixture.eventContexts.revoked)).toBe(S_OK);
    await received(`${CA_NAME}/${run}-down`);
    services.stop();
  });

  it('feeds issuance and revocation of a real CA', async () => {
    const work = mkdtempSync(join(tmpdir(), 'certexit-syslog-ca-'));
    const dir = join(work, 'ca');
    const { sanitizedName } = await setupCa({
      dir,
      commonName: 'Syslog CA',
      type: 'enterprise-root',
      exitModules: [SYSLOG_PROGID],
    });
    const registry = new RegistryFile(join(dir, 'registry.json'));
    const key = caRegistryPaths.exitModule(sanitizedName, SYSLOG_PROGID);
    for (const [name, value] of Object.entries(config())) registry.setValue(`${key}\\${name}`, value);
    const authority = await CertificateAuthority.open({
      dir,
      logger: createCapturingLogger(),
      builtins: { [SYSLOG_PROGID]: createSyslogExitModule() },
      delivery: 'background',
    });
    // WebServer (the enrollee supplies the subject) is offered; the test submits as the CA's administrators.
    editCaTemplateNames(authority.ca, ['+WebServer']);
    try {
      const keyPair = await generateKeyPair('ECDSA_P256');
      const request = toPem(
        await createCertificationRequest({
          keyPair,
          keyAlgorithm: 'ECDSA_P256',
          subject: `CN=${run}.certexit.test`,
          extensions: [subjectAltName({ dns: [`${run}.certexit.test`] })],
        }),
        'CERTIFICATE REQUEST',
      );
      const outcome = await authority.submit({
        request,
        attributes: 'CertificateTemplate:WebServer',
        requesterGroups: [PRINCIPALS.administrators],
      });
      expect(outcome.disposition, outcome.message).toBe(DB_DISP_ISSUED);
      await authority.revoke(outcome.serialNumber!, { reason: 1 });
      const forSerial = () => readReceived(env).filter((m) => m.sd?.[SD]?.serialnumber === outcome.serialNumber);
      await eventually(() => expect(forSerial().map((m) => m.msgid)).toEqual(['CERTISSUED', 'CERTREVOKED']), 20_000);
      const [issued, revoked] = forSerial();
      expect(issued!.sd?.[SD]).toMatchObject({
        ca: 'Syslog CA',
        eventid: expect.stringMatching(/^Syslog CA\/\d+$/),
        template: 'WebServer',
        subject: `CN=${run}.certexit.test`,
      });
      expect(revoked!.sd?.[SD]).toMatchObject({ event: 'revoked', revocationreason: '1' });
    } finally {
      await authority.stop({ sendShutdownEvent: false });
      rmSync(work, { recursive: true, force: true });
    }
  });
});
