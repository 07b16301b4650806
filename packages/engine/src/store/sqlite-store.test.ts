import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from './sqlite-migrations';
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

describe('sqlite store: exit outbox bookkeeping', () => {
  const claim = (limit: number) => ({
    now: new Date(),
    limit,
    owner: 'host:1:test',
    leaseUntil: new Date(Date.now() + 60_000),
  });

  it('commits a claim ahead of a long batch of transactions, and answers it only once committed', async () => {
    const { file, store } = newStore();
    store.setExitSubscribers(() => ['A.Exit']);
    await store.transaction(async (tx) => tx.recordExitEvent(1, await tx.insertRequest(row(0))));
    // Six units that each hold the transaction for 30 ms, queued behind a first one so that they run as one batch:
    // the drain starts in the check phase, so the first one's batch begins before the six are queued.
    const first = store.transaction(() => new Promise((r) => setTimeout(r, 5)));
    await new Promise((r) => setImmediate(r));
    const slowDone: number[] = [];
    const slow = Array.from({ length: 6 }, (_, i) =>
      store.transaction(async (tx) => {
        await tx.insertRequest(row(i + 1));
        await new Promise((r) => setTimeout(r, 30));
        slowDone.push(i);
      }),
    );
    await first;
    await new Promise((r) => setTimeout(r, 10));
    const claimed = await store.outbox.claim('A.Exit', claim(10));
    expect(claimed.map((r) => r.context)).toEqual([1]);
    // Answered after at most a unit or two of the batch, not after all six.
    expect(slowDone.length).toBeLessThan(3);
    const other = new DatabaseSync(file);
    expect(other.prepare('SELECT status FROM exit_outbox WHERE outbox_id = ?').get(claimed[0]?.id ?? -1)?.status).toBe(
      'delivering',
    );
    await Promise.all(slow);
    expect(other.prepare('SELECT COUNT(*) AS n FROM requests').get()?.n).toBe(7);
    other.close();
    await store.close();
  });

  it('completes claimed rows together and gives unattempted ones back with their attempt undone', async () => {
    const { store } = newStore();
    store.setExitSubscribers(() => ['A.Exit']);
    for (let i = 0; i < 4; i++) {
      await store.transaction(async (tx) => tx.recordExitEvent(1, await tx.insertRequest(row(i))));
    }
    const rows = await store.outbox.claim('A.Exit', claim(10));
    expect(rows.map((r) => r.attempts)).toEqual([1, 1, 1, 1]);
    const [a, b, c, d] = rows.map((r) => r.id) as [number, number, number, number];
    await store.outbox.completeAll(
      [
        { id: a, hresult: 0 },
        { id: b, hresult: 0 },
      ],
      'host:1:test',
      new Date(),
    );
    // Another owner's give-back changes nothing; the owner's own puts the rows back as never attempted.
    expect(await store.outbox.unclaim([c, d], 'host:2:other', new Date())).toBe(0);
    expect(await store.outbox.unclaim([c, d], 'host:1:test', new Date())).toBe(2);
    const byId = new Map((await store.outbox.list({ limit: 10 })).map((r) => [r.id, r]));
    expect([...byId.keys()]).toEqual([c, d]);
    expect([byId.get(c)?.status, byId.get(c)?.attempts]).toEqual(['pending', 0]);
    expect((await store.outbox.get(a))?.status).toBe('done');
    expect((await store.outbox.get(b))?.status).toBe('done');
    await store.close();
  });

  it('prunes delivered rows past retention, and keeps open and recent ones', async () => {
    const { file, store } = newStore();
    store.setExitSubscribers(() => ['A.Exit']);
    for (let i = 0; i < 3; i++) {
      await store.transaction(async (tx) => tx.recordExitEvent(1, await tx.insertRequest(row(i))));
    }
    const [old, recent] = (await store.outbox.claim('A.Exit', claim(2))).map((r) => r.id) as [number, number];
    const longAgo = new Date(Date.now() - 30 * 86_400_000);
    await store.outbox.completeAll([{ id: old, hresult: 0 }], 'host:1:test', longAgo);
    await store.outbox.completeAll([{ id: recent, hresult: 0 }], 'host:1:test', new Date());
    expect(await store.outbox.prune(new Date(Date.now() - 7 * 86_400_000))).toBe(1);
    const other = new DatabaseSync(file);
    const left = other.prepare('SELECT outbox_id, status FROM exit_outbox ORDER BY outbox_id').all();
    expect(left.map((r) => [Number(r.outbox_id), r.status])).toEqual([
      [recent, 'done'],
      [recent + 1, 'pending'],
    ]);
    other.close();
    await store.close();
  });
});

