import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXITPUB_ACTIVEDIRECTORY, EXITPUB_FILE } from '@certexit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../../tooling/test/test-pki';
import { cliOnFolder } from '../../../test/support/run-cli-in-process';

const work = makeTempDir('certexit-registry-cli-');
const dir = work.file('ca');

/** A third-party module that declares nothing about its configuration. */
const UNDECLARED_MODULE = `export default {
  specificationVersion: 'v1',
  progId: 'Contoso_Plain.Exit',
  version: '1.0.0',
  create: () => ({ Initialize: () => 1, GetDescription: () => 'plain', Notify() {} }),
};
`;

const { cli, json } = cliOnFolder(dir);

/** The stored value, straight from registry.json. */
function stored(...path: string[]): unknown {
  let node = JSON.parse(readFileSync(join(dir, 'registry.json'), 'utf8')) as Record<string, unknown>;
  for (const segment of [
    'SYSTEM',
    'CurrentControlSet',
    'Services',
    'CertSvc',
    'Configuration',
    'Registry CLI CA',
    ...path,
  ])
    node = (node?.[segment] ?? undefined) as Record<string, unknown>;
  return node;
}

beforeAll(async () => {
  expect((await cli('setup', '--name', 'Registry CLI CA', '--type', 'enterprise-root')).code).toBe(0);
  writeFileSync(work.file('plain-module.mjs'), UNDECLARED_MODULE);
  expect((await cli('module', 'register', 'Contoso_Plain.Exit', work.file('plain-module.mjs'))).code).toBe(0);
});
afterAll(() => work.remove());

describe('getreg', () => {
  it('shows effective defaults, marked as defaults, from the code that reads them', async () => {
    const exit = await cli('getreg', 'exit');
    expect(exit.code).toBe(0);
    expect(exit.out).toContain('  PublishCertFlags REG_DWORD = 2 (0x2) EXITPUB_ACTIVEDIRECTORY (default)');
    expect(exit.out).toContain('  LdapTimeoutMs REG_DWORD = 10000 (0x2710) (default)');
    expect(exit.out).toContain('  MaxAttempts REG_DWORD = 10 (0xa) (default)');
    const ca = await cli('getreg', 'CA');
    expect(ca.out).toContain('  CRLPeriodUnits REG_DWORD = 1 (0x1)');
    expect(ca.out).toContain('  ClockSkewMinutes REG_DWORD = 10 (0xa) (default)');
    expect(ca.out).toContain('  CRLOverlapPeriod REG_SZ = Hours (default)');
    const one = await json('getreg', 'exit\\PublishCertFlags');
    expect(one).toMatchObject({
      name: 'PublishCertFlags',
      type: 'REG_DWORD',
      value: EXITPUB_ACTIVEDIRECTORY,
      default: true,
    });
    expect(String(one.meaning)).toMatch(/EXITPUB_FILE/);
  });
});

