import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICertExit2, ICertServerExit, RegistryTree } from '@certexit/core';
import {
  CA_DISP_VALID,
  CertexitError,
  CMM_REFRESHONLY,
  DB_DISP_DENIED,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  DB_DISP_REVOKED,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  HRESULT_FILE_NOT_FOUND,
  HRESULT_PATH_NOT_FOUND,
  S_FALSE,
  S_OK,
} from '@certexit/core';
import type { ServerExitFixture } from '@certexit/testing';
import { checkExitModule, createTestServices, defaultFixture } from '@certexit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInventoryExitModule, INVENTORY_EVENT_MASK, INVENTORY_PROGID } from './index';
import type { InventoryCrlRecord, InventoryRequestRecord } from './inventory-record';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certexit-inventory-'));
  file = join(dir, 'inventory.jsonl');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FIXED_TIME = new Date('2026-03-01T12:00:00.000Z');
const CA_NAME = 'certexit Test CA';

/** A module created outside the kit, with its services kept for assertions. */
async function start(config: RegistryTree = { OutputFile: file }, fixture?: ServerExitFixture) {
  const services = createTestServices({ config, fixture });
  const module = (await createInventoryExitModule({ now: () => FIXED_TIME }).create(services)) as ICertExit2;
  const mask = await module.Initialize(CA_NAME);
  return { services, module, mask, fixture: services.fixture };
}

