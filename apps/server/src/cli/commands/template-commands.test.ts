import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CERTSRV_E_UNSUPPORTED_CERT_TYPE, DB_DISP_DENIED, DB_DISP_ISSUED } from '@certexit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslRequest } from '../../../../../tooling/test/test-pki';
import { cliOnFolder } from '../../../test/support/run-cli-in-process';

const work = mkdtempSync(join(tmpdir(), 'certexit-cli-templates-'));
const dir = join(work, 'ca');

const { cli } = cliOnFolder(dir);
/** With `--json`, whatever the exit code (the test asserts it). */
const json = (...args: string[]) => cli('--json', ...args);

beforeAll(async () => {
  expect((await cli('setup', '--name', 'CLI Template CA', '--type', 'enterprise-root')).code).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('template list|show|set|copy and catemplates on the command line', () => {
  it('lists the templates, the CA list marked, with who may enroll and where names come from', async () => {
    const listed = await cli('template', 'list');
    expect(listed.code).toBe(0);
    const line = (name: string) => listed.out.find((l) => l.slice(2).startsWith(`${name} `)) ?? '';
    expect(line('User')).toMatch(/^\* User .*enroll: .*Domain Users.*names: from the directory/);
    expect(line('WebServer')).toMatch(/^ {2}WebServer .*names: from the request/);
    const { json: value } = await json('template', 'list');
    const views = value.templates as Array<{ name: string; onCaList: boolean }>;
    expect(views.filter((v) => v.onCaList).map((v) => v.name)).toEqual([
      'User',
      'Machine',
      'CodeSigning',
      'KeyRecoveryAgent',
    ]);
  });

  it('shows one template with its AD attributes and permissions, and names an unknown one', async () => {
    const shown = await cli('template', 'show', 'subca');
    expect(shown.code).toBe(0);
    expect(shown.out.join('\n')).toMatch(/^SubCA \(Subordinate Certification Authority\), OID .*not on the CA list/);
    expect(shown.out.join('\n')).toMatch(/msPKI-Minimal-Key-Size 2048/);
    expect(shown.out.join('\n')).toMatch(/Domain Admins: allow Enroll/);
    const unknown = await cli('template', 'show', 'NoSuchTemplate');
    expect(unknown.code).not.toBe(0);
    expect(unknown.err.join('\n')).toMatch(/NoSuchTemplate/);
  });

  it('warns of ESC1 when an administrator opens an enrollee-supplied template to requesters, and on the CA list', async () => {
    expect((await cli('template', 'copy', 'WebServer', 'OpenWeb')).code).toBe(0);
    const eku = await cli('template', 'set', 'OpenWeb', 'extendedKeyUsage', '+1.3.6.1.5.5.7.3.2');
    expect(eku.code).toBe(0);
    const opened = await cli('template', 'set', 'OpenWeb', 'Enroll', '+Domain Users');
    expect(opened.code).toBe(0);
    expect(opened.out.join('\n')).toMatch(/WARNING ESC1: Domain Users may enroll/);
    const listed = await cli('catemplates', '+OpenWeb');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('  OpenWeb');
    expect(listed.out.join('\n')).toMatch(/WARNING .*ESC1/);
    // Approval by a manager takes the warning away.
    const pending = await cli('template', 'set', 'OpenWeb', 'enrollmentFlags', '+CT_FLAG_PEND_ALL_REQUESTS');
    expect(pending.out.join('\n')).not.toMatch(/ESC1/);
  });

  it('refuses an unknown field or flag without changing the file', async () => {
    const before = (await json('template', 'show', 'User')).json;
    const field = await cli('template', 'set', 'User', 'noSuchField', '1');
    expect(field.code).not.toBe(0);
    expect(field.err.join('\n')).toMatch(/noSuchField/);
    const flag = await cli('template', 'set', 'User', 'nameFlags', '+CT_FLAG_NO_SUCH_FLAG');
    expect(flag.code).not.toBe(0);
    expect((await json('template', 'show', 'User')).json).toEqual(before);
  });

  it('issues a template only while it is on the CA list', async () => {
    const { csr } = opensslRequest(work, 'web', '/CN=web.certexit.test');
    const off = await json('submit', '--attrib', 'CertificateTemplate:WebServer', csr);
    expect(off.json).toMatchObject({
      disposition: DB_DISP_DENIED,
      statusCode: CERTSRV_E_UNSUPPORTED_CERT_TYPE | 0,
      dispositionMessage: expect.stringMatching(/not offered by this CA/),
    });
    expect((await cli('catemplates', '+WebServer')).code).toBe(0);
    const on = await json('submit', '--attrib', 'CertificateTemplate:WebServer', csr);
    expect(on.json).toMatchObject({ disposition: DB_DISP_ISSUED });
    expect((await cli('catemplates', '-WebServer')).out).not.toContain('  WebServer');
  });
});
