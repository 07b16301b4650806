import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CERTSRV_E_BAD_REQUESTSUBJECT,
  CERTSRV_E_PROPERTY_EMPTY,
  CRYPT_E_ASN1_BADTAG,
  CRYPT_E_ASN1_EOD,
  CT_FLAG_PUBLISH_TO_DS,
  DB_DISP_DENIED,
  DB_DISP_ERROR,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_SHUTDOWN,
  EXTENSION_DISABLE_FLAG,
  HRESULT_INVALID_DATA,
  HRESULT_TIMEOUT,
  NTE_BAD_SIGNATURE,
  PROPTYPE_BINARY,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
} from '@certexit/core';
import { createCapturingLogger } from '@certexit/testing';
import {
  createCertificationRequest,
  extendedKeyUsage,
  fromPem,
  generateKeyPair,
  subjectAltName,
  toPem,
} from '@certexit/x509';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AS_ADMINISTRATOR,
  offerPendingTemplate,
  offerTemplates,
  PENDING_TEMPLATE,
} from '../../test/support/policy-fixtures';
import type { SeenEvent } from '../../test/support/recording-module';
import { readOrError, recordingModule } from '../../test/support/recording-module';
import { requestMutations } from '../../test/support/request-mutations';
import type { TestStore } from '../../test/support/test-stores';
import { TEST_STORES } from '../../test/support/test-stores';
import { CertificateAuthority } from './certificate-authority';
import { setupCa } from './setup-ca';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A CA for these engine tests: an enterprise CA (no directory) offers WebServer and PendingWebServer, whose
 * subject the enrollee supplies; the test submits as the CA's administrator where a template needs one.
 */
async function newCa(
  store: TestStore,
  active: string[],
  type: 'enterprise-root' | 'standalone-root' = 'enterprise-root',
) {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-engine-'));
  dirs.push(dir);
  const settings = store.settings();
  await setupCa({
    dir,
    commonName: 'Engine (Test) CA',
    type,
    exitModules: active,
    ...(settings && { store: settings }),
  });
  offerTemplates(dir, 'WebServer');
  offerPendingTemplate(dir);
  return dir;
}

async function csr(extraEku = false, subject = 'CN=bob, O=certexit') {
  const keyPair = await generateKeyPair('ECDSA_P256');
  const extensions = [subjectAltName({ upn: ['bob@certexit.test'] })];
  if (extraEku) extensions.push(extendedKeyUsage(['1.3.6.1.5.5.7.3.1']));
  return toPem(
    await createCertificationRequest({
      keyPair,
      keyAlgorithm: 'ECDSA_P256',
      subject,
      extensions,
    }),
    'CERTIFICATE REQUEST',
  );
}

const readIssued = async (server: import('@certexit/core').ICertServerExit) => {
  const oids: string[] = [];
  await server.EnumerateExtensionsSetup(0);
  for (let oid = await server.EnumerateExtensions(); oid; oid = await server.EnumerateExtensions()) oids.push(oid);
  const disabled: string[] = [];
  for (const oid of oids) {
    await server.GetCertificateExtension(oid, PROPTYPE_BINARY);
    if ((await server.GetCertificateExtensionFlags()) & EXTENSION_DISABLE_FLAG) disabled.push(oid);
  }
  return {
    RequestID: await server.GetRequestProperty('RequestID', PROPTYPE_LONG),
    RequesterName: await readOrError(() => server.GetRequestProperty('Request.RequesterName', PROPTYPE_STRING)),
    Disposition: await server.GetRequestProperty('Disposition', PROPTYPE_LONG),
    RawCertificate: await readOrError(() => server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY)),
    SerialNumber: await readOrError(() => server.GetCertificateProperty('SerialNumber', PROPTYPE_STRING)),
    EnrollmentFlags: await readOrError(() => server.GetCertificateProperty('EnrollmentFlags', PROPTYPE_LONG)),
    CertificateTemplate: await readOrError(() => server.GetCertificateProperty('CertificateTemplate', PROPTYPE_STRING)),
    CommonName: await readOrError(() => server.GetRequestProperty('Subject.CommonName', PROPTYPE_STRING)),
    IssuedCN: await readOrError(() => server.GetCertificateProperty('CN', PROPTYPE_STRING)),
    UPN: await readOrError(() => server.GetCertificateProperty('UPN', PROPTYPE_STRING)),
    Template: await readOrError(() => server.GetRequestAttribute('certificate template')),
    SanitizedCAName: await server.GetCertificateProperty('SanitizedCAName', PROPTYPE_STRING),
    ModuleRegistryLocation: await server.GetCertificateProperty('ModuleRegistryLocation', PROPTYPE_STRING),
    extensions: oids.join(','),
    disabled: disabled.join(','),
  };
};

