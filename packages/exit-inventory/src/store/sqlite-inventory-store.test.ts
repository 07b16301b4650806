import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InventoryEntry } from './inventory-entry';
import { openSqliteInventoryStore } from './sqlite-inventory-store';

const DAY = 86_400_000;
const NOW = new Date('2026-03-01T12:00:00.000Z');

function entry(
  serial: string,
  notAfterDays: number,
  extra: Partial<InventoryEntry> = {},
): Omit<InventoryEntry, 'updatedAt'> {
  return {
    serialNumber: serial,
    ca: 'Contoso CA',
    requestId: 1,
    subject: `CN=${serial}`,
    template: 'WebServer',
    notBefore: new Date(NOW.getTime() - DAY).toISOString(),
    notAfter: new Date(NOW.getTime() + notAfterDays * DAY).toISOString(),
    status: 'issued',
    lastEvent: 'issued',
    ...extra,
  };
}

describe('SQLite inventory store (node:sqlite)', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'certexit-inventory-store-'));
    path = join(dir, 'inventory.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates its own file, readable by its owner only', async () => {
    const store = openSqliteInventoryStore(path);
    await store.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('upserts by serial number, once per EventID', async () => {
    const store = openSqliteInventoryStore(path, { now: () => NOW });
    expect(await store.upsert(entry('0A1B', 30), 'CA/1')).toBe(true);
    // The same notification delivered again (a retry) changes nothing, even with other content.
    expect(await store.upsert(entry('0a1b', 30, { status: 'revoked', lastEvent: 'revoked' }), 'CA/1')).toBe(false);
    expect(await store.get('0A1B')).toMatchObject({ serialNumber: '0a1b', status: 'issued', lastEventId: 'CA/1' });
    // A later event of the same certificate replaces the entry.
    expect(
      await store.upsert(
        entry('0a1b', 30, {
          status: 'revoked',
          lastEvent: 'revoked',
          revokedReason: 1,
          revokedWhen: NOW.toISOString(),
        }),
        'CA/2',
      ),
    ).toBe(true);
    expect(await store.get('0a1b')).toEqual({
      ...entry('0a1b', 30),
      status: 'revoked',
      lastEvent: 'revoked',
      revokedReason: 1,
      revokedWhen: NOW.toISOString(),
      lastEventId: 'CA/2',
      updatedAt: NOW.toISOString(),
    });
    // The same EventID for another serial (a bulk event) is a different change.
    expect(await store.upsert(entry('0c', 30), 'CA/2')).toBe(true);
    // Revocation fields are dropped when the certificate is issued again (unrevoked).
    expect(await store.upsert(entry('0a1b', 30, { lastEvent: 'unrevoked', revokedReason: 6 }), 'CA/3')).toBe(true);
    const back = await store.get('0a1b');
    expect(back).toMatchObject({ status: 'issued', lastEvent: 'unrevoked' });
    expect(back).not.toHaveProperty('revokedReason');
    await store.close();
  });

  it('exports a snapshot, then only what changed after the cursor, in pages', async () => {
    const store = openSqliteInventoryStore(path);
    for (const [i, serial] of ['01', '02', '03'].entries()) await store.upsert(entry(serial, 10 + i), `CA/${i + 1}`);
    const snapshot = await store.exportSince();
    expect(snapshot.certificates.map((c) => c.serialNumber)).toEqual(['01', '02', '03']);
    expect(snapshot.more).toBe(false);

    expect(await store.exportSince(snapshot.cursor)).toEqual({
      certificates: [],
      cursor: snapshot.cursor,
      more: false,
    });
    await store.upsert(entry('01', 10, { status: 'revoked', lastEvent: 'revoked' }), 'CA/4');
    await store.upsert(entry('04', 40), 'CA/5');
    const delta = await store.exportSince(snapshot.cursor);
    expect(delta.certificates.map((c) => [c.serialNumber, c.status])).toEqual([
      ['01', 'revoked'],
      ['04', 'issued'],
    ]);

    const first = await store.exportSince(undefined, { limit: 3 });
    expect(first.certificates.map((c) => c.serialNumber)).toEqual(['02', '03', '01']);
    expect(first.more).toBe(true);
    const second = await store.exportSince(first.cursor, { limit: 3 });
    expect(second).toMatchObject({ more: false, cursor: delta.cursor });
    expect(second.certificates.map((c) => c.serialNumber)).toEqual(['04']);

    await expect(store.exportSince('abc')).rejects.toThrow(/not an inventory cursor/);
    await expect(store.exportSince('999')).rejects.toThrow(/ahead of this inventory/);
    await store.close();
  });

  it('lists certificates still issued that expire within the days, soonest first', async () => {
    const store = openSqliteInventoryStore(path);
    await store.upsert(entry('01', 20));
    await store.upsert(entry('02', 5));
    await store.upsert(entry('03', 45));
    await store.upsert(entry('04', -1)); // already expired
    await store.upsert(entry('05', 3, { status: 'revoked', lastEvent: 'revoked' }));
    expect((await store.expiring(30, NOW)).map((c) => c.serialNumber)).toEqual(['02', '01']);
    expect((await store.expiring(60, NOW)).map((c) => c.serialNumber)).toEqual(['02', '01', '03']);
    await expect(store.expiring(-1, NOW)).rejects.toThrow(/withinDays/);
    await store.close();
  });

  it('is read by a second connection while the writer keeps its own open', async () => {
    const writer = openSqliteInventoryStore(path);
    await writer.upsert(entry('01', 20), 'CA/1');
    const reader = openSqliteInventoryStore(path, { readOnly: true });
    expect((await reader.exportSince()).certificates).toHaveLength(1);
    await writer.upsert(entry('02', 20), 'CA/2');
    expect((await reader.exportSince('1')).certificates.map((c) => c.serialNumber)).toEqual(['02']);
    await reader.close();
    await writer.close();
    expect(() => openSqliteInventoryStore(join(dir, 'missing.sqlite'), { readOnly: true })).toThrow(
      /no inventory database/,
    );
  });

  it('keeps named marks beside the entries; a read-only connection reads them and cannot write', async () => {
    const store = openSqliteInventoryStore(path);
    expect(await store.readMark('expiryReport.lastSentAt')).toBeUndefined();
    await store.writeMark('expiryReport.lastSentAt', NOW.toISOString());
    await store.writeMark('expiryReport.lastSentAt', '2026-03-02T00:00:00.000Z');
    const reader = openSqliteInventoryStore(path, { readOnly: true });
    expect(await reader.readMark('expiryReport.lastSentAt')).toBe('2026-03-02T00:00:00.000Z');
    await expect(reader.writeMark('x', 'y')).rejects.toThrow(/read-only/);
    await reader.close();
    await store.close();
  });

  it('refuses what is not a serial number or a date, and stores nothing', async () => {
    const store = openSqliteInventoryStore(path);
    await expect(store.upsert(entry('xyz', 1), 'CA/1')).rejects.toThrow(/not a hex serial number/);
    await expect(store.upsert({ ...entry('01', 1), notAfter: 'soon' }, 'CA/1')).rejects.toThrow(/not a date/);
    // The failed attempt did not claim its EventID: the retry applies.
    expect(await store.upsert(entry('01', 1), 'CA/1')).toBe(true);
    await store.close();
  });
});
