import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { EXITEVENT_CERTISSUED, EXITEVENT_SHUTDOWN } from '@certexit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import { storeOption, TEST_STORES } from '../../test/support/test-stores';
import { threadSeen } from '../../test/support/thread-builtins';
import { openCa } from '../ca/open-ca';
import { setupCa } from '../engine/setup-ca';
import type { FromExitHostThread } from './exit-host-thread-protocol';
import { CALLS_BYTES, SIGNAL_CHECKPOINT, SIGNAL_WAKE, SIGNALS_BYTES, takeCalls } from './exit-host-thread-protocol';
import { runExitHostThread } from './run-exit-host-thread';

const PROGID = 'Thread_Recording.Exit';
const work = mkdtempSync(join(tmpdir(), 'certexit-thread-runner-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const requestRow = () => ({
  RequestType: 0x100,
  RequestFlags: 0,
  StatusCode: 0,
  Disposition: 20,
  SubmittedWhen: new Date(),
  RequesterName: 'CERTEXIT\\thread',
  requestName: {},
  system: {},
});

/**
 * The exit-module thread's side, run on this thread over a MessageChannel: the same code the worker runs (the
 * worker itself, from the built engine, is tested in test/integration/exit-module-thread.test.ts).
 */
describe.each(TEST_STORES)('runExitHostThread on $name', (store) => {
  it('reports its modules, delivers what the engine committed (before and after a wake), forwards records and logs, and stops with EXITEVENT_SHUTDOWN', async () => {
    const dir = join(work, `ca-${store.name}`);
    await setupCa({
      ...storeOption(store),
      dir,
      commonName: 'Thread Runner CA',
      type: 'standalone-root',
      exitModules: [PROGID],
    });
    const engine = await openCa(dir);
    engine.store.setExitSubscribers(() => [PROGID]);
    const commit = () =>
      engine.store.transaction(async (tx) => {
        const id = await tx.insertRequest(requestRow());
        await tx.recordExitEvent(EXITEVENT_CERTISSUED, id);
        return id;
      });
    const before = await commit();

    const { port1, port2 } = new MessageChannel();
    const messages: FromExitHostThread[] = [];
    port2.on('message', (m: FromExitHostThread) => messages.push(m));
    const signals = new SharedArrayBuffer(SIGNALS_BYTES);
    const calls = new SharedArrayBuffer(CALLS_BYTES);
    void runExitHostThread(port1, {
      dir,
      entry: 'file:///not-used-on-this-thread.js',
      builtins: pathToFileURL(resolve(import.meta.dirname, '../../test/support/thread-builtins.ts')).href,
      logLevel: 'info',
      calls,
      signals,
      shareUnderLoad: 1,
      holdUnderLoadMs: 0,
    });
    const ready = await eventually(() => {
      const m = messages.find((x) => x.type === 'ready');
      expect(m).toBeDefined();
      return m as Extract<FromExitHostThread, { type: 'ready' }>;
    });
    expect(ready.modules).toEqual([
      { progId: PROGID, description: `Recording ${PROGID}`, mask: expect.any(Number), binding: 'direct' },
    ]);
    const delivered = () =>
      messages
        .flatMap((m) => (m.type === 'delivered' ? m.records : []))
        .filter((r) => r.ok)
        .map((r) => r.context);
    await eventually(() => expect(delivered()).toContain(before));
    expect(threadSeen.find((s) => s.context === before)?.reads).toEqual({ RequestID: before });

    // Committed after the thread started: delivered once the engine bumps the wake counter.
    const after = await commit();
    Atomics.add(new Int32Array(signals), SIGNAL_WAKE, 1);
    await eventually(() => expect(delivered()).toContain(after));
    // Each call was recorded while in flight and forgotten when it returned.
    expect(takeCalls(calls)).toEqual({ calls: [], complete: true });
    expect(messages.some((m) => m.type === 'log' && m.level === 'info' && m.message === 'exit module loaded')).toBe(
      true,
    );

    if (store.name === 'sqlite') {
      // The engine hands its log's checkpoints to the thread, whose connection runs them: what the engine commits
      // reaches the database file with no checkpointer thread, far below SQLite's own 1,000-page checkpoint.
      const database = join(dir, 'certexit.db');
      const takeBack = engine.store.walCheckpoints?.delegate(
        () => void Atomics.add(new Int32Array(signals), SIGNAL_CHECKPOINT, 1),
      );
      expect(takeBack).toBeDefined();
      const sizeBefore = statSync(database).size;
      for (let i = 0; i < 32; i++) {
        await engine.store.transaction((tx) =>
          tx.insertRequest({ ...requestRow(), RawRequest: new Uint8Array(16_384).fill(i) }),
        );
      }
      expect(Atomics.load(new Int32Array(signals), SIGNAL_CHECKPOINT)).toBe(2); // one request every 16 commits
      // 32 requests of 16 KiB: about 512 KiB, all of it in the log until the thread checkpointed it.
      await eventually(() => expect(statSync(database).size).toBeGreaterThan(sizeBefore + 400_000));
      takeBack?.();
    } else {
      // PostgreSQL checkpoints its own log: the store offers no checkpoints to hand over.
      expect(engine.store.walCheckpoints).toBeUndefined();
    }

    port2.postMessage({ type: 'ping', id: 7 });
    await eventually(() => expect(messages).toContainEqual({ type: 'pong', id: 7 }));
    port2.postMessage({ type: 'stop', graceMs: 2_000, sendShutdownEvent: true });
    await eventually(() => expect(messages.some((m) => m.type === 'stopped')).toBe(true));
    expect(threadSeen.some((s) => s.event === EXITEVENT_SHUTDOWN)).toBe(true);
    // Every notification was recorded done by the thread's connection.
    expect((await engine.store.outbox.list({ status: 'done' })).map((r) => r.context).sort()).toEqual(
      [before, after].sort(),
    );
    await engine.store.close();
  });

  it('says why it cannot start', async () => {
    const { port1, port2 } = new MessageChannel();
    const failed = new Promise<FromExitHostThread>((r) => port2.once('message', r));
    void runExitHostThread(port1, {
      dir: join(work, 'no-such-ca'),
      entry: 'file:///unused.js',
      builtins: 'file:///unused.js',
      logLevel: 'info',
      calls: new SharedArrayBuffer(CALLS_BYTES),
      signals: new SharedArrayBuffer(SIGNALS_BYTES),
      shareUnderLoad: 1,
      holdUnderLoadMs: 0,
    });
    const message = await failed;
    expect(message).toMatchObject({ type: 'failed', error: expect.stringMatching(/holds no CA/) });
  });
});
