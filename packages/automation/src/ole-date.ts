import { DISP_E_OVERFLOW, DISP_E_TYPEMISMATCH } from '@certexit/core';
import { DispatchError } from './dispatch-error';

const _MS_PER_DAY = 86_400_000;
/** 1899-12-30T00:00:00Z, day 0 of the OLE Automation calendar. */
const _OLE_EPOCH_MS = Date.UTC(1899, 11, 30);

/** The smallest `VT_DATE`: 0100-01-01T00:00:00Z. */
export const OLE_DATE_MIN = -657_434;
/** The first value past the largest `VT_DATE` (10000-01-01T00:00:00Z); valid dates are below it. */
export const OLE_DATE_LIMIT = 2_958_466;

/**
 * True when `ole` is a `VT_DATE` value of years 100–9999. Below zero the integer part is the day, so
 * -657434.5 (0100-01-01T12:00Z) is in range although it is smaller than {@link OLE_DATE_MIN}.
 */
export function isOleDateInRange(ole: number): boolean {
  return Number.isFinite(ole) && Math.trunc(ole) >= OLE_DATE_MIN && ole < OLE_DATE_LIMIT;
}

/**
 * A `Date` as an OLE Automation date (`VT_DATE`): days since 1899-12-30, the fraction being the time of day, in UTC
 * (certexit keeps every date in UTC). Before 1899-12-30 the OLE format counts days down but the time of day up, so
 * 1899-12-29T06:00Z is `-1.25`, not `-0.75`; that encoding is followed. Exact to the millisecond through
 * {@link dateFromOleDate} for every year 100–9999.
 * @throws {DispatchError} `DISP_E_TYPEMISMATCH` for an invalid `Date`, `DISP_E_OVERFLOW` outside years 100–9999.
 * @example oleDateFromDate(new Date('2024-03-01T12:00:00Z')) // 45352.5
 */
export function oleDateFromDate(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new DispatchError({ hresult: DISP_E_TYPEMISMATCH, message: 'invalid Date' });
  const offset = ms - _OLE_EPOCH_MS;
  const days = Math.floor(offset / _MS_PER_DAY);
  if (days < OLE_DATE_MIN || days >= OLE_DATE_LIMIT) {
    throw new DispatchError({ hresult: DISP_E_OVERFLOW, message: `${date.toISOString()} is outside VT_DATE's range` });
  }
  if (days >= 0) return offset / _MS_PER_DAY;
  const fraction = (offset - days * _MS_PER_DAY) / _MS_PER_DAY;
  return days - fraction;
}

/**
 * The `Date` (UTC) of an OLE Automation date, rounded to the millisecond (see {@link oleDateFromDate}).
 * @throws {DispatchError} `DISP_E_OVERFLOW` for a value outside years 100–9999 or not finite.
 * @example dateFromOleDate(45352.5).toISOString() // '2024-03-01T12:00:00.000Z'
 */
export function dateFromOleDate(ole: number): Date {
  if (!isOleDateInRange(ole)) {
    throw new DispatchError({ hresult: DISP_E_OVERFLOW, message: `${ole} is outside VT_DATE's range` });
  }
  if (ole >= 0) return new Date(_OLE_EPOCH_MS + Math.round(ole * _MS_PER_DAY));
  // Negative: the integer part counts days back, the fraction is still time after midnight of that day.
  const days = Math.trunc(ole);
  const time = Math.round((days - ole) * _MS_PER_DAY);
  return new Date(_OLE_EPOCH_MS + days * _MS_PER_DAY + time);
}
