import { hostname } from 'node:os';
import type { CaStore } from '../store/ca-store';
import { CA_STORE_SEQUENCES, CA_STORE_TABLES } from '../store/ca-store-transfer';
import type { CaStoreCheckContext } from './conformance-fixtures';
import { check, issued, requestRow, same } from './conformance-fixtures';

const FAR = new Date(Date.now() + 3_600_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 20 ms for up to `ms`. */
async function within(ms: number, condition: () => Promise<boolean> | boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

/** The checks of several processes (engine nodes, or a server and the CLI) on the same data, and of a copy. */
export const CA_STORE_NODE_CHECKS = {
  /** Two processes claiming at once never take the same row, and one request's events stay in order across them. */
  async 'nodes-claims'({ store, second }: CaStoreCheckContext) {
    const other = await second();
    for (const s of [store, other]) s.setExitSubscribers((event) => (event === 0x1 || event === 0x8 ? ['A.Exit'] : []));
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(await issued(store, i, `b${i}`));
    const now = new Date(Date.now() + 1_000);
    const [mine, theirs] = await Promise.all(
      [store, other].map((s, n) =>
        s.outbox.claim('A.Exit', { now, limit: 15, owner: `${hostname()}:${process.pid}:node${n}`, leaseUntil: FAR }),
      ),
    );
    const taken = [...mine!, ...theirs!].map((r) => r.id);
    check(new Set(taken).size === taken.length, 'no row is claimed by both');
    check(taken.length === 20, `every row claimed by one of them, got ${taken.length}`);
    // Order: request 0's revocation is not claimable by either while its issuance is in delivery.
    await other.transaction((tx) => tx.recordExitEvent(0x8, ids[0]!));
    const r0 = [...mine!, ...theirs!].find((r) => r.context === ids[0])!;
    for (const s of [store, other])
      same(
        await s.outbox.claim('A.Exit', { now, limit: 10, owner: `${hostname()}:${process.pid}:x`, leaseUntil: FAR }),
        [],
        "request 0's second event while its first is in delivery",
      );
    const holder = mine!.some((r) => r.id === r0.id) ? 0 : 1;
    await (holder === 0 ? store : other).outbox.complete(r0.id, `${hostname()}:${process.pid}:node${holder}`, 0, now);
    const next = await (holder === 0 ? other : store).outbox.claim('A.Exit', {
      now,
      limit: 10,
      owner: `${hostname()}:${process.pid}:x`,
      leaseUntil: FAR,
    });
    same(
      next.map((r) => [r.context, r.event]),
      [[ids[0], 0x8]],
      'the other process then takes the second event',
    );
  },

  /** A row claimed by a process that stopped renewing its lease is taken over by another once the lease lapses. */
  async 'nodes-recover'({ store, second }: CaStoreCheckContext) {
    const other = await second();
    store.setExitSubscribers(() => ['A.Exit']);
    await issued(store, 1, 'c1');
    const claimed = await store.outbox.claim('A.Exit', {
      now: new Date(Date.now() + 1_000),
      limit: 1,
      owner: 'dead-node.example:4242:abc',
      // Long enough for the next call to come before it lapses on a machine under load.
      leaseUntil: new Date(Date.now() + 1_500),
    });
    check(claimed.length === 1, 'claimed by a node on another host');
    check((await other.outbox.recover(new Date(), 'live:1:x')) === 0, 'its lease has not lapsed yet');
    check(
      await within(5_000, async () => (await other.outbox.recover(new Date(), 'live:1:x')) === 1),
      'once lapsed, another process takes it back',
    );
    const taken = await other.outbox.claim('A.Exit', {
      now: new Date(Date.now() + 1_000),
      limit: 1,
      owner: 'live:1:x',
      leaseUntil: FAR,
    });
    same(
      taken.map((r) => [r.id, r.attempts]),
      [[claimed[0]!.id, 2]],
      'and delivers it (attempt 2)',
    );
  },

  /** CRL issuance is one process at a time: the second reads the number the first committed. */
  async 'nodes-crl-lock'({ store, second }: CaStoreCheckContext) {
    const other = await second();
    const t = new Date(1_700_000_000_000);
    const issue = (s: CaStore, hold: number) =>
      s.transaction(async (tx) => {
        await tx.lockCrlIssuance();
        const latest = await s.getLatestCrlInfo(0, false);
        const number = Math.max(latest?.crlNumber ?? 0, await s.crlNumberFloor()) + 1;
        await sleep(hold);
        await tx.addCrl({
          keyIndex: 0,
          crlNumber: number,
          isDelta: false,
          raw: Uint8Array.from([number]),
          thisUpdate: t,
          nextUpdate: t,
        });
        return number;
      });
    const first = issue(store, 300);
    await sleep(50);
    const numbers = await Promise.all([first, issue(other, 0)]);
    same([...numbers].sort(), [1, 2], 'two CRLs issued at once get numbers 1 and 2');
    check((await store.getLatestCrlInfo(0, false))?.crlNumber === 2, 'the latest is 2');
  },

  /** One process leads a role; when it closes, another takes over. */
  async 'nodes-leadership'({ store, second }: CaStoreCheckContext) {
    const other = await second();
    check(await store.leads('crl-schedule'), 'the first process to ask leads');
    check(await store.leads('crl-schedule'), 'and keeps leading');
    check(!(await other.leads('crl-schedule')), 'the second does not while the first runs');
    await store.close();
    check(await within(5_000, () => other.leads('crl-schedule')), 'the second leads once the first closed');
  },

  /** Another process's committed exit event wakes this one's watchers. */
  async 'nodes-watch'({ store, second }: CaStoreCheckContext) {
    const other = await second();
    let woken = 0;
    const stop = other.outbox.watch(() => woken++);
    try {
      await sleep(100);
      store.setExitSubscribers(() => ['A.Exit']);
      await issued(store, 1, 'a1');
      check(await within(3_000, () => woken > 0), 'the watcher is called after the commit');
    } finally {
      stop();
    }
  },

  /** Everything exported from one store imports into an empty one: same rows, same counters. */
  async transfer({ store, fresh }: CaStoreCheckContext) {
    if (!store.transfer) throw new Error('the store has no transfer (export and import) for certexit store migrate');
    store.setExitSubscribers(() => ['A.Exit']);
    const r1 = await issued(store, 1, '0a1b');
    await store.transaction(async (tx) => {
      await tx.setAttributes(r1, [['a', 'b']]);
      await tx.setExtensions(r1, [{ oid: '1.2.3', flags: 1, value: Uint8Array.from([5]) }]);
      await tx.addCaCertificate({ certIndex: 0, keyIndex: 0, raw: Uint8Array.from([1]), state: 2 });
      await tx.addCrl({
        keyIndex: 0,
        crlNumber: 1,
        isDelta: false,
        raw: new Uint8Array(2 * 1024 * 1024 + 3).fill(7),
        thisUpdate: new Date(1),
        nextUpdate: new Date(2),
      });
      await tx.recordExitEvent(0x8, r1);
      await tx.insertRequest(requestRow(2));
    });
    await store.exitActions.begin('A.Exit', 'CA/1', 'x', 'event', new Date());
    await store.recordAudit({ at: new Date(3), identity: 'CONTOSO\\ann', action: 'setreg', target: 'CA\\X' });
    await store.outbox.replay({
      progId: 'A.Exit',
      sinceEventId: 1,
      eventMask: 0x1,
      limit: 5,
      sanitizedCaName: 'CA',
      now: new Date(),
    });
    const target = await fresh();
    if (!target.transfer) throw new Error('the target store has no transfer');
    for (const table of Object.keys(CA_STORE_TABLES) as Array<keyof typeof CA_STORE_TABLES>) {
      for await (const rows of store.transfer.exportRows(table)) await target.transfer.importRows(table, rows);
    }
    await target.transfer.raiseSequences(await store.transfer.sequences());
    for (const table of Object.keys(CA_STORE_TABLES) as Array<keyof typeof CA_STORE_TABLES>) {
      const a: unknown[] = [];
      const b: unknown[] = [];
      for await (const rows of store.transfer.exportRows(table)) a.push(...rows);
      for await (const rows of target.transfer.exportRows(table)) b.push(...rows);
      same(b, a, `table ${table} after the copy`);
      check((await target.transfer.count(table)) === a.length, `count of ${table}`);
    }
    const sequences = await target.transfer.sequences();
    const source = await store.transfer.sequences();
    for (const name of CA_STORE_SEQUENCES)
      check(sequences[name] >= source[name], `counter ${name}: ${sequences[name]} >= ${source[name]}`);
    target.setExitSubscribers(() => ['A.Exit']);
    const next = await issued(target, 3, '0c');
    check(next > r1 + 1, `the copy hands out RequestIDs after the source's (${next})`);
    same(await target.getCertificate(r1), await store.getCertificate(r1), 'a copied certificate reads the same');
    check((await target.getLatestCrl(0, false))?.raw.length === 2 * 1024 * 1024 + 3, 'a copied large CRL');
    const audit = await target.recordAudit({ at: new Date(4), identity: 'x', action: 'setreg', target: 'CA\\Y' });
    same(
      (await target.listAudit()).map((r) => r.id),
      [audit, 1],
      'the copied audit log, and the next audit id after it',
    );
  },

  /**
   * A snapshot (what `certexit backup` exports a running CA from) reads every table as of one moment while the CA
   * goes on committing, and its counters are at or above every key it shows.
   */
  async 'transfer-snapshot'({ store }: CaStoreCheckContext) {
    const transfer = store.transfer;
    if (!transfer?.snapshot)
      throw new Error('the store has no transfer.snapshot: a running CA on it cannot be backed up online');
    const first = await issued(store, 1, '1a');
    const seen = await transfer.snapshot(async (view) => {
      const before = await view.count('requests');
      // Committed by the CA meanwhile, on another connection: not in the snapshot.
      const later = await issued(store, 2, '1b');
      const ids: number[] = [];
      for await (const rows of view.exportRows('requests')) ids.push(...rows.map((r) => Number(r.request_id)));
      return { before, later, ids, certificates: await view.count('certificates'), sequences: await view.sequences() };
    });
    check(seen.before === 1, `the snapshot counts 1 request, not ${seen.before}`);
    same(seen.ids, [first], 'the requests the snapshot exports after another transaction committed');
    check(seen.certificates === 1, `the snapshot counts 1 certificate, not ${seen.certificates}`);
    check(seen.sequences.requests >= first, `its RequestID counter ${seen.sequences.requests} >= ${first}`);
    check((await transfer.count('requests')) === 2, 'outside the snapshot, the request committed meanwhile is there');
    check(seen.later > first, 'the CA went on issuing during the snapshot');
  },
} satisfies Record<string, (context: CaStoreCheckContext) => Promise<void>>;
