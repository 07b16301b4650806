import {
  CertexitError,
  DB_DISP_ACTIVE,
  DB_DISP_CA_CERT,
  DB_DISP_CA_CERT_CHAIN,
  DB_DISP_DENIED,
  DB_DISP_ERROR,
  DB_DISP_FOREIGN,
  DB_DISP_ISSUED,
  DB_DISP_KRA_CERT,
  DB_DISP_PENDING,
  DB_DISP_REVOKED,
  E_INVALIDARG,
} from '@certexit/core';
import type { ViewOperator } from '../store/view-rows-query';

/** The names `view --restrict` takes for a disposition, as certutil shows them (`Disposition=Issued`). */
export const DISPOSITION_NAMES: Readonly<Record<string, number>> = {
  active: DB_DISP_ACTIVE,
  pending: DB_DISP_PENDING,
  foreign: DB_DISP_FOREIGN,
  cacert: DB_DISP_CA_CERT,
  cacertchain: DB_DISP_CA_CERT_CHAIN,
  kracert: DB_DISP_KRA_CERT,
  issued: DB_DISP_ISSUED,
  revoked: DB_DISP_REVOKED,
  error: DB_DISP_ERROR,
  failed: DB_DISP_ERROR,
  denied: DB_DISP_DENIED,
};

/** The name of a disposition (`Issued`, `Pending`, …), or `undefined`. */
export function dispositionName(disposition: number): string | undefined {
  switch (disposition) {
    case DB_DISP_ACTIVE:
      return 'Active';
    case DB_DISP_PENDING:
      return 'Pending';
    case DB_DISP_FOREIGN:
      return 'Foreign';
    case DB_DISP_CA_CERT:
      return 'CACert';
    case DB_DISP_CA_CERT_CHAIN:
      return 'CACertChain';
    case DB_DISP_KRA_CERT:
      return 'KRACert';
    case DB_DISP_ISSUED:
      return 'Issued';
    case DB_DISP_REVOKED:
      return 'Revoked';
    case DB_DISP_ERROR:
      return 'Error';
    case DB_DISP_DENIED:
      return 'Denied';
    default:
      return undefined;
  }
}

/** One parsed restriction: `[+|-]Column op Value`; the sign marks the sort column (+ ascending, - descending). */
export interface ParsedRestriction {
  readonly column: string;
  readonly op?: ViewOperator;
  readonly raw?: string;
  readonly sort?: 'ascending' | 'descending';
}

/**
 * Splits certutil's `-restrict` list: comma-separated `Column<op>Value` terms, ops `=`, `!=`, `<`, `<=`, `>`, `>=`;
 * one column may carry `+` or `-` to sort by it (alone, `+NotAfter`, or with a condition, `-NotAfter>=now`).
 */
export function parseRestrictions(text: string | undefined): ParsedRestriction[] {
  if (!text?.trim()) return [];
  const parsed = text.split(',').map((part): ParsedRestriction => {
    const match = /^\s*([+-])?\s*([A-Za-z0-9_.]+)\s*(?:(<=|>=|!=|=|<|>)\s*(.*?))?\s*$/.exec(part);
    if (!match || (match[3] === undefined && match[1] === undefined))
      throw new CertexitError({
        hresult: E_INVALIDARG,
        message: `view: restriction ${JSON.stringify(part)} is not Column<op>Value (or +Column / -Column to sort)`,
      });
    return {
      column: match[2]!,
      ...(match[3] !== undefined && { op: match[3] as ViewOperator, raw: match[4]! }),
      ...(match[1] !== undefined && { sort: match[1] === '-' ? ('descending' as const) : ('ascending' as const) }),
    };
  });
  if (parsed.filter((r) => r.sort).length > 1)
    throw new CertexitError({ hresult: E_INVALIDARG, message: 'view: only one column may carry + or - (the sort)' });
  return parsed;
}

/** A restriction's value for a number column: decimal, `0x` hex, or a disposition name for `Disposition`. */
export function restrictionNumber(column: string, raw: string): number {
  const name = column.replace(/^request\./i, '').toLowerCase();
  if (name === 'disposition' && DISPOSITION_NAMES[raw.toLowerCase()] !== undefined)
    return DISPOSITION_NAMES[raw.toLowerCase()]!;
  if (!/^-?\d+$|^0x[0-9a-f]+$/i.test(raw))
    throw new CertexitError({
      hresult: E_INVALIDARG,
      message:
        name === 'disposition'
          ? `view: Disposition takes a number or a name (${Object.keys(DISPOSITION_NAMES).join(', ')}), not ${JSON.stringify(raw)}`
          : `view: ${column} takes a number, not ${JSON.stringify(raw)}`,
    });
  return Number(raw) | 0;
}

/** A restriction's value for a date column: a date certutil or ISO would write, `now`, or `now±days[:hours]`. */
export function restrictionDate(column: string, raw: string, now: Date = new Date()): Date {
  const relative = /^now\s*(?:([+-])\s*(\d+)(?::(\d+))?)?$/i.exec(raw.trim());
  if (relative) {
    const sign = relative[1] === '-' ? -1 : 1;
    const hours = Number(relative[2] ?? 0) * 24 + Number(relative[3] ?? 0);
    return new Date(now.getTime() + sign * hours * 3_600_000);
  }
  const date = new Date(raw);
  if (Number.isNaN(date.getTime()))
    throw new CertexitError({
      hresult: E_INVALIDARG,
      message: `view: ${column} takes a date (2026-12-31, 2026-12-31T10:00:00Z, now, now-30:00), not ${JSON.stringify(raw)}`,
    });
  return date;
}
