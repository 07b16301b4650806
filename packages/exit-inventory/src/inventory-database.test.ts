import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICertExit2, RegistryTree } from '@certexit/core';
import {
  CertexitError,
  DB_DISP_ISSUED,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  HRESULT_PATH_NOT_FOUND,
} from '@certexit/core';
import type { ServerExitFixture } from '@certexit/testing';
import { checkExitModule, createTestServices, defaultFixture } from '@certexit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInventoryExitModule, INVENTORY_PROGID, openSqliteInventoryStore, runInventoryCli } from './index';

const CA_NAME = 'certexit Test CA';
const FIXED_TIME = new Date('2026-03-01T12:00:00.000Z');

describe('CertExit_Inventory.Exit with DatabaseFile (SQLite inventory table)', () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certexit-inventory-db-'));
    db = join(dir, 'inventory.sqlite');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  async function start(config: RegistryTree, fixture?: ServerExitFixture) {
    const services = createTestServices({ config, fixture, progId: INVENTORY_PROGID });
    const module = (await createInventoryExitModule({ now: () => FIXED_TIME }).create(services)) as ICertExit2;
    await module.Initialize(CA_NAME);
    let n = 0;
    const notify = async (event: number, context: number, eventId = `${CA_NAME}/${++n}`) => {
      services.setEventId(eventId);
      await module.Notify(event, context);
    };
    return { services, module, notify, fixture: services.fixture };
  }

  it('passes the conformance kit with both outputs', async () => {
    (
      await checkExitModule({
        module: createInventoryExitModule(),
        config: { DatabaseFile: db, OutputFile: join(dir, 'kit.jsonl') },
      })
    ).assertOk();
  });

  it('upserts issued, revoked and imported certificates by serial number, not pending or denied requests', async () => {
    const { notify, fixture, services } = await start({ DatabaseFile: db, OutputFile: join(dir, 'events.jsonl') });
    const { issued, revoked, imported, pending, denied } = fixture.eventContexts;
    const store = openSqliteInventoryStore(db, { readOnly: true });
    const cert = fixture.contexts[issued]!.certificate!;
    const serial = String(cert.SerialNumber).toLowerCase();
    // The fixture's contexts share one certificate: each event moves its one entry on.
    await notify(EXITEVENT_CERTISSUED, issued);
    expect(await store.exportSince()).toMatchObject({ cursor: '1', certificates: [{ serialNumber: serial }] });
    expect(await store.get(serial)).toEqual({
      serialNumber: serial,
      ca: CA_NAME,
      requestId: issued,
      requester: 'CERTEXIT\\alice',
      template: 'User',
      subject: fixture.contexts[issued]!.certificateName!.DistinguishedName,
      notBefore: (cert.NotBefore as Date).toISOString(),
      notAfter: (cert.NotAfter as Date).toISOString(),
      thumbprint: cert.CertificateHash,
      status: 'issued',
      lastEvent: 'issued',
      lastEventId: `${CA_NAME}/1`,
      updatedAt: FIXED_TIME.toISOString(),
    });
    await notify(EXITEVENT_CERTREVOKED, revoked);
    expect(await store.get(serial)).toMatchObject({
      requestId: revoked,
      status: 'revoked',
      lastEvent: 'revoked',
      revokedReason: fixture.contexts[revoked]!.request.RevokedReason,
      revokedWhen: (fixture.contexts[revoked]!.request.RevokedWhen as Date).toISOString(),
    });
    await notify(EXITEVENT_CERTIMPORTED, imported);
    expect(await store.get(serial)).toMatchObject({ requestId: imported, status: 'issued', lastEvent: 'imported' });
    // Pending and denied requests have no certificate, a CRL is no certificate: the table does not change.
    await notify(EXITEVENT_CERTPENDING, pending);
    await notify(EXITEVENT_CERTDENIED, denied);
    await notify(EXITEVENT_CRLISSUED, 0);
    expect(await store.exportSince('3')).toMatchObject({ certificates: [], cursor: '3' });
    await store.close();
    services.stop();
    // The JSON-lines log still has every event.
    expect((await readFile(join(dir, 'events.jsonl'), 'utf8')).trimEnd().split('\n')).toHaveLength(6);
  });

  it('a retried notification changes nothing; a release from hold makes the certificate issued again', async () => {
    const fixture = defaultFixture();
    const { notify, module, services } = await start({ DatabaseFile: db }, fixture);
    const context = fixture.eventContexts.revoked;
    await notify(EXITEVENT_CERTREVOKED, context, 'CA/7');
    const store = openSqliteInventoryStore(db, { readOnly: true });
    const first = await store.exportSince();
    // The host delivers the same event again (a retry after a crash): same EventID, no change, no new cursor.
    await notify(EXITEVENT_CERTREVOKED, context, 'CA/7');
    expect(await store.exportSince(first.cursor)).toMatchObject({ certificates: [], cursor: first.cursor });
    // Released from hold: the row is issued again when the next CERTREVOKED is delivered.
    (fixture.contexts[context]!.request as Record<string, unknown>).Disposition = DB_DISP_ISSUED;
    await notify(EXITEVENT_CERTREVOKED, context, 'CA/8');
    const { certificates } = await store.exportSince(first.cursor);
    expect(certificates).toHaveLength(1);
    expect(certificates[0]).toMatchObject({ status: 'issued', lastEvent: 'unrevoked', lastEventId: 'CA/8' });
    expect(certificates[0]).not.toHaveProperty('revokedReason');
    await store.close();
    void module;
    services.stop();
  });

  it('a DatabaseFile in a directory that does not exist: the module loads, each notification fails naming it', async () => {
    const missing = join(dir, 'no-such-dir', 'inventory.sqlite');
    const { notify, fixture, services } = await start({ DatabaseFile: missing });
    expect(services.logger.entries.some((e) => e.level === 'error' && /does not exist/.test(e.msg ?? ''))).toBe(true);
    const error = await notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued).catch((e: unknown) => e);
    expect(CertexitError.hresultOf(error)).toBe(HRESULT_PATH_NOT_FOUND);
    expect((error as Error).message).toContain(join(dir, 'no-such-dir'));
    services.stop();
  });

  it('exports and lists expiring certificates with the certexit-inventory command', async () => {
    const { notify, fixture, services } = await start({ DatabaseFile: db });
    await notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);
    services.stop();
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await runInventoryCli(['export', '--db', db], io)).toBe(0);
    const page = JSON.parse(out.pop()!) as { cursor: string; more: boolean; certificates: unknown[] };
    expect(page.certificates).toHaveLength(1);
    expect(await runInventoryCli(['export', '--db', db, '--since', page.cursor], io)).toBe(0);
    expect(JSON.parse(out.pop()!)).toEqual({ certificates: [], cursor: page.cursor, more: false });
    // The fixture's certificate is long expired or far away: a window of 100 years finds it only if still valid.
    const notAfter = fixture.contexts[fixture.eventContexts.issued]!.certificate!.NotAfter as Date;
    expect(await runInventoryCli(['expiring', '--db', db, '--within', '36500', '--json'], io)).toBe(0);
    expect((JSON.parse(out.pop()!) as unknown[]).length).toBe(notAfter.getTime() > Date.now() ? 1 : 0);
    expect(await runInventoryCli(['export', '--db', join(dir, 'none.sqlite')], io)).toBe(1);
    expect(err.pop()).toMatch(/no inventory database/);
    expect(await runInventoryCli(['expiring', '--db', db, '--within', 'soon'], io)).toBe(2);
  });
});
