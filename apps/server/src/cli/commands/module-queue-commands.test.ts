import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HRESULT_TIMEOUT } from '@certexit/core';
import { openCa, setupCa } from '@certexit/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOnFolder } from '../../../test/support/run-cli-in-process';
import { writeRunningServerRecord } from '../../http/running-server-record';

const work = mkdtempSync(join(tmpdir(), 'certexit-queue-'));
const dir = join(work, 'ca');

/** A file-loaded module that appends `<event> <context> <EventID>` per notification. */
const RECORDING_MODULE = `import { appendFileSync } from 'node:fs';
const log = new URL('./a.log', import.meta.url);
export default {
  specificationVersion: 'v1',
  progId: 'A.Exit',
  version: '0.0.0',
  create: (services) => ({
    Initialize: () => 0x21,
    GetDescription: () => 'records for the queue test',
    async Notify(event, context) {
      const server = services.createServerExit();
      await server.SetContext(context);
      appendFileSync(log, event + ' ' + context + ' ' + (await server.GetCertificateProperty('EventID', 4)) + '\\n');
    },
  }),
};
`;

const { cli } = cliOnFolder(dir);
const json = async (...args: string[]) => {
  const result = await cli('--json', ...args);
  return { ...result, json: result.out[0] ? JSON.parse(result.out[0]) : undefined };
};
const delivered = () =>
  existsSync(join(dir, 'a.log')) ? readFileSync(join(dir, 'a.log'), 'utf8').trim().split('\n').filter(Boolean) : [];

