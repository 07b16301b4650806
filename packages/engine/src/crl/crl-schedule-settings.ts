import type { RegistryValueDeclaration, RegistryValueOfType, RegistryValueType } from '@certexit/core';
import { readRegistryValue } from '@certexit/core';
import type { CaFolderContext } from '../ca/open-ca-folder';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';

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

const _HOUR = 3_600_000;

/**
 * Reads the CRL timing from the CA configuration (`CA_REGISTRY_VALUES`: AD CS's names and defaults), with clear
 * errors naming a bad value. Delta CRLs are disabled when `CRLDeltaPeriodUnits` is 0 or absent, which is what
 * `fDeltaCRLsDisabled` reports.
 */
export function readCrlScheduleSettings(ca: Pick<CaFolderContext, 'registry' | 'registryPath'>): CrlScheduleSettings {
  const key = ca.registry.keyAt(ca.registryPath);
  const read = <T extends RegistryValueType>(declaration: RegistryValueDeclaration<T>) => {
    const { value, problem } = readRegistryValue(key, declaration);
    if (problem) {
      const hint =
        declaration === CA_REGISTRY_VALUES.CRLPeriodUnits
          ? ' (base CRLs need a period: setreg CA\\CRLPeriodUnits 1)'
          : '';
      throw new Error(`${ca.registryPath}\\${problem}${hint}`);
    }
    return value as RegistryValueOfType[T];
  };
  const v = CA_REGISTRY_VALUES;
  return {
    base: { unit: read(v.CRLPeriod), count: read(v.CRLPeriodUnits) },
    baseOverlap: { unit: read(v.CRLOverlapPeriod), count: read(v.CRLOverlapUnits) },
    delta: { unit: read(v.CRLDeltaPeriod), count: read(v.CRLDeltaPeriodUnits) },
    deltaOverlap: { unit: read(v.CRLDeltaOverlapPeriod), count: read(v.CRLDeltaOverlapUnits) },
    clockSkewMinutes: read(v.ClockSkewMinutes),
  };
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
