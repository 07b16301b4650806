import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import type { CaStore } from '../store/ca-store';
import type { CaStoreCheckContext } from './conformance-fixtures';
import { check, issued, same } from './conformance-fixtures';

const SELF = `${hostname()}:${process.pid}:conformance`;
const FAR = new Date(Date.now() + 3_600_000);

/** Records `EXITEVENT_CERTREVOKED` (0x8) for a request. */
async function revoked(store: CaStore, requestId: number): Promise<void> {
  await store.transaction((tx) => tx.recordExitEvent(0x8, requestId));
}

/** The checks of the exit outbox and the idempotency records. */
export const CA_STORE_OUTBOX_CHECKS = {
  /**
   * A claim takes due rows oldest first, only the head of each (module, request): one request's events reach a
   * module in order; a row in backoff waits for its time; a claim can be limited to some events.
   */
  async 'outbox-claim-order'({ store }: CaStoreCheckContext) {
    store.setExitSubscribers((event) => (event === 0x1 || event === 0x8 ? ['A.Exit'] : []));
    const now = new Date(Date.now() + 1_000);
    const r1 = await issued(store, 1, 'c1');
    await revoked(store, r1);
    const r2 = await issued(store, 2, 'c2');
    const first = await store.outbox.claim('A.Exit', { now, limit: 10, owner: SELF, leaseUntil: FAR });
    same(
      first.map((r) => [r.context, r.event, r.status, r.attempts]),
      [
        [r1, 0x1, 'delivering', 1],
        [r2, 0x1, 'delivering', 1],
      ],
      'the first claim: the head row of each request, not the second event of request 1',
    );
    same(
      await store.outbox.claim('A.Exit', { now, limit: 10, owner: SELF, leaseUntil: FAR }),
      [],
      'nothing more is due',
    );
    await store.outbox.complete(first[0]!.id, SELF, 0, now);
    const second = await store.outbox.claim('A.Exit', { now, limit: 10, owner: SELF, leaseUntil: FAR });
    same(
      second.map((r) => [r.context, r.event]),
      [[r1, 0x8]],
      'once the first is done, the second event of request 1',
    );
    // Backoff: a failed row waits for its next attempt.
    await store.outbox.fail(first[1]!.id, SELF, {
      hresult: 0x80070005,
      error: 'denied',
      nextAttemptAt: new Date(now.getTime() + 60_000),
      dead: false,
      now,
    });
    same(await store.outbox.claim('A.Exit', { now, limit: 10, owner: SELF, leaseUntil: FAR }), [], 'a row in backoff');
    const due = await store.outbox.nextDueAfter('A.Exit', now);
    check(due?.getTime() === now.getTime() + 60_000, `nextDueAfter names its time, got ${due?.toISOString()}`);
    const later = new Date(now.getTime() + 61_000);
    const retried = await store.outbox.claim('A.Exit', { now: later, limit: 10, owner: SELF, leaseUntil: FAR });
    same(
      retried.map((r) => [r.context, r.attempts]),
      [[r2, 2]],
      'the row is due again after its backoff, attempt 2',
    );
    // Only some events.
    const r3 = await issued(store, 3, 'c3');
    const r4 = await issued(store, 4, 'c4');
    const wanted = (await store.outbox.latestEventId(0x1, r4))!;
    const only = await store.outbox.claim('A.Exit', {
      now,
      limit: 10,
      owner: SELF,
      leaseUntil: FAR,
      eventIds: [wanted],
    });
    same(
      only.map((r) => r.context),
      [r4],
      `a claim for one event takes only it (not request ${r3})`,
    );
  },

  /** Outcomes: done (by the owner only, alone or together), failed, dead, given back, released. */
  async 'outbox-outcomes'({ store }: CaStoreCheckContext) {
    store.setExitSubscribers(() => ['A.Exit']);
    const now = new Date(Date.now() + 1_000);
    for (let i = 0; i < 6; i++) await issued(store, i, `d${i}`);
    const rows = await store.outbox.claim('A.Exit', { now, limit: 6, owner: SELF, leaseUntil: FAR });
    check(rows.length === 6, `six rows claimed, got ${rows.length}`);
    const [a, b, c, d, e, f] = rows as [
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
    ];
    await store.outbox.complete(a.id, 'someone else', 0, now);
    check((await store.outbox.get(a.id))?.status === 'delivering', 'another owner cannot complete a row');
    await store.outbox.complete(a.id, SELF, 1, now);
    await store.outbox.completeAll(
      [
        { id: b.id, hresult: 0 },
        { id: c.id, hresult: 0 },
      ],
      SELF,
      now,
    );
    for (const r of [a, b, c]) check((await store.outbox.get(r.id))?.status === 'done', `row ${r.id} is done`);
    check((await store.outbox.get(a.id))?.lastHresult === 1, 'the completion keeps its HRESULT');
    await store.outbox.fail(d.id, SELF, {
      hresult: 0x80070005,
      error: 'x'.repeat(5000),
      nextAttemptAt: now,
      dead: true,
      deadReason: 'permanent failure, not retried: denied',
      now,
    });
    const dead = await store.outbox.get(d.id);
    check(dead?.status === 'dead' && dead.deadReason === 'permanent failure, not retried: denied', 'a dead row');
    check((dead.lastError?.length ?? 0) <= 2000 && (dead.lastError?.length ?? 0) > 0, 'its error, cut to 2,000 chars');
    check(dead.lastHresult === 0x80070005, 'its HRESULT, unsigned');
    const fate = await store.outbox.failDelivering('A.Exit', e.context, {
      hresult: 0x800706be,
      error: 'the thread died',
      maxAttempts: 1,
      nextAttemptAt: () => now,
      now,
    });
    same(fate, { fate: 'dead', event: 0x1 }, 'failDelivering at the maximum attempts');
    check(
      (await store.outbox.failDelivering('A.Exit', e.context, {
        hresult: 0,
        error: '',
        maxAttempts: 5,
        nextAttemptAt: () => now,
        now,
      })) === undefined,
      'failDelivering finds nothing once the row is no longer in delivery',
    );
    const back = await store.outbox.unclaim([f.id], SELF, now);
    check(back === 1, 'unclaim gives the row back');
    const unclaimed = await store.outbox.get(f.id);
    check(unclaimed?.status === 'pending' && unclaimed.attempts === 0, 'given back, its attempt undone');
    const again = await store.outbox.claim('A.Exit', { now, limit: 5, owner: SELF, leaseUntil: FAR });
    same(
      again.map((r) => r.id),
      [f.id],
      'the row given back is claimed again',
    );
    check((await store.outbox.release(SELF, now)) === 1, "release gives back the owner's rows in delivery");
    check((await store.outbox.get(f.id))?.status === 'pending', 'released');
  },

  /** Recovery takes back rows whose lease lapsed or whose owner (a process of this host) is gone; not others. */
  async 'outbox-recover'({ store }: CaStoreCheckContext) {
    store.setExitSubscribers(() => ['A.Exit']);
    const now = new Date(Date.now() + 1_000);
    for (let i = 0; i < 4; i++) await issued(store, i, `e${i}`);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const owners = [
      { owner: 'elsewhere.example:1:lapsed', leaseUntil: new Date(Date.now() - 5_000) },
      { owner: `${hostname()}:${gone}:dead`, leaseUntil: FAR },
      { owner: 'elsewhere.example:2:alive', leaseUntil: FAR },
      { owner: SELF, leaseUntil: FAR },
    ];
    const claimed: number[] = [];
    for (const o of owners) {
      const rows = await store.outbox.claim('A.Exit', { now, limit: 1, owner: o.owner, leaseUntil: o.leaseUntil });
      check(rows.length === 1, `one row claimed for ${o.owner}`);
      claimed.push(rows[0]!.id);
    }
    const recovered = await store.outbox.recover(new Date(), SELF);
    check(recovered === 2, `the lapsed lease and the gone owner's row are taken back (2), got ${recovered}`);
    same(
      await Promise.all(claimed.map(async (id) => (await store.outbox.get(id))?.status)),
      ['pending', 'pending', 'delivering', 'delivering'],
      "statuses: lapsed and gone taken back; a live other host's and our own kept",
    );
    const leases = await store.outbox.leases();
    same(
      leases.map((l) => [l.owner, l.progId, l.rows]).sort(),
      [
        ['elsewhere.example:2:alive', 'A.Exit', 1],
        [SELF, 'A.Exit', 1],
      ].sort(),
      'the leases by owner',
    );
  },

  /** What operators see and do: lists, counts, depth, retry, drop, prune. */
  async 'outbox-operators'({ store }: CaStoreCheckContext) {
    store.setExitSubscribers(() => ['A.Exit', 'B.Exit']);
    const now = new Date(Date.now() + 1_000);
    const r1 = await issued(store, 1, 'f1');
    await issued(store, 2, 'f2');
    const listed = await store.outbox.list();
    check(listed.length === 4, `four open rows listed, got ${listed.length}`);
    check(
      listed.every((r, i) => i === 0 || r.id > listed[i - 1]!.id),
      'listed oldest first',
    );
    same(
      (await store.outbox.list({ progId: 'B.Exit', limit: 1 })).map((r) => r.progId),
      ['B.Exit'],
      'by module, limited',
    );
    const [a] = await store.outbox.claim('A.Exit', { now, limit: 1, owner: SELF, leaseUntil: FAR });
    await store.outbox.complete(a!.id, SELF, 0, now);
    check((await store.outbox.list()).length === 3, 'done rows are not listed by default');
    same(
      (await store.outbox.list({ status: 'done' })).map((r) => r.id),
      [a!.id],
      'but by status',
    );
    const counts = await store.outbox.counts(now);
    same(
      counts.map((c) => [c.progId, c.status, c.age, c.count]).sort(),
      [
        ['A.Exit', 'done', '<1m', 1],
        ['A.Exit', 'pending', '<1m', 1],
        ['B.Exit', 'pending', '<1m', 2],
      ].sort(),
      'counts by module, status and age',
    );
    same(
      (await store.outbox.depth()).map((d) => [d.progId, d.open]).sort(),
      [
        ['A.Exit', 1],
        ['B.Exit', 2],
      ],
      'open rows per module',
    );
    const [b] = await store.outbox.claim('B.Exit', { now, limit: 1, owner: SELF, leaseUntil: FAR });
    check(b?.context === r1, 'B claims request 1 first');
    check(!(await store.outbox.drop(b!.id)), 'a row in delivery cannot be dropped');
    await store.outbox.fail(b!.id, SELF, { hresult: 1, error: 'e', nextAttemptAt: now, dead: true, now });
    const made = await store.outbox.retry({ id: b!.id }, now);
    check(
      made.length === 1 && made[0]!.status === 'pending' && made[0]!.attempts === 0,
      'retry by id: due, attempts reset',
    );
    check(made[0]!.deadReason === undefined, 'and no dead reason left');
    const all = await store.outbox.retry({ progId: 'b.exit' }, now);
    check(all.length === 2, `retry by ProgID (any case) takes the module's pending and dead rows, got ${all.length}`);
    check(await store.outbox.drop(b!.id), 'a pending row can be dropped');
    check((await store.outbox.get(b!.id)) === undefined, 'and is gone');
    check((await store.outbox.prune(new Date(now.getTime() - 1000))) === 0, 'recent done rows are kept');
    check((await store.outbox.prune(new Date(now.getTime() + 1000))) === 1, 'done rows past retention are deleted');
    check((await store.outbox.list({ status: 'pending' })).length === 2, 'open rows are never pruned');
  },

  /** A replay delivers past events again with their EventIDs and forgets their delivery-scoped records. */
  async 'outbox-replay'({ store }: CaStoreCheckContext) {
    store.setExitSubscribers(() => ['A.Exit']);
    const now = new Date(Date.now() + 1_000);
    const r1 = await issued(store, 1, 'a1');
    const r2 = await issued(store, 2, 'a2');
    const e1 = (await store.outbox.latestEventId(0x1, r1))!;
    const e2 = (await store.outbox.latestEventId(0x1, r2))!;
    const rows = await store.outbox.claim('A.Exit', { now, limit: 10, owner: SELF, leaseUntil: FAR });
    await store.outbox.completeAll(
      rows.map((r) => ({ id: r.id, hresult: 0 })),
      SELF,
      now,
    );
    for (const [id, scope] of [
      [e1, 'delivery'],
      [e1, 'event'],
    ] as const) {
      const action = scope === 'event' ? 'mail:a@x' : 'directory';
      check((await store.exitActions.begin('A.Exit', `CA/${id}`, action, scope, now)) === 'claimed', 'begin');
      await store.exitActions.complete('A.Exit', `CA/${id}`, action, now);
    }
    check(
      (await store.outbox.firstEventSince(new Date(now.getTime() - 60_000))) === e1,
      'the first event since a time',
    );
    const replay = await store.outbox.replay({
      progId: 'A.Exit',
      sinceEventId: e1,
      eventMask: 0x1,
      limit: 1,
      sanitizedCaName: 'CA',
      requestedBy: 'CERTEXIT\\admin',
      now,
    });
    same(
      { events: replay.events, alreadyOpen: replay.alreadyOpen, first: replay.firstEventId, next: replay.nextEventId },
      { events: 1, alreadyOpen: 0, first: e1, next: e2 },
      'a replay of one event, naming the next',
    );
    const replayed = (await store.outbox.list()).filter((r) => r.replayId === replay.replayId);
    same(
      replayed.map((r) => [r.eventId, r.status]),
      [[e1, 'pending']],
      'its row, with the original EventID',
    );
    check(
      (await store.exitActions.get('A.Exit', `CA/${e1}`, 'directory')) === undefined,
      'the delivery-scoped record is forgotten',
    );
    check((await store.exitActions.get('A.Exit', `CA/${e1}`, 'mail:a@x')) === 'done', 'the event-scoped one stays');
    const again = await store.outbox.replay({
      progId: 'A.Exit',
      sinceEventId: e1,
      eventMask: 0x1,
      limit: 10,
      sanitizedCaName: 'CA',
      now,
    });
    same(
      { events: again.events, alreadyOpen: again.alreadyOpen },
      { events: 1, alreadyOpen: 1 },
      'an open row is not made twice',
    );
    const summaries = await store.outbox.replays({ progId: 'a.exit' });
    same(
      summaries.map((s) => [s.replayId, s.events, s.open, s.requestedBy ?? null]),
      [
        [again.replayId, 1, 1, null],
        [replay.replayId, 1, 1, 'CERTEXIT\\admin'],
      ],
      'replays newest first, with their open rows',
    );
  },

  /** The idempotency records: claimed once, completed, abandoned, listed, pruned by scope. */
  async 'idempotency-records'({ store }: CaStoreCheckContext) {
    const now = new Date(Date.now() + 1_000);
    const old = new Date(now.getTime() - 10 * 86_400_000);
    check((await store.exitActions.begin('A.Exit', 'CA/1', 'directory', 'delivery', now)) === 'claimed', 'claimed');
    check((await store.exitActions.begin('A.Exit', 'CA/1', 'directory', 'delivery', now)) === 'started', 'started');
    check((await store.exitActions.begin('B.Exit', 'CA/1', 'directory', 'delivery', now)) === 'claimed', 'per module');
    await store.exitActions.complete('A.Exit', 'CA/1', 'directory', now);
    check((await store.exitActions.begin('A.Exit', 'CA/1', 'directory', 'delivery', now)) === 'done', 'done');
    await store.exitActions.abandon('B.Exit', 'CA/1', 'directory');
    check(
      (await store.exitActions.get('B.Exit', 'CA/1', 'directory')) === undefined,
      'an abandoned start is forgotten',
    );
    await store.exitActions.abandon('A.Exit', 'CA/1', 'directory');
    check((await store.exitActions.get('A.Exit', 'CA/1', 'directory')) === 'done', 'a done record is never abandoned');
    await store.exitActions.begin('A.Exit', 'CA/2', 'mail:x', 'event', old);
    await store.exitActions.complete('A.Exit', 'CA/2', 'mail:x', old);
    await store.exitActions.begin('A.Exit', 'CA/3', 'file', 'delivery', old);
    same(
      (await store.exitActions.list('A.Exit')).map((r) => [r.eventId, r.action, r.state]).sort(),
      [
        ['CA/1', 'directory', 'done'],
        ['CA/2', 'mail:x', 'done'],
        ['CA/3', 'file', 'started'],
      ],
      "a module's records",
    );
    same(
      (await store.exitActions.list('A.Exit', 'CA/2')).map((r) => r.scope),
      ['event'],
      'of one event',
    );
    const pruned = await store.exitActions.prune(new Date(now.getTime() - 86_400_000), old);
    check(pruned === 1, `prune deletes the old delivery-scoped record only, got ${pruned}`);
    check(
      (await store.exitActions.prune(new Date(now.getTime() + 1000), new Date(now.getTime() - 1000))) === 2,
      'then the rest of their age',
    );
  },
} satisfies Record<string, (context: CaStoreCheckContext) => Promise<void>>;
