import { describe, expect, it } from 'vitest';
import { memoryIdempotencyStore as store } from './__fixtures__/memory-idempotency-store';
import { runOnce } from './run-once';

describe('runOnce', () => {
  it('runs an action once per EventID; a failure gives the claim back for the next attempt', async () => {
    const s = store();
    let runs = 0;
    const work = async () => {
      runs++;
      if (runs === 1) throw new Error('target down');
      return 'ok';
    };
    await expect(runOnce(s, { eventId: 'CA/1', action: 'file' }, work)).rejects.toThrow('target down');
    expect(s.records.size).toBe(0);
    // At most once: claimed before, given back on failure.
    await expect(
      runOnce(s, { eventId: 'CA/9', action: 'mail', ifInterrupted: 'skip' }, () => Promise.reject(new Error('smtp'))),
    ).rejects.toThrow('smtp');
    expect(s.records.size).toBe(0);
    expect(await runOnce(s, { eventId: 'CA/1', action: 'file' }, work)).toEqual({ status: 'ran', value: 'ok' });
    expect(await runOnce(s, { eventId: 'CA/1', action: 'file' }, work)).toEqual({ status: 'skipped', because: 'done' });
    expect(runs).toBe(2);
    // Another event, or another action, is another side effect.
    expect((await runOnce(s, { eventId: 'CA/2', action: 'file' }, work)).status).toBe('ran');
  });

  it('repeats an interrupted action by default, and skips it for at-most-once actions', async () => {
    const s = store();
    s.records.set('CA/1|mail:a@x.test', 'started');
    s.records.set('CA/1|directory', 'started');
    let mails = 0;
    expect(
      await runOnce(s, { eventId: 'CA/1', action: 'mail:a@x.test', ifInterrupted: 'skip' }, () => mails++),
    ).toEqual({ status: 'skipped', because: 'interrupted' });
    expect(mails).toBe(0);
    expect((await runOnce(s, { eventId: 'CA/1', action: 'directory' }, () => 1)).status).toBe('ran');
  });
});
