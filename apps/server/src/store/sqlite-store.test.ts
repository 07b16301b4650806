import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newStore() {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-store-'));
  dirs.push(dir);
  const file = join(dir, 'ca.db');
  return { file, store: openSqliteStore(file) };
}

const row = (n: number) => ({
  RequestType: 0x100,
  RequestFlags: 0,
  StatusCode: 0,
  Disposition: 9,
  SubmittedWhen: new Date(1_700_000_000_000 + n),
  RequesterName: `R\\${n}`,
  requestName: {},
  system: {},
});

describe('sqlite store: group commit', () => {
  it('commits concurrent transactions together, each atomic, a failing one rolled back alone', async () => {
    const { file, store } = newStore();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction(async (tx) => {
          const id = await tx.insertRequest(row(i));
          await tx.recordExitEvent(2, id);
          if (i === 7) throw new Error('unit 7 fails after writing');
          return id;
        }),
      ),
    );
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.message),
    ).toEqual(['unit 7 fails after writing']);
    // A second connection sees exactly the 19 committed units: rows and events, nothing of unit 7.
    const other = new DatabaseSync(file);
    expect(other.prepare('SELECT COUNT(*) AS n FROM requests').get()?.n).toBe(19);
    expect(other.prepare('SELECT COUNT(*) AS n FROM exit_events').get()?.n).toBe(19);
    expect(other.prepare("SELECT COUNT(*) AS n FROM requests WHERE requester_name = 'R\\7'").get()?.n).toBe(0);
    other.close();
    await store.close();
  });

  it('answers a transaction only once its writes are committed and visible to another connection', async () => {
    const { file, store } = newStore();
    const other = new DatabaseSync(file);
    const id = await store.transaction((tx) => tx.insertRequest(row(1)));
    expect(other.prepare('SELECT request_id FROM requests WHERE request_id = ?').get(id)?.request_id).toBe(id);
    other.close();
    await store.close();
  });

  it('rolls back a lone failing transaction and keeps working', async () => {
    const { store } = newStore();
    await expect(
      store.transaction(async (tx) => {
        await tx.insertRequest(row(1));
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    expect(await store.listRequests()).toEqual([]);
    await store.transaction((tx) => tx.insertRequest(row(2)));
    expect(await store.listRequests()).toHaveLength(1);
    await store.close();
  });
});
