import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_ISSUED, DB_DISP_REVOKED } from '@certexit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslRequest } from '../../../../../tooling/test/test-pki';
import { cliOnFolder } from '../../../test/support/run-cli-in-process';

const work = mkdtempSync(join(tmpdir(), 'certexit-cli-view-'));
const dir = join(work, 'ca');

const { cli } = cliOnFolder(dir);

const serials: string[] = [];
beforeAll(async () => {
  expect((await cli('setup', '--name', 'View CLI CA')).code).toBe(0);
  expect((await cli('catemplates', '+WebServer')).code).toBe(0);
  for (const name of ['one', 'two', 'three']) {
    const r = await cli(
      '--json',
      'submit',
      '--attrib',
      'CertificateTemplate:WebServer',
      opensslRequest(work, name).csr,
    );
    expect(r.json.disposition).toBe(DB_DISP_ISSUED);
    serials.push(r.json.serialNumber);
  }
  expect((await cli('revoke', serials[1]!, 'KeyCompromise')).code).toBe(0);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('certexit view', () => {
  it('prints CSV with certutil quoting, restricted by disposition name', { timeout: 30_000 }, async () => {
    const r = await cli(
      'view',
      '--restrict',
      'Disposition=Issued',
      '--out',
      'RequestID,SerialNumber,Request.DispositionMessage',
      '--csv',
    );
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out).toEqual([
      '"RequestID","SerialNumber","Request.DispositionMessage"',
      `"1","${serials[0]}","Issued"`,
      `"3","${serials[2]}","Issued"`,
    ]);
    // certutil's word order works too: view <view> csv.
    const revoked = await cli('view', 'Revoked', 'csv', '--out', 'SerialNumber,RevokedReason');
    expect(revoked.out).toEqual(['"SerialNumber","RevokedReason"', `"${serials[1]}","1"`]);
  });

  it('shows disposition names, pages with --limit / --after, and answers --json', { timeout: 30_000 }, async () => {
    const text = await cli('view', '--out', 'RequestID,Disposition', '--limit', '2');
    expect(text.out).toEqual([
      'Row 1:',
      '  RequestID: 1',
      '  Disposition: 20 -- Issued',
      'Row 2:',
      '  RequestID: 2',
      `  Disposition: ${DB_DISP_REVOKED} -- Revoked`,
      '2 row(s); more after 2 (--after 2)',
    ]);
    const next = await cli('--json', 'view', '--out', 'RequestID', '--after', '2');
    expect(next.json).toEqual({ view: 'Request', columns: ['RequestID'], rows: [{ RequestID: 3 }] });
    const queue = await cli('--json', 'view', 'Queue');
    expect(queue.json.rows).toEqual([]);
    const bad = await cli('--json', 'view', 'Nope');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.err.join('\n')).message).toMatch(/no view "Nope"/);
  });

  it('lists the schema of each view', { timeout: 30_000 }, async () => {
    const schema = await cli('view', 'schema');
    expect(schema.out.find((l) => /^\s+RequestID\s+Long\s+Indexed/.test(l))).toBeDefined();
    const ext = await cli('--json', 'view', 'schema', 'Ext');
    expect(ext.json.columns.map((c: { name: string }) => c.name)).toEqual([
      'ExtensionRequestId',
      'ExtensionName',
      'ExtensionFlags',
      'ExtensionRawValue',
    ]);
    const csv = await cli('view', 'schema', 'CRL', '--csv');
    expect(csv.out[0]).toBe('"Name","Type","Indexed","Description"');
    expect(csv.out).toContain('"CRLRawCRL","Binary","no","The CRL (DER)."');
  });
});
