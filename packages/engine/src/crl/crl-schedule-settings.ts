import type { CaFolderContext } from '../ca/open-ca-folder';

/** A period of the CA configuration: `CRLPeriod` + `CRLPeriodUnits` and the like. */
export interface CrlPeriod {
  /** `Years`, `Months`, `Weeks`, `Days`, `Hours`, `Minutes` or `Seconds`. */
  unit: string;
  count: number;
}

/** The CRL timing of a CA, as its configuration says (AD CS value names and defaults). */
export interface CrlScheduleSettings {
  /** `CRLPeriod` / `CRLPeriodUnits`. @default 1 Weeks */
  base: CrlPeriod;
  /** `CRLOverlapPeriod` / `CRLOverlapUnits`; 0 units means the default overlap. @default 0 Hours */
  baseOverlap: CrlPeriod;
  /** `CRLDeltaPeriod` / `CRLDeltaPeriodUnits`; 0 units disables delta CRLs. @default 0 Days */
  delta: CrlPeriod;
  /** `CRLDeltaOverlapPeriod` / `CRLDeltaOverlapUnits`. @default 0 Minutes */
  deltaOverlap: CrlPeriod;
  /** `ClockSkewMinutes`: thisUpdate is backdated by it and nextUpdate extended. @default 10 */
  clockSkewMinutes: number;
}

/** thisUpdate, nextUpdate and the Next CRL Publish time of a CRL built at some moment. */
export interface CrlTimes {
  thisUpdate: Date;
  nextUpdate: Date;
  nextPublish: Date;
}

const _UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'];
const _HOUR = 3_600_000;

/**
 * Reads the CRL timing from the CA configuration, with clear errors naming a bad value. Delta CRLs are disabled
 * when `CRLDeltaPeriodUnits` is 0 or absent, which is what `fDeltaCRLsDisabled` reports.
 */
export function readCrlScheduleSettings(ca: Pick<CaFolderContext, 'registry' | 'registryPath'>): CrlScheduleSettings {
  const value = (name: string) => ca.registry.getValue(`${ca.registryPath}\\${name}`);
  const period = (unitName: string, countName: string, unit: string, count: number): CrlPeriod => {
    const u = value(unitName) ?? unit;
    const raw = value(countName) ?? count;
    // setreg may have stored a number typed as text.
    const c = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof u !== 'string' || !_UNITS.includes(u.toLowerCase())) {
      throw new Error(
        `${ca.registryPath}\\${unitName} is ${JSON.stringify(u)}; use Years, Months, Weeks, Days, Hours, Minutes or Seconds`,
      );
    }
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > 0xffff) {
      throw new Error(`${ca.registryPath}\\${countName} is ${JSON.stringify(c)}; use a whole number from 0 to 65535`);
    }
    return { unit: u, count: c };
  };
  const settings: CrlScheduleSettings = {
    base: period('CRLPeriod', 'CRLPeriodUnits', 'Weeks', 1),
    baseOverlap: period('CRLOverlapPeriod', 'CRLOverlapUnits', 'Hours', 0),
    delta: period('CRLDeltaPeriod', 'CRLDeltaPeriodUnits', 'Days', 0),
    deltaOverlap: period('CRLDeltaOverlapPeriod', 'CRLDeltaOverlapUnits', 'Minutes', 0),
    clockSkewMinutes: 10,
  };
  const rawSkew = value('ClockSkewMinutes');
  const skew = typeof rawSkew === 'string' && /^\d+$/.test(rawSkew.trim()) ? Number(rawSkew) : rawSkew;
  if (skew !== undefined) {
    if (typeof skew !== 'number' || !Number.isInteger(skew) || skew < 0 || skew > 1440) {
      throw new Error(`${ca.registryPath}\\ClockSkewMinutes is ${JSON.stringify(skew)}; use minutes from 0 to 1440`);
    }
    settings.clockSkewMinutes = skew;
  }
  if (settings.base.count === 0) {
    throw new Error(
      `${ca.registryPath}\\CRLPeriodUnits is 0: base CRLs need a period (e.g. setreg CA\\CRLPeriodUnits 1)`,
    );
  }
  return settings;
}

/** True unless `CRLDeltaPeriodUnits` is 0. */
export function deltaCrlsEnabled(settings: CrlScheduleSettings): boolean {
  return settings.delta.count > 0;
}

/**
 * The times of a CRL built at `now`, after the published AD CS rules ("How ThisUpdate, NextUpdate and
 * NextCRLPublish are calculated"): thisUpdate is `now` less the clock skew; Next CRL Publish is `now` plus the
 * period; nextUpdate adds the overlap and the clock skew to that. The overlap is the configured one, or 10% of the
 * period but at most 12 hours; it never exceeds the period and is at least 1.5 times the clock skew.
 */
export function crlTimes(settings: CrlScheduleSettings, kind: 'base' | 'delta', now: Date): CrlTimes {
  const period = kind === 'base' ? settings.base : settings.delta;
  const overlap = kind === 'base' ? settings.baseOverlap : settings.deltaOverlap;
  const skew = settings.clockSkewMinutes * 60_000;
  const nextPublish = addPeriod(now, period);
  const periodMs = nextPublish.getTime() - now.getTime();
  let overlapMs =
    overlap.count > 0 ? addPeriod(now, overlap).getTime() - now.getTime() : Math.min(periodMs / 10, 12 * _HOUR);
  overlapMs = Math.max(Math.min(overlapMs, periodMs), 1.5 * skew);
  return {
    thisUpdate: new Date(now.getTime() - skew),
    nextUpdate: new Date(nextPublish.getTime() + overlapMs + skew),
    nextPublish,
  };
}

/** `date` plus a period; months and years follow the calendar (UTC). */
export function addPeriod(date: Date, period: CrlPeriod): Date {
  const out = new Date(date.getTime());
  switch (period.unit.toLowerCase()) {
    case 'years':
      out.setUTCFullYear(out.getUTCFullYear() + period.count);
      return out;
    case 'months':
      out.setUTCMonth(out.getUTCMonth() + period.count);
      return out;
    case 'weeks':
      return new Date(date.getTime() + period.count * 7 * 24 * _HOUR);
    case 'days':
      return new Date(date.getTime() + period.count * 24 * _HOUR);
    case 'hours':
      return new Date(date.getTime() + period.count * _HOUR);
    case 'minutes':
      return new Date(date.getTime() + period.count * 60_000);
    default:
      return new Date(date.getTime() + period.count * 1000);
  }
}
