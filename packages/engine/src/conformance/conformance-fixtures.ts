import type { CaStore, CertificateRow, RequestRow } from '../store/ca-store';

/** What a check gets: a fresh, empty store, and (for the checks of several nodes) a second one on the same data. */
export interface CaStoreCheckContext {
  readonly store: CaStore;
  /** Another store on the same data: another process, or another engine node; closed after the check. */
  second(): Promise<CaStore>;
  /** Another fresh, empty store (a copy's target); closed after the check. */
  fresh(): Promise<CaStore>;
}

/** A request row for the checks, `n` making it distinct. */
export function requestRow(
  n: number,
  changes: Partial<Omit<RequestRow, 'RequestID'>> = {},
): Omit<RequestRow, 'RequestID'> {
  return {
    RequestType: 0x100,
    RequestFlags: 0,
    StatusCode: 0,
    Disposition: 20,
    SubmittedWhen: new Date(1_700_000_000_000 + n),
    RequesterName: `CERTEXIT\\user${n}`,
    requestName: { CommonName: `user${n}` },
    system: {},
    ...changes,
  };
}

/** A certificate row for request `requestId`; `serial` lowercase hex. */
export function certificateRow(
  requestId: number,
  serial: string,
  changes: Partial<CertificateRow> = {},
): CertificateRow {
  return {
    RequestID: requestId,
    RawCertificate: Uint8Array.from([0x30, 0x03, 0x02, 0x01, requestId & 0xff]),
    SerialNumber: serial,
    CertificateHash: `hash-${serial}`,
    NotBefore: new Date(1_700_000_000_000),
    NotAfter: new Date(1_900_000_000_000),
    values: {},
    certificateName: { CommonName: `user${requestId}` },
    ...changes,
  };
}

/** Inserts an issued request with its certificate and `EXITEVENT_CERTISSUED`; answers its RequestID. */
export async function issued(store: CaStore, n: number, serial = `${(0x1000 + n).toString(16)}ab`): Promise<number> {
  return store.transaction(async (tx) => {
    const id = await tx.insertRequest(requestRow(n));
    await tx.insertCertificate(certificateRow(id, serial));
    await tx.recordExitEvent(0x1, id);
    return id;
  });
}

/** Fails with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Fails unless the two values are deeply equal (JSON-wise, bytes as hex, dates as ISO text). */
export function same(actual: unknown, expected: unknown, what: string): void {
  const a = _canonical(actual);
  const e = _canonical(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

function _canonical(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return `bytes:${Buffer.from(raw).toString('hex')}`;
    if (raw instanceof Date) return `date:${raw.toISOString()}`;
    if (raw && typeof raw === 'object' && !Array.isArray(raw))
      return Object.fromEntries(Object.entries(raw as object).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    return raw;
  });
}