describe('certexit module queue|retry|replay|drop', () => {
  let ids: number[] = [];
  beforeAll(async () => {
    await setupCa({ dir, commonName: 'Queue CA', type: 'standalone-root', exitModules: [] });
    writeFileSync(join(dir, 'a-module.mjs'), RECORDING_MODULE);
    expect((await cli('module', 'register', 'A.Exit', join(dir, 'a-module.mjs'))).code).toBe(0);
    // B's code is there when it is registered (register refuses code that does not load), then goes away: B is down.
    writeFileSync(join(dir, 'b-missing.mjs'), RECORDING_MODULE.replace("'A.Exit'", "'B.Exit'"));
    expect((await cli('module', 'register', 'B.Exit', join(dir, 'b-missing.mjs'), '--inactive')).code).toBe(0);
    rmSync(join(dir, 'b-missing.mjs'));
    // Outbox rows as a module that was down would leave them: two dead for A, two pending for B.
    const ca = await openCa(dir);
    ca.store.setExitSubscribers(() => ['A.Exit', 'B.Exit']);
    await ca.store.transaction((tx) => tx.recordExitEvent(0x20, 0));
    await ca.store.transaction((tx) => tx.recordExitEvent(0x20, 0));
    const rows = await ca.store.outbox.list({});
    ids = rows.filter((r) => r.progId === 'A.Exit').map((r) => r.id);
    for (const id of ids) {
      const [claimed] = await ca.store.outbox.claim('A.Exit', {
        now: new Date(),
        limit: 1,
        owner: 'test',
        leaseUntil: new Date(Date.now() + 60_000),
      });
      expect(claimed?.id).toBe(id);
      await ca.store.outbox.fail(id, 'test', {
        hresult: HRESULT_TIMEOUT,
        error: 'target down',
        nextAttemptAt: new Date(),
        dead: true,
        deadReason: 'failed 1 time(s), the most MaxAttempts allows',
        now: new Date(),
      });
    }
    await ca.store.close();
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('shows counts by module, status and age, and each item with its last error, attempts and why it is dead', async () => {
    const result = await json('module', 'queue');
    expect(result.code).toBe(0);
    expect(result.json.counts).toEqual([
      expect.objectContaining({ progId: 'A.Exit', status: 'dead', age: '<1m', count: 2 }),
      expect.objectContaining({ progId: 'B.Exit', status: 'pending', age: '<1m', count: 2 }),
    ]);
    expect(result.json.items.filter((i: { status: string }) => i.status === 'dead')).toEqual([
      expect.objectContaining({
        module: 'A.Exit',
        attempts: 1,
        lastError: 'target down',
        lastHresult: 'HRESULT_FROM_WIN32(ERROR_TIMEOUT) (0x800705b4)',
        deadReason: 'failed 1 time(s), the most MaxAttempts allows',
      }),
      expect.objectContaining({ module: 'A.Exit', attempts: 1 }),
    ]);
    const text = await cli('module', 'queue', 'B.Exit');
    expect(text.out.join('\n')).toMatch(/B\.Exit {2}pending {2}<1m {2}2/);
    expect(text.out.join('\n')).not.toMatch(/A\.Exit/);
  });

  // Issue 12: "module retry prints 'due again' but delivers nothing until a serve runs", and "it fails for an
  // unknown ProgID or id".
  it('delivers now when no server runs, printing each outcome; fails for an unknown ProgID or id', async () => {
    const first = ids[0]!;
    const one = await json('module', 'retry', String(first));
    expect(one.code).toBe(0);
    expect(one.json).toMatchObject({
      target: String(first),
      retried: 1,
      deliveredBy: 'this command',
      outcomes: [{ id: first, module: 'A.Exit', attempted: true, ok: true, hresult: 'S_OK', status: 'done' }],
    });
    expect(delivered()).toEqual(['32 0 Queue CA/1']);
    const all = await cli('module', 'retry', 'a.exit');
    expect(all.out[0]).toBe('1 notification(s) due again; delivering them now (up to 30 s):');
    expect(all.out[1]).toMatch(
      /^ {2}#\d+ {2}A\.Exit {2}EXITEVENT_CRLISSUED context 0 {2}attempt 1 -> S_OK \(delivered\)$/,
    );
    expect(delivered()).toEqual(['32 0 Queue CA/1', '32 0 Queue CA/2']);
    // B is registered but not active: its rows stay due, and the command says why.
    const inactive = await json('module', 'retry', 'B.Exit');
    expect(inactive.json.outcomes).toEqual([
      expect.objectContaining({ module: 'B.Exit', attempted: false, status: 'pending' }),
      expect.objectContaining({ module: 'B.Exit', attempted: false, status: 'pending' }),
    ]);
    expect((await cli('module', 'retry', 'B.Exit')).out[1]).toMatch(/the module is not loaded/);

    const unknown = await cli('module', 'retry', 'Nope.Exit');
    expect(unknown.code).toBe(1);
    expect(unknown.err.join('\n')).toMatch(/"Nope\.Exit" is not a registered exit module of this CA/);
    const missing = await cli('module', 'retry', '424242');
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(/outbox item 424242 does not exist/);
    const done = await cli('module', 'retry', String(first));
    expect(done.code).toBe(1);
    expect(done.err.join('\n')).toMatch(/was delivered already; to deliver its event again, replay it/);
  });

  it('names the running server instead of delivering itself when one runs', async () => {
    const forget = writeRunningServerRecord(dir, 'https://127.0.0.1:8443');
    try {
      const result = await json('module', 'retry', 'B.Exit');
      expect(result.json).toMatchObject({
        retried: 2,
        deliveredBy: { pid: process.pid, url: 'https://127.0.0.1:8443' },
      });
      expect((await cli('module', 'retry', 'B.Exit')).out).toEqual([
        `2 notification(s) due again; the running server (pid ${process.pid}, https://127.0.0.1:8443) delivers them`,
      ]);
    } finally {
      forget();
    }
  });

  // Issue 12, Delivery: replay.
  it('replays past events to a module with their original EventIDs, bounded, shown in the queue', async () => {
    const before = delivered().length;
    const refused = await cli('module', 'replay', 'A.Exit', '--since', 'Other CA/1');
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toMatch(/EventID of another CA/);
    expect((await cli('module', 'replay', 'A.Exit', '--since', 'yesterday-ish')).err.join('\n')).toMatch(
      /neither a date .* nor an EventID/,
    );
    expect((await cli('module', 'replay', 'A.Exit', '--since', '1', '--events', 'EXITEVENT_SHUTDOWN')).code).toBe(1);
    expect((await cli('module', 'replay', 'Nope.Exit', '--since', '1')).code).toBe(1);

    const replay = await json('module', 'replay', 'A.Exit', '--since', 'Queue CA/1', '--limit', '1');
    expect(replay.code).toBe(0);
    expect(replay.json).toMatchObject({
      progId: 'A.Exit',
      events: 1,
      firstEventIdText: 'Queue CA/1',
      lastEventIdText: 'Queue CA/1',
      continueSince: 'Queue CA/2',
    });
    const queue = await json('module', 'queue', 'A.Exit');
    expect(queue.json.items).toEqual([expect.objectContaining({ replayId: replay.json.replayId, status: 'pending' })]);
    expect(queue.json.replays[0]).toMatchObject({
      replayId: replay.json.replayId,
      module: 'A.Exit',
      count: 1,
      open: 1,
    });
    // The same events again while they wait: nothing is queued twice.
    const twice = await json('module', 'replay', 'A.Exit', '--since', new Date(Date.now() - 3_600_000).toISOString());
    expect(twice.json).toMatchObject({ events: 1, alreadyOpen: 1, firstEventIdText: 'Queue CA/1' });
    await cli('module', 'retry', 'A.Exit');
    expect(delivered().slice(before)).toEqual(['32 0 Queue CA/1', '32 0 Queue CA/2']);
    const after = await json('module', 'queue', 'A.Exit');
    expect(after.json.replays[0]).toMatchObject({ open: 0, done: 1 });
  });

  it('drops an item', async () => {
    const row = (await json('module', 'queue', 'B.Exit')).json.items[0];
    expect((await cli('module', 'drop', String(row.id))).out).toEqual([`item ${row.id} dropped`]);
    const again = await cli('module', 'drop', String(row.id));
    expect(again.code).toBe(1);
    expect(again.err.join('\n')).toMatch(new RegExp(`outbox item ${row.id} does not exist`));
    expect((await cli('module', 'drop', 'x')).err.join('\n')).toMatch(/is not an outbox item id/);
  });
});