async function readLines(path = file): Promise<unknown[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

describe('conformance', () => {
  it('passes the conformance kit with an OutputFile', async () => {
    (await checkExitModule({ module: createInventoryExitModule(), config: { OutputFile: file } })).assertOk();
    // The kit really drove the module: the notifications it sent were appended.
    expect((await readLines()).length).toBeGreaterThan(0);
  });

  it('passes the conformance kit without configuration (logs only)', async () => {
    (await checkExitModule({ module: createInventoryExitModule() })).assertOk();
  });
});

describe('factory', () => {
  it('describes itself with its ProgID and build-time version', () => {
    const factory = createInventoryExitModule();
    expect(factory).toMatchObject({ specificationVersion: 'v1', progId: 'CertExit_Inventory.Exit' });
    expect(factory.progId).toBe(INVENTORY_PROGID);
    expect(factory.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('subscribes to every request event and CRL issuance by default', async () => {
    const { mask } = await start();
    expect(mask).toBe(INVENTORY_EVENT_MASK);
    expect(mask).toBe(0x23f);
  });
});

describe('records', () => {
  it('writes an issued certificate with every field', async () => {
    const { module, fixture } = await start();
    const issued = fixture.contexts[fixture.eventContexts.issued]!;
    expect(await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued)).toBe(S_OK);

    const [record] = (await readLines()) as InventoryRequestRecord[];
    expect(record).toEqual({
      event: 'EXITEVENT_CERTISSUED',
      time: FIXED_TIME.toISOString(),
      ca: CA_NAME,
      RequestID: issued.request.RequestID,
      RequesterName: 'CERTEXIT\\alice',
      Disposition: DB_DISP_ISSUED,
      DispositionMessage: 'Issued',
      CertificateTemplate: 'User',
      SerialNumber: issued.certificate!.SerialNumber,
      NotBefore: (issued.certificate!.NotBefore as Date).toISOString(),
      NotAfter: (issued.certificate!.NotAfter as Date).toISOString(),
      DistinguishedName: issued.certificateName!.DistinguishedName,
      RequestDistinguishedName: issued.requestName!.DistinguishedName,
      CertificateHash: issued.certificate!.CertificateHash,
      SubjectKeyIdentifier: issued.certificate!.SubjectKeyIdentifier,
      extensions: issued.extensions!.map(({ oid, flags }) => ({ oid, flags })),
      attributes: issued.attributes,
    });
    // Disabled extensions are recorded too: enumeration shows everything the CA stored.
    expect(record!.extensions.length).toBe(4);
  });

  it('writes a pending request without certificate fields', async () => {
    const { module, fixture } = await start();
    await module.Notify(EXITEVENT_CERTPENDING, fixture.eventContexts.pending);

    const [record] = (await readLines()) as InventoryRequestRecord[];
    expect(record).toMatchObject({
      event: 'EXITEVENT_CERTPENDING',
      RequestID: fixture.eventContexts.pending,
      Disposition: DB_DISP_PENDING,
      DispositionMessage: 'Taken Under Submission',
      RequestDistinguishedName: 'CN=alice, CN=Users, DC=certexit, DC=test',
    });
    for (const key of [
      'SerialNumber',
      'NotBefore',
      'NotAfter',
      'CertificateHash',
      'DistinguishedName',
      'RevokedWhen',
    ]) {
      expect(record).not.toHaveProperty(key);
    }
  });

  it('writes a denied request with its disposition message', async () => {
    const { module, fixture } = await start();
    await module.Notify(EXITEVENT_CERTDENIED, fixture.eventContexts.denied);

    const [record] = (await readLines()) as InventoryRequestRecord[];
    expect(record).toMatchObject({
      event: 'EXITEVENT_CERTDENIED',
      RequestID: fixture.eventContexts.denied,
      RequesterName: 'CERTEXIT\\alice',
      Disposition: DB_DISP_DENIED,
      DispositionMessage: 'Denied by Policy Module',
      extensions: [],
    });
    expect(record).not.toHaveProperty('SerialNumber');
  });

  it('writes a revoked certificate with the revocation reason and dates', async () => {
    const { module, fixture } = await start();
    const revoked = fixture.contexts[fixture.eventContexts.revoked]!;
    await module.Notify(EXITEVENT_CERTREVOKED, fixture.eventContexts.revoked);

    const [record] = (await readLines()) as InventoryRequestRecord[];
    expect(record).toMatchObject({
      event: 'EXITEVENT_CERTREVOKED',
      RequestID: fixture.eventContexts.revoked,
      Disposition: DB_DISP_REVOKED,
      SerialNumber: revoked.certificate!.SerialNumber,
      RevokedReason: revoked.request.RevokedReason,
      RevokedWhen: (revoked.request.RevokedWhen as Date).toISOString(),
      RevokedEffectiveWhen: (revoked.request.RevokedEffectiveWhen as Date).toISOString(),
    });
  });

  it('omits absent properties instead of writing undefined or null', async () => {
    const { module, fixture } = await start();
    await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.sparse);

    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/undefined|null/);
    expect(JSON.parse(text)).toEqual({
      event: 'EXITEVENT_CERTISSUED',
      time: FIXED_TIME.toISOString(),
      ca: CA_NAME,
      RequestID: fixture.eventContexts.sparse,
      Disposition: DB_DISP_ISSUED,
      extensions: [],
      attributes: {},
    });
  });

  it('appends one line per event, in order', async () => {
    const { module, fixture } = await start();
    const c = fixture.eventContexts;
    await module.Notify(EXITEVENT_CERTPENDING, c.pending);
    await module.Notify(EXITEVENT_CERTISSUED, c.issued);
    await module.Notify(EXITEVENT_CERTREVOKED, c.revoked);

    const events = ((await readLines()) as InventoryRequestRecord[]).map((r) => r.event);
    expect(events).toEqual(['EXITEVENT_CERTPENDING', 'EXITEVENT_CERTISSUED', 'EXITEVENT_CERTREVOKED']);
  });

  // Issue 12: side effects happen once; the inventory sample uses the host's store too.
  it('writes one line per notification however often it is delivered (the same EventID)', async () => {
    const { module, fixture, services } = await start();
    services.setEventId(`${CA_NAME}/5`);
    for (let attempt = 0; attempt < 3; attempt++)
      await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);
    services.setEventId(`${CA_NAME}/6`);
    await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);
    expect(await readLines()).toHaveLength(2);
  });

  it('keeps lines whole when many notifications run at once', async () => {
    const { module, fixture } = await start();
    const contexts = Object.values(fixture.eventContexts);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => module.Notify(EXITEVENT_CERTISSUED, contexts[i % contexts.length]!)),
    );
    expect(await readLines()).toHaveLength(60);
  });

  it('redacts attribute values that look like secrets', async () => {
    const base = defaultFixture();
    const issued = base.contexts[base.eventContexts.issued]!;
    const fixture: ServerExitFixture = {
      ...base,
      contexts: { ...base.contexts, 1: { ...issued, attributes: { ...issued.attributes, Challenge: 's3cret' } } },
    };
    const { module, services } = await start({ OutputFile: file }, fixture);
    await module.Notify(EXITEVENT_CERTISSUED, 1);

    const [record] = (await readLines()) as InventoryRequestRecord[];
    expect(record!.attributes).toMatchObject({ Challenge: '[redacted]', ccm: 'ws01.certexit.test' });
    expect(JSON.stringify(services.logger.entries)).not.toContain('s3cret');
  });

  it('logs each record at info level', async () => {
    const { module, services, fixture } = await start();
    await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);

    const entry = services.logger.entries.find((e) => e.msg === 'inventory EXITEVENT_CERTISSUED');
    expect(entry?.level).toBe('info');
    expect(entry?.fields).toMatchObject({ outputFile: file, record: { RequestID: fixture.eventContexts.issued } });
  });

  it('reads through a fresh ICertServerExit bound with SetContext for every notification', async () => {
    const { module, services, fixture } = await start();
    await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);
    await module.Notify(EXITEVENT_CERTPENDING, fixture.eventContexts.pending);

    const setContexts = services.callLog.calls.filter((c) => c.method === 'SetContext').map((c) => c.args[0]);
    expect(setContexts).toEqual([fixture.eventContexts.issued, fixture.eventContexts.pending]);
  });
});

