import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryFile } from '../registry/registry-file';
import type { CrlScheduleSettings } from './crl-schedule-settings';
import { addPeriod, crlTimes, deltaCrlsEnabled, readCrlScheduleSettings } from './crl-schedule-settings';

const NOW = new Date('2026-01-31T10:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

function settings(overrides: Partial<CrlScheduleSettings> = {}): CrlScheduleSettings {
  return {
    base: { unit: 'Weeks', count: 1 },
    baseOverlap: { unit: 'Hours', count: 0 },
    delta: { unit: 'Days', count: 1 },
    deltaOverlap: { unit: 'Minutes', count: 0 },
    clockSkewMinutes: 10,
    ...overrides,
  };
}

describe('CRL times (AD CS rules)', () => {
  it('backdates thisUpdate by the clock skew and adds the default overlap (10%, at most 12 hours) and the skew', () => {
    expect(crlTimes(settings(), 'base', NOW)).toEqual({
      thisUpdate: new Date(NOW.getTime() - 10 * MIN),
      nextPublish: new Date(NOW.getTime() + 7 * 24 * HOUR),
      nextUpdate: new Date(NOW.getTime() + 7 * 24 * HOUR + 12 * HOUR + 10 * MIN),
    });
    // A day's delta: 10% is 2.4 hours.
    expect(crlTimes(settings(), 'delta', NOW).nextUpdate).toEqual(
      new Date(NOW.getTime() + 24 * HOUR + 2.4 * HOUR + 10 * MIN),
    );
  });

  it('uses a configured overlap, capped at the period and at least 1.5 times the clock skew', () => {
    const configured = settings({ baseOverlap: { unit: 'Days', count: 2 } });
    expect(crlTimes(configured, 'base', NOW).nextUpdate).toEqual(new Date(NOW.getTime() + 9 * 24 * HOUR + 10 * MIN));
    const short = settings({ delta: { unit: 'Hours', count: 1 }, deltaOverlap: { unit: 'Hours', count: 5 } });
    expect(crlTimes(short, 'delta', NOW).nextUpdate).toEqual(new Date(NOW.getTime() + 2 * HOUR + 10 * MIN));
    const tiny = settings({ delta: { unit: 'Minutes', count: 30 } });
    expect(crlTimes(tiny, 'delta', NOW).nextUpdate).toEqual(new Date(NOW.getTime() + 30 * MIN + 15 * MIN + 10 * MIN));
  });

  it('adds months and years on the calendar', () => {
    expect(addPeriod(NOW, { unit: 'Months', count: 1 }).toISOString()).toBe('2026-03-03T10:00:00.000Z');
    expect(addPeriod(NOW, { unit: 'years', count: 2 }).toISOString()).toBe('2028-01-31T10:00:00.000Z');
  });
});

describe('readCrlScheduleSettings', () => {
  const withRegistry = (values: Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'certexit-crl-settings-'));
    try {
      const registry = new RegistryFile(join(dir, 'registry.json'));
      for (const [name, value] of Object.entries(values)) registry.setValue(`CA\\${name}`, value as never);
      return readCrlScheduleSettings({ registry, registryPath: 'CA' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('reads AD CS names with their defaults; delta CRLs are off when CRLDeltaPeriodUnits is 0 or absent', () => {
    const read = withRegistry({
      CRLPeriod: 'Days',
      CRLPeriodUnits: '3',
      CRLDeltaPeriod: 'Hours',
      CRLDeltaPeriodUnits: 4,
    });
    expect(read).toMatchObject({
      base: { unit: 'Days', count: 3 },
      delta: { unit: 'Hours', count: 4 },
      clockSkewMinutes: 10,
    });
    expect(deltaCrlsEnabled(read)).toBe(true);
    expect(deltaCrlsEnabled(withRegistry({}))).toBe(false);
  });

  it('names the bad value', () => {
    expect(() => withRegistry({ CRLPeriod: 'Fortnights' })).toThrow(/CA\\CRLPeriod is "Fortnights"; use Years, Months/);
    expect(() => withRegistry({ CRLDeltaPeriodUnits: -1 })).toThrow(/CA\\CRLDeltaPeriodUnits is -1/);
    expect(() => withRegistry({ CRLPeriodUnits: 0 })).toThrow(/CRLPeriodUnits is 0/);
    expect(() => withRegistry({ ClockSkewMinutes: 'ten' })).toThrow(/ClockSkewMinutes is "ten"/);
  });
});
