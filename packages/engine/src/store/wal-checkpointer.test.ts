import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import { createWalCheckpointer } from './wal-checkpointer';

const work = mkdtempSync(join(tmpdir(), 'certexit-wal-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A writer like the store's: WAL, one 8 KiB row per commit (a few pages, far below SQLite's own checkpoint). */
function writer(name: string) {
  const file = join(work, name);
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)');
  const checkpointer = createWalCheckpointer(db, file);
  const insert = db.prepare('INSERT INTO t (b) VALUES (?)');
  const commit = () => {
    db.exec('BEGIN');
    insert.run(new Uint8Array(8192).fill(1));
    db.exec('COMMIT');
    checkpointer.committed();
  };
  return { file, db, checkpointer, commit };
}

describe('the WAL checkpointer thread', () => {
  it('moves committed pages into the database file while the writer keeps going', async () => {
    const w = writer('busy.db');
    const before = statSync(w.file).size;
    for (let i = 0; i < 160; i++) {
      w.commit();
      if (i % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    // 160 commits of 8 KiB: about 1.3 MB, all of it still in the log unless something checkpointed it.
    await eventually(() => expect(statSync(w.file).size).toBeGreaterThan(before + 500_000), 10_000);
    const other = new DatabaseSync(w.file);
    expect(other.prepare('SELECT count(*) AS n FROM t').get()?.n).toBe(160);
    other.close();
    await w.checkpointer.close();
    w.db.close();
    expect(existsSync(`${w.file}-wal`)).toBe(false); // the last connection closed cleanly
  });

  it('starts no thread for a handful of commits (a one-shot command keeps SQLite checkpointing itself)', async () => {
    const w = writer('one-shot.db');
    const before = statSync(w.file).size;
    for (let i = 0; i < 20; i++) w.commit();
    await new Promise((r) => setTimeout(r, 300));
    expect(statSync(w.file).size).toBe(before);
    expect(statSync(`${w.file}-wal`).size).toBeGreaterThan(20 * 8192);
    await w.checkpointer.close();
    w.db.close();
  });

  it('hands its checkpoints to another connection when asked, starting no thread, and takes them back', async () => {
    const w = writer('delegated.db');
    const other = new DatabaseSync(w.file);
    const requests: number[] = [];
    const takeBack = w.checkpointer.delegate(() => {
      requests.push(Date.now());
      other.prepare('PRAGMA wal_checkpoint(PASSIVE)').get();
    });
    const autocheckpoint = () => w.db.prepare('PRAGMA wal_autocheckpoint').get()?.wal_autocheckpoint;
    expect(autocheckpoint()).toBe(10_000); // the writer's backstop
    const before = statSync(w.file).size;
    for (let i = 0; i < 160; i++) w.commit();
    // One request every 16 commits, made at once by the other connection: the pages are in the database file.
    expect(requests).toHaveLength(10);
    expect(statSync(w.file).size).toBeGreaterThan(before + 1_000_000);
    // No thread of its own: with the checkpoints taken back, the writer checkpoints itself, SQLite's default way.
    takeBack();
    expect(autocheckpoint()).toBe(1_000);
    for (let i = 0; i < 32; i++) w.commit();
    expect(requests).toHaveLength(10);
    other.close();
    await w.checkpointer.close();
    w.db.close();
  });
});
