import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const open = () => {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-actions-'));
  dirs.push(dir);
  return openSqliteStore(join(dir, 'certexit.db'));
};

describe("the host's idempotency store on the CA database", () => {
  it('claims an action once, per module, keeps done, forgets an abandoned start', async () => {
    const store = open();
    const now = new Date();
    const actions = store.exitActions;
    expect(await actions.begin('A.Exit', 'CA/1', 'file', 'delivery', now)).toBe('claimed');
    expect(await actions.begin('a.exit', 'CA/1', 'file', 'delivery', now)).toBe('started');
    // Another module's records are its own.
    expect(await actions.begin('B.Exit', 'CA/1', 'file', 'delivery', now)).toBe('claimed');
    await actions.complete('A.Exit', 'CA/1', 'file', now);
    expect(await actions.begin('A.Exit', 'CA/1', 'file', 'delivery', now)).toBe('done');
    await actions.abandon('A.Exit', 'CA/1', 'file');
    expect(await actions.get('A.Exit', 'CA/1', 'file')).toBe('done');
    await actions.abandon('B.Exit', 'CA/1', 'file');
    expect(await actions.get('B.Exit', 'CA/1', 'file')).toBeUndefined();
    await store.close();
  });

  it('a replay forgets the delivery-scoped records of the events it delivers again, never the event-scoped ones', async () => {
    const store = open();
    store.setExitSubscribers(() => ['A.Exit']);
    await store.transaction((tx) => tx.recordExitEvent(0x1, 7));
    const eventId = (await store.outbox.latestEventId(0x1, 7))!;
    const now = new Date();
    await store.exitActions.complete('A.Exit', `CA/${eventId}`, 'directory', now);
    await store.exitActions.begin('A.Exit', `CA/${eventId}`, 'mail:a@x.test', 'event', now);
    await store.exitActions.complete('A.Exit', `CA/${eventId}`, 'mail:a@x.test', now);
    const [row] = await store.outbox.list({});
    await store.outbox.claim('A.Exit', { now, limit: 1, owner: 'o', leaseUntil: new Date(now.getTime() + 60_000) });
    await store.outbox.complete(row!.id, 'o', 0, now);
    const replay = await store.outbox.replay({
      progId: 'A.Exit',
      sinceEventId: 1,
      eventMask: 0x1,
      limit: 10,
      sanitizedCaName: 'CA',
      now,
    });
    expect(replay).toMatchObject({ events: 1, alreadyOpen: 0, firstEventId: eventId });
    expect((await store.exitActions.list('A.Exit')).map((a) => [a.action, a.state])).toEqual([
      ['mail:a@x.test', 'done'],
    ]);
    await store.close();
  });

  it('prunes delivery-scoped records with the delivered rows and event-scoped ones later', async () => {
    const store = open();
    const old = new Date(Date.now() - 30 * 86_400_000);
    await store.exitActions.complete('A.Exit', 'CA/1', 'file', old);
    await store.exitActions.begin('A.Exit', 'CA/1', 'mail:a@x.test', 'event', old);
    expect(
      await store.exitActions.prune(new Date(Date.now() - 7 * 86_400_000), new Date(Date.now() - 365 * 86_400_000)),
    ).toBe(1);
    expect((await store.exitActions.list('A.Exit')).map((a) => a.action)).toEqual(['mail:a@x.test']);
    await store.close();
  });
});