describe('CRL issued', () => {
  it('records CertCount and each index with the base CRL size; delta disabled', async () => {
    const { module, fixture } = await start();
    expect(await module.Notify(EXITEVENT_CRLISSUED, 0)).toBe(S_OK);

    const [record] = (await readLines()) as InventoryCrlRecord[];
    expect(record).toEqual({
      event: 'EXITEVENT_CRLISSUED',
      time: FIXED_TIME.toISOString(),
      ca: CA_NAME,
      CertCount: 1,
      fDeltaCRLsDisabled: 1,
      crls: [
        {
          index: 0,
          CRLState: CA_DISP_VALID,
          CRLIndex: 0,
          baseCrlBytes: (fixture.ca['RawCRL.0'] as Uint8Array).length,
          deltaCrlDisabled: true,
        },
      ],
    });
  });

  it('records the delta CRL size when delta CRLs are enabled', async () => {
    const base = defaultFixture();
    const fixture = { ...base, ca: { ...base.ca, fDeltaCRLsDisabled: 0, 'RawDeltaCRL.0': new Uint8Array(42) } };
    const { module } = await start({ OutputFile: file }, fixture);
    await module.Notify(EXITEVENT_CRLISSUED, 0);

    const [record] = (await readLines()) as InventoryCrlRecord[];
    expect(record!.crls[0]).toMatchObject({ deltaCrlBytes: 42 });
    expect(record!.crls[0]).not.toHaveProperty('deltaCrlDisabled');
  });

  it('fails when the delta CRL is missing although delta CRLs are enabled', async () => {
    const base = defaultFixture();
    const fixture = { ...base, ca: { ...base.ca, fDeltaCRLsDisabled: 0 } };
    const { module, services } = await start({ OutputFile: file }, fixture);
    // The kit answers CERTSRV_E_PROPERTY_EMPTY here; an engine may answer ERROR_FILE_NOT_FOUND as with deltas off.
    const inner = services.createServerExit;
    services.createServerExit = () => _failDeltaCrl(inner());

    await expect(module.Notify(EXITEVENT_CRLISSUED, 0)).rejects.toSatisfy(
      (error: unknown) => CertexitError.hresultOf(error) === HRESULT_FILE_NOT_FOUND,
    );
  });
});

