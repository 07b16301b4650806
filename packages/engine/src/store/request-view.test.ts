import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STORES } from '../../test/support/test-stores';
import type { CaStore } from './ca-store';
import { openCaStore } from './open-ca-store';
import type { RequestViewColumn, RequestViewQuery, RequestViewRow } from './request-view-query';
import { REQUEST_VIEW_FOLDERS, REQUEST_VIEW_SORTS } from './request-view-query';
import type { RequestViewPlan } from './sqlite-request-view';
import { buildRequestViewSql, chooseRequestViewPlan, NARROW_FILTER_ROWS } from './sqlite-request-view';
import { openSqliteStore } from './sqlite-store';

const DISPOSITIONS = [20, 20, 20, 21, 9, 30, 31, 20];
const NAMES = ['Alice', 'bob', 'Carol', 'dave', 'alice', 'Eve'];
let dir: string;
let file: string;
let store: CaStore;

/** 240 requests over every folder, names in mixed case, some without a template or common name. */
async function fill(store: CaStore): Promise<void> {
  for (let n = 0; n < 240; n++) {
    const disposition = DISPOSITIONS[n % DISPOSITIONS.length]!;
    await store.transaction(async (tx) => {
      const id = await tx.insertRequest({
        RequestType: 0x100,
        RequestFlags: 0,
        StatusCode: 0,
        Disposition: disposition,
        SubmittedWhen: new Date(1_700_000_000_000 + n * 1000),
        ...(disposition !== 9 && { ResolvedWhen: new Date(1_700_000_000_000 + ((n * 7919) % 240) * 1000) }),
        ...(disposition === 21 && { RevokedWhen: new Date(1_800_000_000_000 - n * 1000), RevokedReason: 1 }),
        RequesterName: `CONTOSO\\${NAMES[n % NAMES.length]}`,
        ...(n % 5 !== 0 && { CertificateTemplate: n % 2 ? 'User' : 'Machine' }),
        requestName: n % 9 === 0 ? {} : { CommonName: `${NAMES[(n * 5) % NAMES.length]} ${n % 13}` },
        system: {},
      });
      if (disposition === 20 || disposition === 21) {
        await tx.insertCertificate({
          RequestID: id,
          RawCertificate: new Uint8Array([id]),
          SerialNumber: ((n * 104729) % 100000).toString(16).padStart(8, '0'),
          CertificateHash: String(id),
          NotBefore: new Date(1_700_000_000_000),
          NotAfter: new Date(1_750_000_000_000 + ((n * 31) % 50) * 1000),
          values: {},
          certificateName: {},
        });
      }
    });
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certexit-view-'));
  file = join(dir, 'ca.db');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The sort key of a row as the store compares it (lowercased text, missing values first). */
function keyOf(row: RequestViewRow, column: RequestViewColumn): string | number {
  const value = row[column];
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return (value ?? '').toLowerCase();
}

function compare(column: RequestViewColumn, descending: boolean) {
  return (a: RequestViewRow, b: RequestViewRow) => {
    const [x, y] = [keyOf(a, column), keyOf(b, column)];
    const order = x < y ? -1 : x > y ? 1 : a.RequestID - b.RequestID;
    return descending ? -order : order;
  };
}

async function walk(query: Omit<RequestViewQuery, 'limit'>, limit: number) {
  const forward: number[] = [];
  const pages = [];
  let page = await store.viewRequestPage({ ...query, limit });
  for (;;) {
    pages.push(page);
    forward.push(...page.rows.map((r) => r.RequestID));
    if (!page.next) break;
    page = await store.viewRequestPage({ ...query, limit, after: page.next });
  }
  // And back from the last page to the first with the previous cursors.
  const backward: number[] = [...page.rows.map((r) => r.RequestID)];
  while (page.previous) {
    page = await store.viewRequestPage({ ...query, limit, before: page.previous });
    backward.unshift(...page.rows.map((r) => r.RequestID));
  }
  return { forward, backward, pages };
}

describe.each(TEST_STORES)('the $name store: the console folder lists', (testStore) => {
  beforeAll(async () => {
    const folder = mkdtempSync(join(dir, 'ca-'));
    store = await openCaStore(testStore.settings() ?? { kind: 'sqlite' }, {
      database: join(folder, 'certexit.db'),
      highWaterMarkFile: join(folder, 'certexit.hwm'),
      caFolder: folder,
    });
    await fill(store);
  }, 60_000);
  afterAll(() => store.close());

  it('pages every folder by every sort it offers, forwards and back, in the order of the sort key', async () => {
    for (const folder of REQUEST_VIEW_FOLDERS) {
      const everything = (await store.viewRequestPage({ folder, limit: 500 })).rows;
      expect(everything.length, folder).toBeGreaterThan(10);
      for (const sort of REQUEST_VIEW_SORTS[folder]) {
        for (const descending of [false, true]) {
          const expected = [...everything].sort(compare(sort, descending)).map((r) => r.RequestID);
          const { forward, backward } = await walk({ folder, sort, descending }, 7);
          expect(forward, `${folder} by ${sort}${descending ? ' desc' : ''}`).toEqual(expected);
          expect(backward, `${folder} by ${sort} back`).toEqual(expected);
        }
      }
    }
  });

  it('puts denied and failed rows in Failed Requests, each with its own disposition', async () => {
    const rows = (await store.viewRequestPage({ folder: 'failed', limit: 500 })).rows;
    expect(new Set(rows.map((r) => r.Disposition))).toEqual(new Set([30, 31]));
    const issued = (await store.viewRequestPage({ folder: 'issued', limit: 500 })).rows;
    expect(issued.every((r) => r.Disposition === 20 && r.SerialNumber && r.NotAfter)).toBe(true);
  });

  it('filters by prefix, equality and range, case-insensitively, and keeps a requester to its own rows', async () => {
    const byName = await walk(
      {
        folder: 'issued',
        sort: 'RequestID',
        filters: [{ column: 'RequesterName', op: 'prefix', value: 'contoso\\AL' }],
      },
      5,
    );
    const all = (await store.viewRequestPage({ folder: 'issued', limit: 500 })).rows;
    expect(byName.forward).toEqual(
      all.filter((r) => r.RequesterName?.toLowerCase().startsWith('contoso\\al')).map((r) => r.RequestID),
    );
    expect(byName.forward.length).toBeGreaterThan(5);
    const cut = new Date(1_750_000_000_000 + 20_000);
    const expiring = await store.viewRequestPage({
      folder: 'issued',
      sort: 'NotAfter',
      limit: 500,
      filters: [{ column: 'NotAfter', op: 'lt', value: cut }],
    });
    expect(expiring.rows.map((r) => r.RequestID).sort((a, b) => a - b)).toEqual(
      all.filter((r) => r.NotAfter! < cut).map((r) => r.RequestID),
    );
    const own = await walk({ folder: 'pending', sort: 'CommonName', requesterName: 'contoso\\ALICE' }, 3);
    const pending = (await store.viewRequestPage({ folder: 'pending', limit: 500 })).rows;
    expect(new Set(own.forward)).toEqual(
      new Set(pending.filter((r) => r.RequesterName?.toLowerCase() === 'contoso\\alice').map((r) => r.RequestID)),
    );
    const templates = await store.viewRequestPage({
      folder: 'revoked',
      limit: 500,
      filters: [{ column: 'CertificateTemplate', op: 'eq', value: 'USER' }],
    });
    expect(templates.rows.length).toBeGreaterThan(0);
    expect(templates.rows.every((r) => r.CertificateTemplate === 'User')).toBe(true);
  });

  it('refuses a sort or filter the folder has no index for, naming it', async () => {
    await expect(store.viewRequestPage({ folder: 'pending', sort: 'NotAfter', limit: 10 })).rejects.toThrow(
      /pending folder does not sort by "NotAfter"/,
    );
    await expect(
      store.viewRequestPage({
        folder: 'issued',
        limit: 10,
        filters: [{ column: 'RequestID', op: 'prefix', value: 1 }],
      }),
    ).rejects.toThrow(/RequestID cannot be filtered with "prefix"/);
    await expect(store.viewRequestPage({ folder: 'issued', limit: 0 })).rejects.toThrow(/1 to 500 rows/);
  });
});

describe('sqlite store: the console folder lists read indexes', () => {
  beforeAll(async () => {
    store = openSqliteStore(file, { backgroundCheckpoints: false });
    await fill(store);
  });
  afterAll(() => store.close());

  // The proof that a page stays cheap at a million rows: SQLite walks an index in the page's order and stops after
  // limit + 1 entries (plans `sort` and `exact`), or reads the few rows a selective filter's index gives and sorts
  // them (`narrow`, chosen only below NARROW_FILTER_ROWS matches). A sort of a whole folder (a temporary B-tree
  // under a walk) or a table scan would read every row of the folder for each page.
  it('reads every page of every folder, sort and filter from an index: no table scan, no sort of the folder', () => {
    const db = new DatabaseSync(file, { readOnly: true });
    const prepare = (sql: string) => db.prepare(sql);
    let checked = 0;
    const check = (query: RequestViewQuery, label: string, forced?: RequestViewPlan) => {
      const plan = forced ?? chooseRequestViewPlan(prepare, query);
      const { sql, params } = buildRequestViewSql(query, plan);
      const steps = db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => String(r.detail));
      const text = `${label} [${plan.kind}${'column' in plan ? ` ${plan.column}` : ''}]: ${steps.join(' | ')}`;
      for (const step of steps) {
        if (/^SCAN /.test(step)) expect(step, text).toMatch(/USING (COVERING )?INDEX/);
      }
      if (plan.kind === 'narrow') expect(steps.join('\n'), text).toMatch(/SEARCH (r|c) USING INDEX/);
      else expect(steps.join('\n'), text).not.toMatch(/TEMP B-TREE/);
      checked++;
      return plan;
    };
    const sample = (column: string, sort: string) =>
      column === 'RequestID'
        ? 1
        : /Name|Template|Serial/.test(column)
          ? sort === column
            ? 'a'
            : 'alice'
          : new Date(1_750_000_000_000);
    for (const folder of REQUEST_VIEW_FOLDERS) {
      for (const sort of REQUEST_VIEW_SORTS[folder]) {
        for (const descending of [false, true]) {
          const cursor = { key: /Name|Template|Serial/.test(sort) ? 'm' : 1_750_000_000_000, id: 100 };
          const label = `${folder} by ${sort}${descending ? ' desc' : ''}`;
          expect(check({ folder, sort, descending, limit: 50 }, label).kind).toBe('sort');
          check({ folder, sort, descending, limit: 50, after: cursor }, `${label}, next page`);
          check({ folder, sort, descending, limit: 50, before: cursor }, `${label}, previous page`);
          // Every filter column of the folder, with this sort, by the chosen plan and by both plans forced.
          for (const column of REQUEST_VIEW_SORTS[folder]) {
            const value = sample(column, sort);
            const op = typeof value === 'string' ? 'prefix' : 'ge';
            const query = { folder, sort, descending, limit: 50, filters: [{ column, op, value }] } as RequestViewQuery;
            check(query, `${label}, ${column} ${op}`);
            check(query, `${label}, ${column} ${op}, walking`, { kind: 'sort' });
            if (column !== sort) check(query, `${label}, ${column} ${op}, narrowed`, { kind: 'narrow', column });
          }
        }
      }
      // A requester's own rows by RequestID: the requester index, in order; by another column: narrowed and sorted.
      expect(check({ folder, limit: 50, requesterName: 'CONTOSO\\alice' }, `${folder}, one requester`).kind).toBe(
        'exact',
      );
      expect(
        check({ folder, sort: 'CommonName', limit: 50, requesterName: 'CONTOSO\\alice' }, `${folder}, requester by CN`)
          .kind,
      ).toBe('narrow');
      // Any equality filter on a request column with the default sort: that column's index, in RequestID order.
      for (const column of ['RequesterName', 'CommonName', 'CertificateTemplate'] as const)
        expect(
          check({ folder, limit: 50, filters: [{ column, op: 'eq', value: 'x' }] }, `${folder}, ${column} = x`).kind,
        ).toBe('exact');
    }
    expect(checked).toBeGreaterThan(500);
    db.close();
  });

  it('narrows by a selective filter and walks the sort for a broad one', () => {
    const db = new DatabaseSync(file, { readOnly: true });
    const prepare = (sql: string) => db.prepare(sql);
    // 240 rows in all: every filter here matches fewer than NARROW_FILTER_ROWS rows, so it narrows.
    expect(NARROW_FILTER_ROWS).toBeGreaterThan(240);
    expect(
      chooseRequestViewPlan(prepare, {
        folder: 'issued',
        limit: 50,
        filters: [{ column: 'CommonName', op: 'prefix', value: 'alice' }],
      }),
    ).toEqual({ kind: 'narrow', column: 'CommonName' });
    expect(
      chooseRequestViewPlan(prepare, {
        folder: 'issued',
        sort: 'CommonName',
        limit: 50,
        filters: [{ column: 'CommonName', op: 'prefix', value: 'alice' }],
      }),
    ).toEqual({ kind: 'sort' });
    db.close();
  });
});
