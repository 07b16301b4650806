/**
 * The inventory on a real CA (the engine, its outbox delivering in the background): issuance, revocation on hold,
 * release from hold and the import of another CA's certificate reach the SQLite inventory table, and the
 * `certexit-inventory` command exports the snapshot, then only what changed, and lists what expires.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRL_REASON_CERTIFICATE_HOLD, DB_DISP_FOREIGN, DB_DISP_ISSUED } from '@certexit/core';
import {
  CertificateAuthority,
  caRegistryPaths,
  editCaTemplateNames,
  PRINCIPALS,
  RegistryFile,
  setupCa,
} from '@certexit/engine';
import { createCapturingLogger } from '@certexit/testing';
import { createCertificationRequest, generateKeyPair, subjectAltName, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import { issueTestCertificate, makeTestCa } from '../../../../tooling/test/test-pki';
import type { InventoryExport } from '../../src';
import { createInventoryExitModule, INVENTORY_PROGID, runInventoryCli } from '../../src';

describe('inventory on a real CA', { timeout: 60_000 }, () => {
  let work: string;
  let db: string;
  let jsonl: string;
  let authority: CertificateAuthority;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'certexit-inventory-ca-'));
    const dir = join(work, 'ca');
    db = join(work, 'inventory.sqlite');
    jsonl = join(work, 'inventory.jsonl');
    const { sanitizedName } = await setupCa({
      dir,
      commonName: 'Inventory CA',
      type: 'enterprise-root',
      exitModules: [INVENTORY_PROGID],
    });
    const registry = new RegistryFile(join(dir, 'registry.json'));
    const key = caRegistryPaths.exitModule(sanitizedName, INVENTORY_PROGID);
    registry.setValue(`${key}\\DatabaseFile`, db);
    registry.setValue(`${key}\\OutputFile`, jsonl);
    authority = await CertificateAuthority.open({
      dir,
      logger: createCapturingLogger(),
      builtins: { [INVENTORY_PROGID]: createInventoryExitModule() },
      delivery: 'background',
    });
    // WebServer (the enrollee supplies the subject) is offered; the test submits as the CA's administrators.
    editCaTemplateNames(authority.ca, ['+WebServer']);
  });

  afterAll(async () => {
    await authority?.stop({ sendShutdownEvent: false });
    rmSync(work, { recursive: true, force: true });
  });

  async function cli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runInventoryCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
    expect(code, err.join('\n')).toBe(0);
    return out.join('\n');
  }
  const exportSince = async (...since: string[]) =>
    JSON.parse(await cli('export', '--db', db, ...since)) as InventoryExport;

  async function issue(name: string) {
    const keyPair = await generateKeyPair('ECDSA_P256');
    const request = toPem(
      await createCertificationRequest({
        keyPair,
        keyAlgorithm: 'ECDSA_P256',
        subject: `CN=${name}`,
        extensions: [subjectAltName({ dns: [name] })],
      }),
      'CERTIFICATE REQUEST',
    );
    const outcome = await authority.submit({
      request,
      attributes: 'CertificateTemplate:WebServer',
      requesterGroups: [PRINCIPALS.administrators],
    });
    expect(outcome.disposition, outcome.message).toBe(DB_DISP_ISSUED);
    return outcome.serialNumber!.toLowerCase();
  }

  it('upserts issued, revoked, released and imported certificates; exports a snapshot and what changed since', async () => {
    const www = await issue('www.inventory.test');
    const api = await issue('api.inventory.test');
    await eventually(async () => expect((await exportSince()).certificates).toHaveLength(2), 20_000);
    const snapshot = await exportSince();
    expect(snapshot.certificates.map((c) => c.serialNumber).sort()).toEqual([www, api].sort());
    expect(snapshot.certificates.find((c) => c.serialNumber === www)).toMatchObject({
      ca: 'Inventory CA',
      template: 'WebServer',
      subject: 'CN=www.inventory.test',
      status: 'issued',
      lastEvent: 'issued',
      lastEventId: expect.stringMatching(/^Inventory CA\/\d+$/),
    });

    await authority.revoke(www, { reason: CRL_REASON_CERTIFICATE_HOLD });
    await eventually(async () => {
      const changed = await exportSince('--since', snapshot.cursor);
      expect(changed.certificates.map((c) => [c.serialNumber, c.status, c.revokedReason])).toEqual([
        [www, 'revoked', CRL_REASON_CERTIFICATE_HOLD],
      ]);
    }, 20_000);
    const afterHold = await exportSince('--since', snapshot.cursor);

    await authority.unrevoke(www);
    const other = makeTestCa(work, 'other-ca');
    const foreign = issueTestCertificate(work, other, { cn: 'foreign.inventory.test', days: 10 });
    const imported = await authority.importCertificate(readFileSync(foreign.pem, 'utf8'), { foreign: true });
    expect(imported.disposition, imported.message).toBe(DB_DISP_FOREIGN);
    // The serial as the CA stores it (whole bytes: OpenSSL's serial may gain a leading zero).
    const foreignSerial = imported.serialNumber!.toLowerCase();
    expect(BigInt(`0x${foreignSerial}`)).toBe(BigInt(`0x${foreign.serialNumber}`));
    await eventually(async () => {
      const changed = await exportSince('--since', afterHold.cursor);
      // In the order the module applied them (deliveries may overtake each other; each reads the row as it is).
      const rows = changed.certificates.map((c) => [c.serialNumber, c.status, c.lastEvent]);
      expect(rows).toHaveLength(2);
      expect(rows).toEqual(
        expect.arrayContaining([
          [www, 'issued', 'unrevoked'],
          [foreignSerial, 'issued', 'imported'],
        ]),
      );
    }, 20_000);
    const latest = await exportSince('--since', afterHold.cursor);
    expect(latest.certificates.find((c) => c.serialNumber === www)).not.toHaveProperty('revokedReason');
    expect(await exportSince('--since', latest.cursor)).toEqual({
      certificates: [],
      cursor: latest.cursor,
      more: false,
    });
    // Paging: the snapshot one certificate at a time.
    const first = await exportSince('--limit', '1');
    expect(first).toMatchObject({ more: true });
    expect(first.certificates).toHaveLength(1);

    // The foreign certificate (10 days) expires within 30 days; the CA's own (a year or more) do not.
    const expiring = JSON.parse(await cli('expiring', '--db', db, '--within', '30', '--json')) as {
      serialNumber: string;
    }[];
    expect(expiring.map((c) => c.serialNumber)).toEqual([foreignSerial]);
    expect(await cli('expiring', '--db', db, '--within', '30')).toMatch(/^1 certificate expires within 30 days/);
    // The installed command (bin/certexit-inventory.js over the built package) says the same.
    const bin = fileURLToPath(new URL('../../bin/certexit-inventory.js', import.meta.url));
    const fromBin = execFileSync(process.execPath, [bin, 'expiring', '--db', db, '--within', '30', '--json'], {
      encoding: 'utf8',
    });
    expect((JSON.parse(fromBin) as { serialNumber: string }[]).map((c) => c.serialNumber)).toEqual([foreignSerial]);
    // The JSON-lines log goes on beside the table: one line per event.
    await eventually(() => {
      const events = readFileSync(jsonl, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { event: string }).event);
      expect(events.filter((e) => e !== 'EXITEVENT_CRLISSUED').sort()).toEqual([
        'EXITEVENT_CERTIMPORTED',
        'EXITEVENT_CERTISSUED',
        'EXITEVENT_CERTISSUED',
        'EXITEVENT_CERTREVOKED',
        'EXITEVENT_CERTREVOKED',
      ]);
    }, 20_000);
  });
});
