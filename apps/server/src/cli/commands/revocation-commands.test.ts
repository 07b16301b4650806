import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_ISSUED, DB_DISP_REVOKED } from '@certexit/core';
import { defaultRequesterName, openCa, setupCa } from '@certexit/engine';
import { parseCrl } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerTemplates } from '../../../../../packages/engine/test/support/policy-fixtures';
import { opensslRequest } from '../../../../../tooling/test/test-pki';
import { cliOnFolder } from '../../../test/support/run-cli-in-process';

const work = mkdtempSync(join(tmpdir(), 'certexit-cli-revocation-'));
const dir = join(work, 'ca');

const { cli } = cliOnFolder(dir);
/** With `--json`, whatever the exit code (the test asserts it). */
const json = (...args: string[]) => cli('--json', ...args);

async function issue(name: string): Promise<string> {
  const { csr } = opensslRequest(work, name);
  const submitted = await json('submit', '--attrib', 'CertificateTemplate:WebServer', csr);
  expect(submitted.json).toMatchObject({ disposition: DB_DISP_ISSUED });
  return String(submitted.json.serialNumber);
}

beforeAll(async () => {
  await setupCa({ dir, commonName: 'CLI Revocation CA', type: 'enterprise-root', exitModules: [] });
  offerTemplates(dir, 'WebServer');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('revoke, unrevoke and crl on the command line', () => {
  it('revokes by number or certutil name, holds and releases, and prints one JSON object', async () => {
    const first = await issue('first');
    const second = await issue('second');
    const revoked = await json(
      'revoke',
      first.match(/../g)!.join(' '),
      'keycompromise',
      '--effective',
      '2026-01-02T03:04:05Z',
      '--officer',
      'CERTEXIT\\ann',
    );
    expect(revoked.code).toBe(0);
    expect(revoked.json).toMatchObject({
      disposition: DB_DISP_REVOKED,
      serialNumber: first,
      statusCode: 0,
      dispositionMessage: 'Revoked by CERTEXIT\\ann',
    });
    const held = await cli('revoke', second, '6');
    expect(held.code).toBe(0);
    expect(held.out).toContain(`Revoked: Revoked by ${defaultRequesterName()}`);
    expect(held.out).toContain(`SerialNumber: ${second}`);
    expect((await json('unrevoke', second)).json).toMatchObject({ disposition: DB_DISP_ISSUED, serialNumber: second });
    const ca = await openCa(dir);
    try {
      const id = (await ca.store.findRequestIdBySerial(first))!;
      expect(await ca.store.getRequest(id)).toMatchObject({
        RevokedReason: 1,
        RevokedEffectiveWhen: new Date('2026-01-02T03:04:05Z'),
      });
    } finally {
      await ca.store.close();
    }
  });

  it('rejects bad arguments with one clear line and exit code 1', async () => {
    const serial = await issue('third');
    const cases: Array<[string[], RegExp]> = [
      [
        ['revoke', serial, 'Fired'],
        /"Fired" is not a revocation reason: use a number from 0 to 6 or one of Unspecified \(0\), KeyCompromise \(1\)/,
      ],
      [['revoke', serial, 'RemoveFromCRL'], /release a certificate from hold with "unrevoke <SerialNumber>"/],
      [['revoke', serial, '7'], /7 is not a revocation reason: use 0 to 6/],
      [['revoke', serial, '1', '--effective', 'yesterday'], /--effective needs an ISO date/],
      [['revoke', 'zz:zz'], /"zz:zz" is not a serial number/],
      [['unrevoke', serial], /is not revoked/],
      [['crl', 'full'], /crl takes "delta" or nothing, not "full"/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.err.join('\n'), args.join(' ')).toMatch(message);
    }
    expect((await json('revoke', serial)).json).toMatchObject({ disposition: DB_DISP_REVOKED });
  });

  it('publishes base and delta CRLs, shows progress every 100,000 entries, and answers --json', async () => {
    // 100,000 more revoked certificates, straight through the store (the CRL reads only these columns).
    const ca = await openCa(dir);
    try {
      await ca.store.transaction(async (tx) => {
        const now = new Date(Date.now() - 86_400_000);
        const notAfter = new Date(now.getTime() + 7 * 86_400_000);
        for (let i = 0; i < 100_000; i++) {
          const id = await tx.insertRequest({
            RequestType: 0x100,
            RequestFlags: 0,
            StatusCode: 0,
            Disposition: DB_DISP_REVOKED,
            SubmittedWhen: now,
            RevokedWhen: now,
            RevokedEffectiveWhen: now,
            RevokedReason: 4,
            crlKeyIndex: 0,
            requestName: {},
            system: {},
          });
          await tx.insertCertificate({
            RequestID: id,
            RawCertificate: Uint8Array.of(0x30, 0x00),
            SerialNumber: (0x4000000000000000n + BigInt(i)).toString(16),
            CertificateHash: '',
            NotBefore: now,
            NotAfter: notAfter,
            values: {},
            certificateName: {},
          });
        }
      });
    } finally {
      await ca.store.close();
    }
    const base = await json('crl');
    expect(base.code, base.err.join('\n')).toBe(0);
    expect(base.err).toEqual(['key 0 base CRL: 100,000 entries']);
    const crls = base.json.crls as Array<Record<string, unknown>>;
    // The delta over the new base lists what changed since its thisUpdate, backdated by the 10-minute clock skew:
    // the two revocations and the release from hold made by the tests above, not the day-old ones.
    expect(crls.map((c) => [c.isDelta, c.entries])).toEqual([
      [false, 100_002],
      [true, 3],
    ]);
    const file = (crls[0]!.files as string[])[0]!;
    expect(file).toBe(join(dir, 'CertEnroll', 'CLI Revocation CA.crl'));
    expect(parseCrl(readFileSync(file)).entries).toHaveLength(100_002);
    // Stored in parts (it is over 1 MiB) and read back whole, byte for byte.
    const stored = await openCa(dir);
    try {
      expect((await stored.store.getLatestCrl(0, false))?.raw).toEqual(new Uint8Array(readFileSync(file)));
    } finally {
      await stored.store.close();
    }
    const text = await cli('crl', 'delta');
    expect(text.code).toBe(0);
    expect(text.out[0]).toMatch(/^Delta CRL \d+ \(over base \d+\) of key 0: 3 entries, \d+ bytes, next publish \d{4}-/);
    expect(text.out).toContain(`  written to ${join(dir, 'CertEnroll', 'CLI Revocation CA+.crl')}`);
    expect(
      text.out.some((l) =>
        /^ {2}not written to ldap:\/\/\/.*LDAP locations are published by the directory publisher$/.test(l),
      ),
    ).toBe(true);
    // 100,000 rows written and a CRL of them built twice: seconds on a busy machine.
  }, 60_000);
});
