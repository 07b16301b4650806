import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_FOREIGN, DB_DISP_ISSUED, DB_DISP_PENDING } from '@certexit/core';
import { caFolder, caKeyFile, openCa } from '@certexit/engine';
import { toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslRequest, opensslSelfSigned } from '../../../../tooling/test/test-pki';
import { runCli } from './main';

const work = mkdtempSync(join(tmpdir(), 'certexit-cli-'));
const dir = join(work, 'ca');
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Runs the CLI with --json and returns the parsed object (or the error lines). */
async function json(...args: string[]): Promise<{ code: number; out: Record<string, unknown>; err: string[] }> {
  const lines: string[] = [];
  const err: string[] = [];
  const code = await runCli(['--dir', dir, '--json', ...args], {
    out: (l) => lines.push(l),
    err: (l) => err.push(l),
    logger: silent,
  });
  return { code, out: lines.length ? (JSON.parse(lines.join('\n')) as Record<string, unknown>) : {}, err };
}

/** A request made by `openssl req` in the test folder. */
function opensslCsr(name: string): string {
  return opensslRequest(work, name).csr;
}

beforeAll(async () => {
  expect((await json('setup', '--name', 'CLI Test CA')).code).toBe(0);
  // An enterprise CA without a directory issues the templates whose subject the enrollee supplies: WebServer, and
  // a copy that waits for a CA manager.
  expect((await json('template', 'copy', 'WebServer', 'PendingWeb')).code).toBe(0);
  expect((await json('template', 'set', 'PendingWeb', 'enrollmentFlags', '+CT_FLAG_PEND_ALL_REQUESTS')).code).toBe(0);
  expect((await json('catemplates', '+WebServer', '+PendingWeb')).code).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('certexit CLI (--json)', () => {
  it('submits, retrieves and approves; a formerly pending request raises EXITEVENT_CERTRETRIEVEPENDING on retrieval', async () => {
    const issued = await json(
      'submit',
      '--attrib',
      'CertificateTemplate:WebServer',
      opensslCsr('alice'),
      join(work, 'alice.pem'),
    );
    expect(issued.code).toBe(0);
    expect(issued.out).toMatchObject({
      requestId: 1,
      disposition: DB_DISP_ISSUED,
      statusCode: 0,
      dispositionMessage: 'Issued',
    });
    expect(issued.out.serialNumber).toMatch(/^[0-9a-f]{32}$/);
    expect(
      execFileSync('openssl', ['x509', '-in', join(work, 'alice.pem'), '-noout', '-serial'], { encoding: 'utf8' })
        .trim()
        .toLowerCase(),
    ).toBe(`serial=${issued.out.serialNumber}`);
    // A plain retrieval of a request that was never pending raises nothing.
    expect((await json('retrieve', '1')).out).toMatchObject({
      requestId: 1,
      disposition: DB_DISP_ISSUED,
      deliveries: [],
    });

    const pending = await json('submit', '--attrib', 'CertificateTemplate:PendingWeb', opensslCsr('kra'));
    expect(pending.out).toMatchObject({ disposition: DB_DISP_PENDING });
    const id = String(pending.out.requestId);
    expect((await json('retrieve', id)).out).toMatchObject({ disposition: DB_DISP_PENDING, deliveries: [] });
    expect((await json('resubmit', id)).out).toMatchObject({ disposition: DB_DISP_ISSUED });
    const retrieved = await json('retrieve', id, join(work, 'kra.pem'));
    expect(retrieved.out.deliveries).toEqual([
      { event: 'EXITEVENT_CERTRETRIEVEPENDING', module: 'CertificateAuthority_MicrosoftDefault.Exit', hresult: 'S_OK' },
    ]);
    expect(retrieved.out.certificateFile).toBe(join(work, 'kra.pem'));
    // Issue 12: "each GET of a formerly pending request by its requester records another
    // EXITEVENT_CERTRETRIEVEPENDING": raised once per request, the first time it is retrieved after issuance.
    for (let i = 0; i < 3; i++) expect((await json('retrieve', id)).out.deliveries).toEqual([]);
    const ca = await openCa(dir);
    const events = await ca.store.listExitEvents();
    await ca.store.close();
    expect(events.filter((e) => e.event === 0x10 && e.context === Number(id))).toHaveLength(1);
    const missing = await json('retrieve', '999');
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(/request 999 does not exist/);
  });

  it('imports a certificate of this CA, refuses a duplicate, and records a foreign one only when asked', async () => {
    const folder = caFolder(dir);
    const ca = await openCa(dir);
    const caPem = join(work, 'ca.pem');
    writeFileSync(caPem, toPem(ca.certificate.der, 'CERTIFICATE'));
    await ca.store.close();
    const ours = join(work, 'offline.pem');
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        opensslCsr('offline'),
        '-CA',
        caPem,
        '-CAkey',
        caKeyFile(folder, 0),
        '-set_serial',
        '0x7a11ce',
        '-days',
        '30',
        '-out',
        ours,
      ],
      { stdio: 'pipe' },
    );
    const imported = await json('importcert', ours);
    expect(imported.err).toEqual([]);
    expect(imported.out).toMatchObject({
      disposition: DB_DISP_ISSUED,
      serialNumber: '7a11ce',
      dispositionMessage: 'Imported',
    });
    expect(imported.out.deliveries).toContainEqual({
      event: 'EXITEVENT_CERTIMPORTED',
      module: 'CertificateAuthority_MicrosoftDefault.Exit',
      hresult: 'S_OK',
    });
    const again = await json('importcert', ours);
    expect(again.code).toBe(1);
    expect(again.err.join()).toMatch(/serial 7a11ce is already in the database/);

    const foreign = opensslSelfSigned(work, 'foreign', { subject: '/CN=elsewhere' });
    const refused = await json('importcert', foreign);
    expect(refused.code).toBe(1);
    expect(refused.err.join()).toMatch(/was not issued by this CA.*--foreign/);
    expect((await json('importcert', '--foreign', foreign)).out).toMatchObject({ disposition: DB_DISP_FOREIGN });
    const garbage = join(work, 'garbage.pem');
    writeFileSync(garbage, 'hello');
    expect((await json('importcert', garbage)).err.join()).toMatch(/not a certificate/);
  });

  it('views with restrictions and columns named as ICertServerExit properties', async () => {
    const all = await json('view', '--out', 'RequestID,Request.RequesterName,SerialNumber,CommonName');
    expect(all.out.columns).toEqual(['RequestID', 'Request.RequesterName', 'SerialNumber', 'CommonName']);
    const issued = await json(
      'view',
      '--restrict',
      `Disposition=${DB_DISP_ISSUED},RequestID>1`,
      '--out',
      'RequestID,CommonName',
    );
    const rows = issued.out.rows as Array<Record<string, unknown>>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => Number(r.RequestID) > 1)).toBe(true);
    expect(rows.map((r) => r.CommonName)).toContain('offline');
    // With --json, errors are one JSON object too.
    const message = async (...args: string[]) =>
      (JSON.parse((await json(...args)).err.join('')) as { message: string }).message;
    expect(await message('view', '--out', 'NoSuchColumn')).toMatch(/unknown column "NoSuchColumn"/);
    expect(await message('view', '--restrict', 'RequestID>abc')).toMatch(/takes a number/);
  });
});
