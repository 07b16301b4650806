import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatementSync } from 'node:sqlite';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteGroupCommit } from './sqlite-group-commit';

const dirs: string[] = [];
const open: DatabaseSync[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.isOpen) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A WAL database with one table, a group commit over it that counts its COMMITs, and a second connection. */
function setup(options: { yieldOnLock?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-group-commit-'));
  dirs.push(dir);
  const file = join(dir, 'test.db');
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER NOT NULL)');
  if (options.yieldOnLock) db.exec('PRAGMA busy_timeout = 0');
  const other = new DatabaseSync(file);
  open.push(db, other);
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  let commits = 0;
  const group = createSqliteGroupCommit({ db, prepare, yieldOnLock: options.yieldOnLock, onCommit: () => commits++ });
  const insert = (n: number) => prepare('INSERT INTO t (n) VALUES (?)').run(n);
  const seenByOther = () =>
    other
      .prepare('SELECT n FROM t ORDER BY n')
      .all()
      .map((r) => Number(r.n));
  return { db, other, group, insert, seenByOther, commits: () => commits };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sqlite group commit', () => {
  it('commits the transactions queued together with one COMMIT, a failing one rolled back alone', async () => {
    const { group, insert, seenByOther, commits } = setup();
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((n) =>
        group.transaction(async () => {
          insert(n);
          await sleep(1);
          insert(n * 10);
          if (n === 3) throw new Error('unit 3 fails after writing');
          return n;
        }),
      ),
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      2,
      'unit 3 fails after writing',
      4,
      5,
    ]);
    expect(commits()).toBe(1);
    expect(seenByOther()).toEqual([1, 2, 4, 5, 10, 20, 40, 50]);
  });

  it('answers only once committed, and rolls back a lone failing transaction and goes on', async () => {
    const { group, insert, seenByOther } = setup();
    await group.transaction(async () => insert(1));
    expect(seenByOther()).toEqual([1]); // visible to another connection when the promise resolves
    await expect(
      group.transaction(async () => {
        insert(2);
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    await group.transaction(async () => insert(3));
    expect(seenByOther()).toEqual([1, 3]);
  });

  it('runs bookkeeping at the head of the next batch and commits it within about a millisecond of a long batch', async () => {
    const { group, insert, seenByOther, commits } = setup();
    // A first transaction starts a batch; the slow ones queued meanwhile form the next one.
    const first = group.transaction(() => sleep(5));
    await new Promise((resolve) => setImmediate(resolve));
    const slowDone: number[] = [];
    const slow = [1, 2, 3, 4, 5, 6].map((n) =>
      group.transaction(async () => {
        insert(n);
        await sleep(20);
        slowDone.push(n);
      }),
    );
    await first;
    await sleep(5);
    const value = await group.bookkeeping(() => {
      insert(100);
      return 'claimed';
    });
    expect(value).toBe('claimed');
    // Committed after at most a unit or two of the slow batch, not after all six.
    expect(slowDone.length).toBeLessThan(3);
    expect(seenByOther()).toContain(100);
    await Promise.all(slow);
    expect(seenByOther()).toEqual([1, 2, 3, 4, 5, 6, 100]);
    expect(commits()).toBeGreaterThan(2);
  });

  it('waits, in order, while another connection holds the write lock (yieldOnLock)', async () => {
    const { other, group, insert, seenByOther } = setup({ yieldOnLock: true });
    other.exec('BEGIN IMMEDIATE; INSERT INTO t (n) VALUES (0)');
    const done = Promise.all([1, 2].map((n) => group.transaction(async () => insert(n))));
    await sleep(20);
    expect(seenByOther()).toEqual([0]); // only what the lock holder wrote so far
    other.exec('COMMIT');
    await done;
    expect(seenByOther()).toEqual([0, 1, 2]);
  });

  it('fails every waiting unit of a closed database instead of leaving it unsettled', async () => {
    const { db, group } = setup();
    db.close();
    await expect(group.transaction(async () => 1)).rejects.toThrow(/not open/i);
    await expect(group.bookkeeping(() => 2)).rejects.toThrow(/not open/i);
  });
});
