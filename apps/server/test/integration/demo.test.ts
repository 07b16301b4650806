// `npm run demo` (certexit demo): the newcomer's first hour. A CA issues, refuses, denies, approves a pending
// request, revokes and publishes CRLs; the default, inventory and SDK sample modules are notified (and the web hook,
// when @certexit/exit-webhook is installed with certexit), and the demo says where each one's work is. Run twice on
// one folder: the CA is reused, never overwritten.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_DENIED, DB_DISP_ISSUED, DB_DISP_REVOKED } from '@certexit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { importExitModule } from '../../src/builtin-exit-modules';
import type { DemoResult } from '../../src/demo/run-demo';
import { runDemo } from '../../src/demo/run-demo';

const work = mkdtempSync(join(tmpdir(), 'certexit-demo-'));
const dir = join(work, 'demo-ca');
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function demo(): Promise<{ lines: string[]; result: DemoResult }> {
  const lines: string[] = [];
  const result = await runDemo({ dir, io: { out: (line) => lines.push(...line.split('\n')) } });
  return { lines, result };
}

const notified = (lines: string[], progId: string, event: string, context: number | string) =>
  lines.some((l) =>
    new RegExp(`notified ${progId.replace('.', '\\.')}\\s+${event}\\s+context ${context}\\s+-> S_OK`).test(l),
  );

describe('certexit demo', { timeout: 120_000 }, () => {
  it('issues, refuses, denies, approves, revokes and publishes CRLs, and shows what each module did', async () => {
    const { lines, result } = await demo();
    const text = lines.join('\n');
    expect(text).toContain(`Set up the demo CA "certexit Demo CA" in ${dir}`);
    const { issued, refused, denied, pending } = result.requests;

    // The story's steps and their outcomes (the existing behaviour: refused, denied, pending then approved).
    expect(text).toMatch(new RegExp(`RequestId ${issued}: Issued`));
    expect(text).toMatch(new RegExp(`RequestId ${refused}: CERTSRV_E_TEMPLATE_DENIED`));
    expect(text).toMatch(new RegExp(`RequestId ${denied}: Denied`));
    expect(text).toMatch(new RegExp(`RequestId ${pending}: Taken Under Submission`));
    expect(text).toMatch(new RegExp(`RequestId ${pending}: Resubmitted by CERTEXIT`));
    expect(text).toMatch(new RegExp(`RequestId ${issued}: Revoked`));

    // Several modules notified of every kind of event.
    for (const progId of ['CertExit_Inventory.Exit', 'CertAuthority_Sample.Exit']) {
      expect(notified(lines, progId, 'EXITEVENT_CERTISSUED', issued), `${progId} issued`).toBe(true);
      expect(notified(lines, progId, 'EXITEVENT_CERTDENIED', denied), `${progId} denied`).toBe(true);
      expect(notified(lines, progId, 'EXITEVENT_CERTPENDING', pending), `${progId} pending`).toBe(true);
      expect(notified(lines, progId, 'EXITEVENT_CERTISSUED', pending), `${progId} approved`).toBe(true);
      expect(notified(lines, progId, 'EXITEVENT_CERTREVOKED', issued), `${progId} revoked`).toBe(true);
    }
    expect(notified(lines, 'CertAuthority_Sample.Exit', 'EXITEVENT_CRLISSUED', '\\d+')).toBe(true);

    // The inventory's lines, the last one the CRL or the revocation.
    const inventory = join(dir, 'inventory.jsonl');
    const records = readFileSync(inventory, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.RequestID, r.Disposition])).toEqual(
      expect.arrayContaining([
        [issued, DB_DISP_ISSUED],
        [denied, DB_DISP_DENIED],
        [issued, DB_DISP_REVOKED],
      ]),
    );
    expect(text).toContain(`CertExit_Inventory.Exit: ${records.length} JSON lines in ${inventory}`);

    // The sample wrote the certificate of the request that asked with CertFile, and only that one, and copied the
    // CRLs: OpenSSL verifies them with the CA and finds the revoked serial in the base CRL.
    const certEnroll = join(dir, 'CertEnroll');
    const cer = join(certEnroll, `${issued}.cer`);
    expect(existsSync(cer)).toBe(true);
    expect(existsSync(join(certEnroll, `${pending}.cer`))).toBe(false);
    expect(text).toContain(
      `CertAuthority_Sample.Exit: the certificate of request ${issued} (it asked with CertFile) in ${cer}`,
    );
    const copies = readdirSync(join(dir, 'sample-crl-copies')).sort();
    expect(copies).toEqual(['certexit Demo CA+.crl', 'certexit Demo CA.crl']);
    const caPem = join(dir, 'ca-certificate.pem');
    const crl = execFileSync(
      'openssl',
      [
        'crl',
        '-inform',
        'DER',
        '-in',
        join(dir, 'sample-crl-copies', 'certexit Demo CA.crl'),
        '-CAfile',
        caPem,
        '-noout',
        '-text',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(crl.toLowerCase().replace(/\s/g, '')).toContain(`serialnumber:${result.revokedSerial.toLowerCase()}`);
    const certPem = join(work, 'issued.pem');
    execFileSync('openssl', ['x509', '-inform', 'DER', '-in', cer, '-out', certPem]);
    expect(execFileSync('openssl', ['verify', '-CAfile', caPem, certPem], { encoding: 'utf8' })).toContain(': OK');

    // The web hook: posted and verified when its package is installed with certexit; otherwise the demo says so.
    const webhookInstalled = await importExitModule('@certexit/exit-webhook').then(
      () => true,
      () => false,
    );
    if (webhookInstalled) {
      expect(result.webhook?.refused).toEqual([]);
      expect(result.webhook?.received.map((e) => e.type)).toEqual(
        expect.arrayContaining([
          'com.certexit.certificate.issued',
          'com.certexit.request.denied',
          'com.certexit.request.pending',
          'com.certexit.certificate.revoked',
          'com.certexit.crl.issued',
        ]),
      );
    } else {
      expect(result.webhook).toBeUndefined();
      expect(text).toContain('CertExit_Webhook.Exit: not run (install @certexit/exit-webhook with certexit');
    }
  });

  it('reuses the demo CA on a second run, with new requests and nothing overwritten', async () => {
    const first = readFileSync(join(dir, 'inventory.jsonl'), 'utf8');
    const { lines, result } = await demo();
    expect(lines[0]).toBe(`Using the demo CA in ${dir}`);
    expect(readFileSync(join(dir, 'inventory.jsonl'), 'utf8').startsWith(first)).toBe(true);
    expect(existsSync(join(dir, 'CertEnroll', `${result.requests.issued}.cer`))).toBe(true);
    expect(notified(lines, 'CertAuthority_Sample.Exit', 'EXITEVENT_CERTISSUED', result.requests.issued)).toBe(true);
  });
});