describe('setreg', () => {
  it('refuses a wrong type and keeps the DWORD: setreg CA\\CRLPeriodUnits two, then crl still works', async () => {
    const refused = await cli('setreg', 'CA\\CRLPeriodUnits', 'two');
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toMatch(/CRLPeriodUnits is a REG_DWORD.*"two"/);
    expect(stored('CRLPeriodUnits')).toBe(1);
    expect((await cli('crl')).code).toBe(0);
    expect((await json('setreg', 'CA\\CRLPeriodUnits', '2')).value).toBe(2);
    expect(stored('CRLPeriodUnits')).toBe(2);
    // Text stays text: digits for a REG_SZ are not turned into a number.
    await json('setreg', 'exit\\LdapBindDN', '12345');
    expect(stored('ExitModules', 'CertificateAuthority_MicrosoftDefault.Exit', 'LdapBindDN')).toBe('12345');
    // Values with a fixed set or range are checked too.
    expect((await cli('setreg', 'CA\\CRLPeriod', 'Fortnights')).err.join()).toMatch(/use Years, Months, Weeks/);
  });

  it('refuses unknown value names, naming the known one it looks like', async () => {
    const typo = await cli('setreg', 'CA\\CRLPeriodUnit', '3');
    expect(typo.code).toBe(1);
    expect(typo.err.join('\n')).toMatch(/CRLPeriodUnit.*not a value.*did you mean CRLPeriodUnits/);
    expect(stored('CRLPeriodUnit')).toBeUndefined();
    expect((await cli('setreg', 'CA\\CAType', '3')).err.join()).toMatch(/CAType is set by certexit setup/);
  });

  it('+X starts from the effective value: +EXITPUB_FILE keeps EXITPUB_ACTIVEDIRECTORY on an enterprise CA', async () => {
    const added = await json<{ old: unknown; value: number }>('setreg', 'exit\\PublishCertFlags', '+EXITPUB_FILE');
    expect(added.value).toBe(EXITPUB_ACTIVEDIRECTORY | EXITPUB_FILE);
    expect(stored('ExitModules', 'CertificateAuthority_MicrosoftDefault.Exit', 'PublishCertFlags')).toBe(3);
    // Flags of another family are not this value's.
    expect((await cli('setreg', 'exit\\PublishCertFlags', '+EXITEVENT_CERTISSUED')).err.join()).toMatch(
      /EXITEVENT_CERTISSUED is not a flag of PublishCertFlags: use EXITPUB_FILE, EXITPUB_ACTIVEDIRECTORY/,
    );
  });

  it('-X and -6:http://… work without --, and setreg prints the old and new value as certutil does', async () => {
    const cleared = await cli('setreg', 'exit\\PublishCertFlags', '-EXITPUB_ACTIVEDIRECTORY');
    expect(cleared.code, cleared.err.join('\n')).toBe(0);
    expect(cleared.out).toEqual([
      expect.stringMatching(
        /^HKLM\\SYSTEM\\.*\\ExitModules\\CertificateAuthority_MicrosoftDefault\.Exit\\PublishCertFlags:$/,
      ),
      'Old value:',
      '  PublishCertFlags REG_DWORD = 3 (0x3) EXITPUB_FILE | EXITPUB_ACTIVEDIRECTORY',
      'New value:',
      '  PublishCertFlags REG_DWORD = 1 (0x1) EXITPUB_FILE',
      expect.stringMatching(/restart/),
    ]);
    const url = '6:http://%1/CertEnroll/%3%8%9.crl';
    expect(stored('CRLPublicationURLs')).toContain(url);
    const removed = await cli('setreg', 'CA\\CRLPublicationURLs', `-${url}`);
    expect(removed.code, removed.err.join('\n')).toBe(0);
    expect(stored('CRLPublicationURLs')).not.toContain(url);
    expect((await cli('setreg', 'CA\\CRLPublicationURLs', `+${url}`)).code).toBe(0);
    expect(stored('CRLPublicationURLs')).toContain(url);
    // A value never set: the old value shown is the default, marked.
    const first = await cli('setreg', 'CA\\ClockSkewMinutes', '5');
    expect(first.out.slice(1, 3)).toEqual(['Old value:', '  ClockSkewMinutes REG_DWORD = 10 (0xa) (default)']);
  });

  it("sets a third-party module's own values given their type, and keeps it; a module that declares its values is checked", async () => {
    const untyped = await cli('setreg', 'exit\\Contoso_Plain.Exit\\Color', 'blue');
    expect(untyped.code).toBe(1);
    expect(untyped.err.join()).toMatch(/Contoso_Plain\.Exit declares no values.*--type REG_SZ/);
    expect((await cli('setreg', '--type', 'REG_SZ', 'exit\\Contoso_Plain.Exit\\Color', 'blue')).code).toBe(0);
    expect((await json('setreg', 'exit\\Contoso_Plain.Exit\\Color', '42')).value).toBe('42');
    expect(stored('ExitModules', 'Contoso_Plain.Exit', 'Color')).toBe('42');
    expect((await json('setreg', '--type', 'REG_DWORD', 'exit\\Contoso_Plain.Exit\\Level', '7')).value).toBe(7);
    // The engine's own values under every module key are declared: MaxAttempts needs no --type.
    expect((await json('setreg', 'exit\\Contoso_Plain.Exit\\MaxAttempts', '3')).value).toBe(3);
    // The default module declares its values: a misspelt one is refused even with --type.
    const typo = await cli('setreg', '--type', 'REG_SZ', 'exit\\LdapServer', 'ldaps://dc.example');
    expect(typo.err.join()).toMatch(/did you mean LdapServers/);
  });

  it("never prints a process module's environment values, which may be credentials", async () => {
    const registered = await cli(
      'module',
      'register',
      'Contoso_Proc.Exit',
      '/bin/sh',
      '--process',
      '--inactive',
      '--env',
      'API_TOKEN=s3cr3t-value',
    );
    expect(registered.code, registered.err.join('\n')).toBe(0);
    for (const args of [
      ['getreg', 'exit\\Contoso_Proc.Exit\\Environment'],
      ['getreg', 'exit\\Contoso_Proc.Exit\\Environment\\API_TOKEN'],
      ['--json', 'getreg', 'exit\\Contoso_Proc.Exit\\Environment'],
      ['setreg', 'exit\\Contoso_Proc.Exit\\Environment\\API_TOKEN', 'n3w-s3cr3t'],
      ['--json', 'setreg', 'exit\\Contoso_Proc.Exit\\Environment\\API_TOKEN', 'n3w-s3cr3t'],
    ]) {
      const run = await cli(...args);
      expect(run.code, run.err.join('\n')).toBe(0);
      expect(run.out.join('\n'), args.join(' ')).toMatch(/API_TOKEN/);
      expect(run.out.join('\n'), args.join(' ')).not.toMatch(/s3cr3t/);
    }
    expect(stored('ExitModules', 'Contoso_Proc.Exit', 'Environment', 'API_TOKEN')).toBe('n3w-s3cr3t');
  });
});