describe.each(TEST_STORES)('CertificateAuthority (engine + hosting) on $name', (store) => {
  it('issues by template, commits the event with the change, and lets modules read the database', async () => {
    // WebServer takes the names from the request (User builds them from the directory, which this CA has not:
    // test/integration/policy-directory-names.test.ts).
    const dir = await newCa(store, ['Test_A.Exit', 'Test_B.Exit']);
    const seenA: SeenEvent[] = [];
    const seenB: SeenEvent[] = [];
    const order: string[] = [];
    const authority = await CertificateAuthority.open({
      dir,
      logger: createCapturingLogger(),
      builtins: {
        'Test_A.Exit': recordingModule({ progId: 'Test_A.Exit', seen: seenA, reads: readIssued }),
        'Test_B.Exit': recordingModule({ progId: 'Test_B.Exit', seen: seenB }),
      },
      onDelivered: (d) => order.push(d.progId),
    });
    const outcome = await authority.submit({
      request: await csr(true),
      attributes: 'CertificateTemplate:WebServer',
      requesterName: 'CERTEXIT\\bob',
      ...AS_ADMINISTRATOR,
    });
    expect(outcome.disposition).toBe(DB_DISP_ISSUED);
    // Each module has its own delivery lane (a slow one never delays another), so the calls may finish in any
    // order; the outcome still lists them in Active order.
    expect([...order].sort()).toEqual(['Test_A.Exit', 'Test_B.Exit']);
    expect(outcome.deliveries.map((d) => d.progId)).toEqual(['Test_A.Exit', 'Test_B.Exit']);
    const reads = seenA[0]!.reads;
    expect(seenA[0]).toMatchObject({ event: EXITEVENT_CERTISSUED, context: outcome.requestId });
    expect(reads.RawCertificate).toEqual(outcome.certificate);
    expect(reads).toMatchObject({
      RequesterName: 'CERTEXIT\\bob',
      Disposition: DB_DISP_ISSUED,
      CertificateTemplate: 'WebServer',
      CommonName: 'bob',
      IssuedCN: 'bob',
      UPN: 'bob@certexit.test',
      Template: 'WebServer',
      SanitizedCAName: 'Engine !0028Test!0029 CA',
    });
    expect(Number(reads.EnrollmentFlags) & CT_FLAG_PUBLISH_TO_DS).toBe(0);
    expect(String(reads.SerialNumber)).toMatch(/^[0-9a-f]{16,}$/);
    expect(String(reads.ModuleRegistryLocation)).toMatch(/ExitModules\\Test_A\.Exit$/);
    // The requested EKU is recorded but disabled: the template's EKU is the one in the certificate.
    expect(String(reads.disabled)).toContain('2.5.29.37');
    expect(String(reads.extensions)).toContain('2.5.29.17');
    const events = await authority.ca.store.listExitEvents();
    expect(events.map((e) => [e.event, e.context])).toEqual([[EXITEVENT_CERTISSUED, outcome.requestId]]);
    await authority.stop();
    expect(seenB.at(-1)).toMatchObject({ event: EXITEVENT_SHUTDOWN, context: 0 });
  });

  it('denies without a template, pends a KRA request, then approves and denies pending ones', async () => {
    const dir = await newCa(store, ['Test_A.Exit']);
    const seen: SeenEvent[] = [];
    const authority = await CertificateAuthority.open({
      dir,
      logger: createCapturingLogger(),
      builtins: { 'Test_A.Exit': recordingModule({ progId: 'Test_A.Exit', seen, reads: readIssued }) },
    });
    const request = await csr();
    const denied = await authority.submit({ request });
    expect(denied).toMatchObject({ disposition: DB_DISP_DENIED });
    expect(denied.message).toContain('names no certificate template');
    const pending = await authority.submit({
      request,
      attributes: [`CertificateTemplate:${PENDING_TEMPLATE}`],
      ...AS_ADMINISTRATOR,
    });
    expect(pending.disposition).toBe(DB_DISP_PENDING);
    expect(seen.at(-1)?.reads.RawCertificate).toBe(`error:${CERTSRV_E_PROPERTY_EMPTY.toString(16)}`);
    const approved = await authority.resubmit(pending.requestId, 'CERTEXIT\\officer');
    expect(approved.disposition).toBe(DB_DISP_ISSUED);
    expect(seen.at(-1)?.reads.RawCertificate).toBeInstanceOf(Uint8Array);
    await expect(authority.resubmit(pending.requestId)).rejects.toThrow(/is not pending/);
    const second = await authority.submit({
      request,
      attributes: [`CertificateTemplate:${PENDING_TEMPLATE}`],
      ...AS_ADMINISTRATOR,
    });
    expect((await authority.deny(second.requestId)).disposition).toBe(DB_DISP_DENIED);
    expect(seen.map((s) => s.event)).toEqual([
      EXITEVENT_CERTDENIED,
      EXITEVENT_CERTPENDING,
      EXITEVENT_CERTISSUED,
      EXITEVENT_CERTPENDING,
      EXITEVENT_CERTDENIED,
    ]);
    expect((await authority.ca.store.listExitEvents()).map((e) => e.event)).toEqual(seen.map((s) => s.event));
    await authority.stop({ sendShutdownEvent: false });
  });

  it('leaves requests pending on a standalone CA', async () => {
    const dir = await newCa(store, ['Test_A.Exit'], 'standalone-root');
    const authority = await CertificateAuthority.open({
      dir,
      logger: createCapturingLogger(),
      builtins: { 'Test_A.Exit': recordingModule({ progId: 'Test_A.Exit', seen: [] }) },
    });
    expect((await authority.submit({ request: await csr() })).disposition).toBe(DB_DISP_PENDING);
    await authority.stop({ sendShutdownEvent: false });
  });

  it('contains failing, hanging and non-starting modules: outcomes unchanged, the others still notified', async () => {
    const dir = await newCa(store, ['Bad_Init.Exit', 'Bad_Throw.Exit', 'Bad_Hang.Exit', 'Good.Exit']);
    const good: SeenEvent[] = [];
    const logger = createCapturingLogger();
    const authority = await CertificateAuthority.open({
      dir,
      logger,
      notifyTimeoutMs: 100,
      builtins: {
        'Bad_Init.Exit': recordingModule({ progId: 'Bad_Init.Exit', seen: [], behaviour: 'fail-initialize' }),
        'Bad_Throw.Exit': recordingModule({ progId: 'Bad_Throw.Exit', seen: [], behaviour: 'throw' }),
        'Bad_Hang.Exit': recordingModule({ progId: 'Bad_Hang.Exit', seen: [], behaviour: 'hang' }),
        'Good.Exit': recordingModule({ progId: 'Good.Exit', seen: good }),
      },
    });
    expect(authority.modules.map((m) => m.progId)).toEqual(['Bad_Throw.Exit', 'Bad_Hang.Exit', 'Good.Exit']);
    const outcome = await authority.submit({
      request: await csr(),
      attributes: 'CertificateTemplate:WebServer',
      ...AS_ADMINISTRATOR,
    });
    expect(outcome.disposition).toBe(DB_DISP_ISSUED);
    expect(outcome.deliveries.map((d) => [d.progId, d.ok])).toEqual([
      ['Bad_Throw.Exit', false],
      ['Bad_Hang.Exit', false],
      ['Good.Exit', true],
    ]);
    expect(outcome.deliveries[1]?.hresult).toBe(HRESULT_TIMEOUT);
    expect(good).toHaveLength(1);
    const event46 = logger.entries.filter((e) => (e.fields as { eventId?: number }).eventId === 46);
    expect(event46.map((e) => (e.fields as { method: string }).method)).toEqual(['Initialize', 'Notify', 'Notify']);
    expect(event46[1]?.msg).toContain('The "Recording Bad_Throw.Exit" Exit Module "Notify" method returned an error');
    await authority.stop({ sendShutdownEvent: false });
  });

  it('records bad requests as failed or denied rows with their status, raising EXITEVENT_CERTDENIED', async () => {
    const dir = await newCa(store, ['Test_A.Exit']);
    const seen: SeenEvent[] = [];
    const authority = await CertificateAuthority.open({
      dir,
      logger: createCapturingLogger(),
      builtins: { 'Test_A.Exit': recordingModule({ progId: 'Test_A.Exit', seen }) },
    });
    const good = await csr();
    const kept = await authority.submit({
      request: good,
      attributes: 'CertificateTemplate:WebServer',
      ...AS_ADMINISTRATOR,
    });
    const tampered = fromPem(good).der.slice();
    tampered[tampered.length - 1]! ^= 0x01;
    const cases: Array<[string | Uint8Array, number, number, RegExp]> = [
      ['not a request', DB_DISP_ERROR, CRYPT_E_ASN1_BADTAG, /Error Parsing Request/],
      [fromPem(good).der.subarray(0, 40), DB_DISP_ERROR, CRYPT_E_ASN1_EOD, /Error Parsing Request/],
      [tampered, DB_DISP_ERROR, NTE_BAD_SIGNATURE, /signature does not verify/],
      [new Uint8Array(70_000), DB_DISP_ERROR, HRESULT_INVALID_DATA, /more than the limit of 65536/],
      [
        await csr(false, 'CN=evil\\0AInjected: header'),
        DB_DISP_DENIED,
        CERTSRV_E_BAD_REQUESTSUBJECT,
        /control characters/,
      ],
    ];
    for (const [request, disposition, statusCode, message] of cases) {
      const outcome = await authority.submit({
        request,
        attributes: 'CertificateTemplate:WebServer',
        ...AS_ADMINISTRATOR,
      });
      expect(outcome, String(message)).toMatchObject({ disposition, statusCode: statusCode | 0 });
      expect(outcome.message).toMatch(message);
      expect(seen.at(-1)).toMatchObject({ event: EXITEVENT_CERTDENIED, context: outcome.requestId });
    }
    await expect(authority.submit({ request: good, attributes: 'no colon here' })).rejects.toThrow(/not Name:Value/);
    // What was stored before is untouched.
    expect((await authority.ca.store.getCertificate(kept.requestId))?.RawCertificate).toEqual(kept.certificate);
    expect(await authority.ca.store.listRequests()).toHaveLength(1 + cases.length);
    await authority.stop({ sendShutdownEvent: false });
  });

  it('survives fuzzed requests: each ends as a row, none throws, the database stays whole', async () => {
    const dir = await newCa(store, []);
    const authority = await CertificateAuthority.open({ dir, logger: createCapturingLogger() });
    const valid = fromPem(await csr()).der;
    const counts = new Map<number, number>();
    let submitted = 0;
    for (const request of requestMutations(valid, 300)) {
      const outcome = await authority.submit({
        request,
        attributes: 'CertificateTemplate:WebServer',
        ...AS_ADMINISTRATOR,
      });
      counts.set(outcome.disposition, (counts.get(outcome.disposition) ?? 0) + 1);
      submitted++;
    }
    expect(submitted).toBe(300);
    expect(
      (counts.get(DB_DISP_ERROR) ?? 0) + (counts.get(DB_DISP_DENIED) ?? 0) + (counts.get(DB_DISP_ISSUED) ?? 0),
    ).toBe(300);
    expect(counts.get(DB_DISP_ERROR)).toBeGreaterThan(250);
    const rows = await authority.ca.store.listRequests({ limit: 1000 });
    expect(rows).toHaveLength(300);
    expect((await authority.ca.store.listExitEvents()).length).toBe(300);
    expect(
      (await authority.submit({ request: valid, attributes: 'CertificateTemplate:WebServer', ...AS_ADMINISTRATOR }))
        .disposition,
    ).toBe(DB_DISP_ISSUED);
    await authority.stop({ sendShutdownEvent: false });
  });

  it('refuses to set up over an existing CA', async () => {
    const dir = await newCa(store, []);
    await expect(setupCa({ dir, commonName: 'Other', type: 'enterprise-root' })).rejects.toThrow(/already holds a CA/);
  });
});
