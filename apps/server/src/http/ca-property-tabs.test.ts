import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaContext } from '@certexit/engine';
import { openCa, readCrlScheduleSettings, setupCa } from '@certexit/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeCaPropertyTab, readCaPropertyTabs, undoPropertyChanges } from './ca-property-tabs';

let dir: string;
let ca: CaContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certexit-tabs-'));
  await setupCa({ dir, commonName: 'Tabs Test CA', type: 'standalone-root' });
  ca = await openCa(dir);
});
afterAll(async () => {
  await ca.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('CA property tabs', () => {
  it("reads the four tabs with AD CS's defaults where a value is absent", () => {
    const tabs = readCaPropertyTabs(ca, [
      { progId: 'CertificateAuthority_MicrosoftDefault.Exit', description: 'Default' },
    ]);
    expect(tabs.extensions.crl.length).toBeGreaterThan(0);
    expect(tabs.extensions.crl[0]).toMatchObject({ flags: expect.any(Number), url: expect.stringContaining('%3') });
    expect(tabs.policy).toMatchObject({ progId: 'CertificateAuthority_MicrosoftDefault.Policy', editFlags: 0x83ee });
    // setup writes AD CS's schedule: a weekly base CRL and a daily delta; the overlaps are absent, so defaults.
    expect(tabs.crlSchedule).toMatchObject({ CRLPeriod: 'Weeks', CRLPeriodUnits: 1, CRLDeltaPeriodUnits: 1 });
    expect(tabs.crlSchedule).toMatchObject({ CRLOverlapPeriod: 'Hours', CRLOverlapUnits: 0 });
    expect(tabs.exitModules.find((m) => m.progId === 'CertificateAuthority_MicrosoftDefault.Exit')).toMatchObject({
      publishCertFlags: 1,
      configured: false,
    });
  });

  it('changes only what differs, and the CA runs on it', () => {
    const changes = changeCaPropertyTab(ca, 'crl-schedule', {
      crlSchedule: { CRLDeltaPeriodUnits: 2, CRLPeriod: 'Weeks', CRLOverlapPeriod: 'Hours', CRLOverlapUnits: 3 },
    });
    expect(changes).toEqual([
      { target: `${ca.registryPath}\\CRLDeltaPeriodUnits`, oldValue: 1, newValue: 2 },
      { target: `${ca.registryPath}\\CRLOverlapUnits`, oldValue: undefined, newValue: 3 },
    ]);
    expect(readCrlScheduleSettings(ca).delta.count).toBe(2);
    expect(readCrlScheduleSettings(ca).baseOverlap).toEqual({ unit: 'Hours', count: 3 });
    undoPropertyChanges(ca, changes);
    expect(ca.registry.getValue(`${ca.registryPath}\\CRLDeltaPeriodUnits`)).toBe(1);
    expect(ca.registry.getValue(`${ca.registryPath}\\CRLOverlapUnits`)).toBeUndefined();
  });

  it('refuses bad values with a message naming them, writing nothing', () => {
    const before = JSON.stringify(ca.registry.root());
    expect(() => changeCaPropertyTab(ca, 'policy', { editFlags: 0x80000000 })).toThrow(/editFlags 0x80000000 has bits/);
    expect(() => changeCaPropertyTab(ca, 'extensions', { crl: [{ flags: 1, url: 'javascript:alert(1)' }] })).toThrow(
      /not an http:, https:, ldap: or file: URL/,
    );
    expect(() => changeCaPropertyTab(ca, 'extensions', { aia: [{ flags: 0x40, url: 'http://x/%3.crt' }] })).toThrow(
      /aia\[0\]\.flags 0x40/,
    );
    expect(() => changeCaPropertyTab(ca, 'crl-schedule', { crlSchedule: { CRLPeriodUnits: 0 } })).toThrow(
      /CRLPeriodUnits must be at least 1/,
    );
    expect(() => changeCaPropertyTab(ca, 'exit-module', { progId: 'Other.Exit', publishCertFlags: 1 })).toThrow(
      /Other.Exit has no PublishCertFlags/,
    );
    expect(JSON.stringify(ca.registry.root())).toBe(before);
  });

  it('writes publication URLs and flags in the registry form AD CS keeps', () => {
    const crl = [
      { flags: 65, url: `${dir}/CertEnroll/%3%8%9.crl` },
      { flags: 6, url: 'http://pki.contoso.test/CertEnroll/%3%8%9.crl' },
    ];
    const changes = changeCaPropertyTab(ca, 'extensions', { crl });
    expect(changes).toHaveLength(1);
    expect(ca.registry.getValue(`${ca.registryPath}\\CRLPublicationURLs`)).toEqual([
      `65:${dir}/CertEnroll/%3%8%9.crl`,
      '6:http://pki.contoso.test/CertEnroll/%3%8%9.crl',
    ]);
    expect(changeCaPropertyTab(ca, 'extensions', { crl })).toEqual([]);
    const policy = changeCaPropertyTab(ca, 'policy', { editFlags: 0x83ee | 0x40000 });
    expect(policy[0]).toMatchObject({ newValue: 0x83ee | 0x40000 });
    expect(readCaPropertyTabs(ca, []).policy).toMatchObject({ editFlags: 0x83ee | 0x40000, configured: true });
  });
});