describe('configuration', () => {
  it('without OutputFile, warns at Initialize, writes nothing and still logs records', async () => {
    const { module, services, fixture } = await start({});
    const warning = services.logger.entries.find((e) => e.level === 'warn');
    expect(warning?.msg).toMatch(/OutputFile \(REG_SZ\) is not set under .*CertExit_Test\.Exit/);

    expect(await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued)).toBe(S_OK);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(services.logger.entries.some((e) => e.msg === 'inventory EXITEVENT_CERTISSUED')).toBe(true);
  });

  it('fails with a clear error naming the path when the directory does not exist', async () => {
    const missing = join(dir, 'no-such-dir', 'inventory.jsonl');
    const { module, fixture } = await start({ OutputFile: missing });

    const error = await Promise.resolve()
      .then(() => module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(CertexitError.isInstance(error)).toBe(true);
    expect(CertexitError.hresultOf(error)).toBe(HRESULT_PATH_NOT_FOUND);
    expect((error as Error).message).toContain(JSON.stringify(missing));
    expect((error as Error).message).toContain(JSON.stringify(join(dir, 'no-such-dir')));
    expect((error as Error).message).toMatch(/does not exist/);
  });

  it('EventMask narrows the subscription and is clamped to the recorded events', async () => {
    const { module, mask, services, fixture } = await start({
      OutputFile: file,
      EventMask: EXITEVENT_CERTISSUED | EXITEVENT_SHUTDOWN | 0x100,
    });
    expect(mask).toBe(EXITEVENT_CERTISSUED);
    expect(services.logger.entries.some((e) => e.level === 'warn' && /EXITEVENT_SHUTDOWN/.test(e.msg ?? ''))).toBe(
      true,
    );

    await module.Notify(EXITEVENT_CERTPENDING, fixture.eventContexts.pending);
    await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);
    expect(((await readLines()) as InventoryRequestRecord[]).map((r) => r.event)).toEqual(['EXITEVENT_CERTISSUED']);
  });

  it('EventMask 0 subscribes to nothing; a non-DWORD EventMask is ignored with a warning', async () => {
    expect((await start({ OutputFile: file, EventMask: 0 })).mask).toBe(0);
    const { mask, services } = await start({ OutputFile: file, EventMask: 'all' });
    expect(mask).toBe(INVENTORY_EVENT_MASK);
    expect(services.logger.entries.some((e) => e.level === 'warn' && /must be a REG_DWORD/.test(e.msg ?? ''))).toBe(
      true,
    );
  });

  it('ignores events it did not subscribe to and unknown bits', async () => {
    const { module } = await start({ OutputFile: file, EventMask: EXITEVENT_CRLISSUED });
    expect(await module.Notify(EXITEVENT_CERTISSUED, 0)).toBe(S_OK);
    expect(await module.Notify(0x400, 1)).toBe(S_OK);
    expect(await module.Notify(EXITEVENT_CERTISSUED | EXITEVENT_CRLISSUED, 0)).toBe(S_OK);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('manage module', () => {
  it('answers the standard properties case-insensitively and nothing else', async () => {
    const { module } = await start();
    const manage = await module.GetManageModule();
    expect(await manage.GetProperty('', '', 'Name', 0)).toBe('certexit Inventory Exit Module');
    expect(await manage.GetProperty('', '', 'name', 0)).toBe('certexit Inventory Exit Module');
    expect(await manage.GetProperty('', '', 'FILE VERSION', 0)).toBe(createInventoryExitModule().version);
    expect(await manage.GetProperty('', '', 'Product Version', 0)).toBe(createInventoryExitModule().version);
    expect(await manage.GetProperty('', '', 'Copyright', 0)).toMatch(/certexit/);
    expect(await manage.GetProperty('', '', 'Description', 0)).toMatch(/JSON line/);
    expect(await manage.GetProperty('', '', 'HWND', 0)).toBeUndefined();
    expect(await manage.SetProperty('', '', 'Name', 0, 'x')).toBe(S_FALSE);
  });

  it('Configure(CMM_REFRESHONLY) re-reads OutputFile and EventMask', async () => {
    const { module, services, fixture } = await start();
    const manage = await module.GetManageModule();
    const other = join(dir, 'other.jsonl');
    services.setConfig({ OutputFile: other, EventMask: EXITEVENT_CERTISSUED });

    // Before the refresh the module keeps the settings it loaded.
    await module.Notify(EXITEVENT_CERTPENDING, fixture.eventContexts.pending);
    expect(await readLines(file)).toHaveLength(1);

    await manage.Configure(`CA01\\${CA_NAME}`, services.config.path, CMM_REFRESHONLY);
    await module.Notify(EXITEVENT_CERTPENDING, fixture.eventContexts.pending);
    await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);
    expect(await readLines(file)).toHaveLength(1);
    expect(((await readLines(other)) as InventoryRequestRecord[]).map((r) => r.event)).toEqual([
      'EXITEVENT_CERTISSUED',
    ]);
  });

  it('Configure(0) reports the settings in effect (no UI)', async () => {
    const { module, services } = await start();
    const manage = await module.GetManageModule();
    await manage.Configure('', services.config.path, 0);
    expect(services.logger.entries.at(-1)?.fields).toMatchObject({ outputFile: file, eventMask: INVENTORY_EVENT_MASK });
  });
});

/** Wraps a server-exit object so that `RawDeltaCRL.*` fails as an engine does when the file is missing. */
function _failDeltaCrl(server: ICertServerExit): ICertServerExit {
  return {
    ...server,
    SetContext: (c) => server.SetContext(c),
    GetCertificateProperty: ((name: string, type: number) => {
      if (name.startsWith('RawDeltaCRL.')) {
        throw new CertexitError({ hresult: HRESULT_FILE_NOT_FOUND, message: `${name} not found` });
      }
      return server.GetCertificateProperty(name, type);
    }) as ICertServerExit['GetCertificateProperty'],
  };
}
