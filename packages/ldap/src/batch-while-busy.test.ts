import { describe, expect, it } from 'vitest';
import { batchWhileBusy } from './batch-while-busy';

describe('batchWhileBusy', () => {
  it('runs a lone call at once and the calls made meanwhile together', async () => {
    const runs: number[][] = [];
    let release: () => void = () => undefined;
    const lookup = batchWhileBusy(async (keys: readonly number[]) => {
      runs.push([...keys]);
      if (runs.length === 1) await new Promise<void>((r) => (release = r));
      return keys.map((k) => k * 10);
    }, 3);
    const first = lookup(1);
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4, 5].map((k) => lookup(k));
    release();
    expect(await first).toEqual([10]);
    expect(await Promise.all(rest)).toEqual([[20, 30, 40], [20, 30, 40], [20, 30, 40], [50]]);
    expect(runs).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('gives every caller of a failed batch its error, and runs the next batch', async () => {
    let calls = 0;
    const lookup = batchWhileBusy(async (keys: readonly string[]) => {
      calls++;
      if (keys.includes('bad')) throw new Error('search failed');
      return keys.length;
    }, 10);
    const results = await Promise.allSettled([lookup('bad'), lookup('other')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('search failed');
    expect(await lookup('good')).toBe(1);
    expect(calls).toBe(2);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const lookup = batchWhileBusy((): Promise<number> => {
      throw new Error('boom');
    }, 1);
    await expect(lookup(1)).rejects.toThrow('boom');
  });
});