describe('sqlite store: committed rows shared by readers', () => {
  it('serves one committed row to every reader, frozen, and the new one after its own update', async () => {
    const { store } = newStore();
    const id = await store.transaction((tx) => tx.insertRequest(row(1)));
    const first = await store.getRequest(id);
    expect(await store.getRequest(id)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.requestName)).toBe(true);
    await store.transaction((tx) => tx.updateRequest(id, { Disposition: 20, DispositionMessage: 'Issued' }));
    expect(await store.getRequest(id)).toMatchObject({ Disposition: 20, DispositionMessage: 'Issued' });
    await store.close();
  });

  it('never keeps what a transaction wrote and then rolled back', async () => {
    const { store } = newStore();
    const id = await store.transaction((tx) => tx.insertRequest(row(2)));
    await expect(
      store.transaction(async (tx) => {
        await tx.updateRequest(id, { Disposition: 31 });
        // Read inside the transaction: sees the uncommitted write, which must not outlive the rollback.
        expect((await store.getRequest(id))?.Disposition).toBe(31);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await store.getRequest(id))?.Disposition).toBe(9);
    await store.close();
  });

  it('sees a change another connection committed (a CLI revoke while the server runs)', async () => {
    const { file, store } = newStore();
    const id = await store.transaction((tx) => tx.insertRequest(row(3)));
    expect((await store.getRequest(id))?.Disposition).toBe(9);
    const other = new DatabaseSync(file);
    other.prepare('UPDATE requests SET disposition = 21 WHERE request_id = ?').run(id);
    other.close();
    await new Promise((r) => setTimeout(r, 5)); // data_version is looked at once a millisecond at most
    expect((await store.getRequest(id))?.Disposition).toBe(21);
    await store.close();
  });
});

describe('sqlite store: outbox rows made from the event (migration 6)', () => {
  it('keeps the rows of events from before the migration, and makes those of new events once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certexit-store-'));
    dirs.push(dir);
    const file = join(dir, 'ca.db');
    // A database at schema version 5: one event with its outbox row already written, as version 5 wrote them.
    const old = new DatabaseSync(file);
    for (const migration of SQLITE_MIGRATIONS.slice(0, 5)) old.exec(migration);
    old.exec('PRAGMA user_version = 5');
    old.exec(`INSERT INTO requests (request_type, disposition, submitted_when) VALUES (256, 20, 1)`);
    old.exec(`INSERT INTO exit_events (event, context, created_at) VALUES (1, 1, 1)`);
    old.exec(`INSERT INTO exit_outbox (prog_id, event_id, event, context, status, attempts, next_attempt_at, created_at,
      updated_at) VALUES ('A.Exit', 1, 1, 1, 'pending', 0, 1, 1, 1)`);
    old.close();

    const store = openSqliteStore(file);
    expect(await store.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
    store.setExitSubscribers(() => ['A.Exit', 'B.Exit']);
    const id = await store.transaction(async (tx) => {
      const request = await tx.insertRequest(row(2));
      await tx.recordExitEvent(1, request);
      return request;
    });
    // The transaction wrote the event with its modules, not their rows.
    const other = new DatabaseSync(file);
    expect(other.prepare('SELECT modules FROM exit_events WHERE context = ?').get(id)?.modules).toBe('A.Exit\nB.Exit');
    expect(other.prepare('SELECT COUNT(*) AS n FROM exit_outbox').get()?.n).toBe(1);
    // Any look at the outbox makes them: the old event's row stays single, the new event gets one row per module.
    const rows = await store.outbox.list({});
    expect(rows.map((r) => [r.progId, r.context, r.status])).toEqual([
      ['A.Exit', 1, 'pending'],
      ['A.Exit', id, 'pending'],
      ['B.Exit', id, 'pending'],
    ]);
    await store.outbox.list({});
    expect(other.prepare('SELECT COUNT(*) AS n FROM exit_outbox').get()?.n).toBe(3);
    other.close();
    await store.close();
  });
});
