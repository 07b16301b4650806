import { DISP_E_OVERFLOW, DISP_E_TYPEMISMATCH } from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { dateFromOleDate, isOleDateInRange, OLE_DATE_LIMIT, OLE_DATE_MIN, oleDateFromDate } from './ole-date';

describe('OLE Automation dates', () => {
  it('matches the documented anchor values', () => {
    // Day 0 is 1899-12-30; 2.0 is 1900-01-01 (OLE dates skip the Lotus 1900 leap-year bug that way).
    expect(oleDateFromDate(new Date('1899-12-30T00:00:00Z'))).toBe(0);
    expect(oleDateFromDate(new Date('1900-01-01T00:00:00Z'))).toBe(2);
    expect(oleDateFromDate(new Date('2024-03-01T12:00:00Z'))).toBe(45352.5);
    expect(oleDateFromDate(new Date('1899-12-29T06:00:00Z'))).toBe(-1.25);
    expect(dateFromOleDate(45352.5).toISOString()).toBe('2024-03-01T12:00:00.000Z');
    expect(dateFromOleDate(-1.25).toISOString()).toBe('1899-12-29T06:00:00.000Z');
    // -0.5 and 0.5 are the same instant in the OLE encoding.
    expect(dateFromOleDate(-0.5).toISOString()).toBe('1899-12-30T12:00:00.000Z');
    expect(dateFromOleDate(OLE_DATE_MIN).toISOString()).toBe('0100-01-01T00:00:00.000Z');
    expect(dateFromOleDate(2958465).toISOString()).toBe('9999-12-31T00:00:00.000Z');
  });

  it('round-trips every millisecond it is given, 1900-9999', () => {
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    const samples = [
      from,
      to,
      from + 1,
      to - 1,
      Date.UTC(2026, 0, 5, 10, 0, 1, 999),
      Date.UTC(2038, 0, 19, 3, 14, 7, 1),
    ];
    let seed = 0x2545f491;
    for (let i = 0; i < 20_000; i++) {
      // xorshift32: deterministic, so a failure is reproducible.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      const ms = from + Math.floor(((seed >>> 0) / 0x1_0000_0000) * (to - from));
      samples.push(ms, ms - (ms % 86_400_000) + 86_399_999);
    }
    for (const ms of samples) {
      const ole = oleDateFromDate(new Date(ms));
      expect(dateFromOleDate(ole).getTime(), new Date(ms).toISOString()).toBe(ms);
    }
  });

  it('round-trips dates before 1899-12-30 in the OLE negative encoding', () => {
    for (const iso of [
      '0100-01-01T00:00:00.001Z',
      '1601-01-01T00:00:00.000Z',
      '1899-12-29T23:59:59.999Z',
      '1850-06-15T18:30:00.250Z',
    ]) {
      const ms = Date.parse(iso);
      const ole = oleDateFromDate(new Date(ms));
      expect(ole).toBeLessThan(0);
      expect(dateFromOleDate(ole).toISOString()).toBe(iso);
    }
  });

  it('refuses invalid dates and values outside years 100-9999', () => {
    expect(() => oleDateFromDate(new Date(Number.NaN))).toThrow(
      expect.objectContaining({ hresult: DISP_E_TYPEMISMATCH }),
    );
    expect(() => oleDateFromDate(new Date('+010000-01-01T00:00:00Z'))).toThrow(
      expect.objectContaining({ hresult: DISP_E_OVERFLOW }),
    );
    expect(() => oleDateFromDate(new Date('0099-12-31T23:59:59.999Z'))).toThrow(
      expect.objectContaining({ hresult: DISP_E_OVERFLOW }),
    );
    // Below zero the integer part is the day: -657434.5 is 0100-01-01T12:00Z, -657435 is a day too early.
    expect(dateFromOleDate(OLE_DATE_MIN - 0.5).toISOString()).toBe('0100-01-01T12:00:00.000Z');
    expect(isOleDateInRange(OLE_DATE_MIN - 0.5)).toBe(true);
    for (const bad of [OLE_DATE_LIMIT, OLE_DATE_MIN - 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isOleDateInRange(bad)).toBe(false);
      expect(() => dateFromOleDate(bad)).toThrow(expect.objectContaining({ hresult: DISP_E_OVERFLOW }));
    }
  });
});
