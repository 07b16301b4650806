import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { opensslRequest } from '../../../../../tooling/test/test-pki';
import { cliOnFolder } from '../../../test/support/run-cli-in-process';

const work = mkdtempSync(join(tmpdir(), 'certexit-cli-deleterow-'));
const dir = join(work, 'ca');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const { cli } = cliOnFolder(dir);

describe('certexit deleterow', () => {
  it('deletes by id and by date with certutil rules, and never reuses the RequestID', { timeout: 60_000 }, async () => {
    expect((await cli('setup', '--name', 'Deleterow CA')).code).toBe(0);
    expect((await cli('catemplates', '+WebServer')).code).toBe(0);
    const submit = async (name: string) =>
      (await cli('--json', 'submit', '--attrib', 'CertificateTemplate:WebServer', opensslRequest(work, name).csr))
        .json as {
        requestId: number;
        serialNumber: string;
      };
    await submit('one');
    const two = await submit('two');
    const three = await submit('three');
    expect((await cli('revoke', two.serialNumber, 'KeyCompromise')).code).toBe(0);

    const removed = await cli('deleterow', String(three.requestId));
    expect(removed.code, removed.err.join('\n')).toBe(0);
    expect(removed.out).toEqual([`Deleted: ${three.requestId}`, 'Rows deleted: 1']);
    const refused = await cli('deleterow', String(two.requestId), 'Cert');
    expect(refused.code).toBe(1);
    expect(refused.err.join()).toMatch(/stays: its certificate is revoked and not expired/);
    expect((await cli('deleterow', '2026-01-01', 'Ext')).err.join()).toMatch(/by date takes Request, Cert or CRL/);
    expect((await cli('deleterow', '5', 'Nope')).err.join()).toMatch(
      /no table "Nope"; use Request, Cert, Ext, Attrib, CRL/,
    );
    expect((await cli('deleterow', 'yesterday')).err.join()).toMatch(/neither a row id nor a date/);
    const byDate = await cli('--json', 'deleterow', new Date(Date.now() + 86_400_000).toISOString(), 'Cert');
    expect(byDate.json).toEqual({ table: 'Cert', deleted: [], kept: [] });

    const view = await cli('--json', 'view', '--out', 'RequestID');
    expect(view.json.rows).toEqual([{ RequestID: 1 }, { RequestID: 2 }]);
    expect((await submit('four')).requestId).toBe(4);
  });
});
