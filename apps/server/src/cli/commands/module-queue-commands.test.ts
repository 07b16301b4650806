import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HRESULT_TIMEOUT } from '@certexit/core';
import { openCa, setupCa } from '@certexit/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../main';

const work = mkdtempSync(join(tmpdir(), 'certexit-queue-'));
const dir = join(work, 'ca');
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['--dir', dir, ...args], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    logger: silent,
  });
  return { code, out, err };
}

describe('certexit module queue|retry|drop', () => {
  let ids: number[] = [];
  beforeAll(async () => {
    await setupCa({ dir, commonName: 'Queue CA', type: 'standalone-root', exitModules: [] });
    // Outbox rows as a module that was down would leave them: two dead for A, one pending for B.
    const ca = await openCa(dir);
    ca.store.setExitSubscribers(() => ['A.Exit', 'B.Exit']);
    await ca.store.transaction((tx) => tx.recordExitEvent(1, 0));
    await ca.store.transaction((tx) => tx.recordExitEvent(1, 0));
    const rows = await ca.store.outbox.list({});
    ids = rows.map((r) => r.id);
    for (const row of rows.filter((r) => r.progId === 'A.Exit')) {
      const [claimed] = await ca.store.outbox.claim('A.Exit', {
        now: new Date(),
        limit: 1,
        owner: 'test',
        leaseUntil: new Date(Date.now() + 60_000),
      });
      expect(claimed?.id).toBe(row.id);
      await ca.store.outbox.fail(row.id, 'test', {
        hresult: HRESULT_TIMEOUT,
        error: 'target down',
        nextAttemptAt: new Date(),
        dead: true,
        now: new Date(),
      });
    }
    await ca.store.close();
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('shows counts by module, status and age, and each item with its last error and attempts', async () => {
    const result = await cli('--json', 'module', 'queue');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out[0]!);
    expect(report.counts).toEqual([
      expect.objectContaining({ progId: 'A.Exit', status: 'dead', age: '<1m', count: 2 }),
      expect.objectContaining({ progId: 'B.Exit', status: 'pending', age: '<1m', count: 2 }),
    ]);
    expect(report.items.filter((i: { status: string }) => i.status === 'dead')).toEqual([
      expect.objectContaining({
        module: 'A.Exit',
        attempts: 1,
        lastError: 'target down',
        lastHresult: 'HRESULT_FROM_WIN32(ERROR_TIMEOUT) (0x800705b4)',
      }),
      expect.objectContaining({ module: 'A.Exit', attempts: 1 }),
    ]);
    const text = await cli('module', 'queue', 'B.Exit');
    expect(text.out.join('\n')).toMatch(/B\.Exit {2}pending {2}<1m {2}2/);
    expect(text.out.join('\n')).not.toMatch(/A\.Exit/);
  });

  it('retries one item by id or all of a module, and drops an item', async () => {
    const first = ids[0]!;
    expect(JSON.parse((await cli('--json', 'module', 'retry', String(first))).out[0]!)).toEqual({
      target: String(first),
      retried: 1,
    });
    const after = JSON.parse((await cli('--json', 'module', 'queue', 'A.Exit')).out[0]!);
    expect(
      after.items.map((i: { id: number; status: string; attempts: number }) => [i.id, i.status, i.attempts]),
    ).toEqual([
      [first, 'pending', 0],
      [expect.any(Number), 'dead', 1],
    ]);
    expect(JSON.parse((await cli('--json', 'module', 'retry', 'A.Exit')).out[0]!).retried).toBe(2);
    expect((await cli('module', 'drop', String(first))).out).toEqual([`item ${first} dropped`]);
    const again = await cli('module', 'drop', String(first));
    expect(again.code).toBe(1);
    expect(again.err.join('\n')).toMatch(new RegExp(`outbox item ${first} does not exist`));
    expect((await cli('module', 'drop', 'x')).err.join('\n')).toMatch(/is not an outbox item id/);
  });
});
