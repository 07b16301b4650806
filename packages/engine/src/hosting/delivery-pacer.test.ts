import { describe, expect, it } from 'vitest';
import { createDeliveryPacer } from './delivery-pacer';

/** Keeps this thread's event loop busy for most of `ms` (in slices, so the pacer's timer still runs). */
async function busyFor(ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const slice = Date.now() + 8;
    while (Date.now() < slice) {
      // spin: the pacer measures this thread's event-loop utilization
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('delivery pacer', () => {
  it('stays open while the engine is idle, however busy delivery keeps this thread', async () => {
    const pacer = createDeliveryPacer({ engineBusy: () => false, share: 0.1 });
    await busyFor(150);
    expect(pacer.open).toBe(true);
    pacer.stop();
  });

  it('closes while the engine is busy and delivery has used its share, and opens when the engine is idle again', async () => {
    let engineBusy = true;
    const pacer = createDeliveryPacer({ engineBusy: () => engineBusy, share: 0.1, holdMs: 0 });
    await busyFor(150);
    expect(pacer.open).toBe(false);
    const opened = pacer.whenOpen().then(() => 'opened');
    engineBusy = false;
    expect(await Promise.race([opened, new Promise((r) => setTimeout(() => r('still closed'), 500))])).toBe('opened');
    expect(pacer.open).toBe(true);
    pacer.stop();
  });

  it('opens again, with the engine still busy, once this thread has been idle long enough to be under its share', async () => {
    const pacer = createDeliveryPacer({ engineBusy: () => true, share: 0.5, holdMs: 0 });
    await busyFor(150);
    expect(pacer.open).toBe(false);
    await new Promise((r) => setTimeout(r, 200)); // idle: utilization over the last 100 ms falls to about 0
    expect(pacer.open).toBe(true);
    pacer.stop();
  });
});

describe('delivery pacer: the hold at the start of load', () => {
  it('holds delivery for the first holdMs of load even with the thread idle, then gives it its share', async () => {
    const pacer = createDeliveryPacer({ engineBusy: () => true, share: 0.5, holdMs: 300 });
    await new Promise((r) => setTimeout(r, 100));
    expect(pacer.open).toBe(false); // idle thread, well under its share: still held
    const opened = pacer.whenOpen().then(() => performance.now());
    const started = performance.now();
    expect(await opened).toBeGreaterThan(started + 100);
    expect(pacer.open).toBe(true);
    pacer.stop();
  });

  it('starts the hold again after the engine has been idle', async () => {
    let engineBusy = true;
    const pacer = createDeliveryPacer({ engineBusy: () => engineBusy, share: 1, holdMs: 200 });
    await pacer.whenOpen(); // after the first hold
    engineBusy = false;
    await new Promise((r) => setTimeout(r, 50));
    expect(pacer.open).toBe(true);
    engineBusy = true;
    await new Promise((r) => setTimeout(r, 50));
    expect(pacer.open).toBe(false); // a new stretch of load: held again
    await pacer.whenOpen();
    pacer.stop();
  });
});

describe('delivery pacer: one call at a time after an ambiguous death', () => {
  it('holds a second call while one is in flight, until every suspect has been called again', () => {
    const suspects = [
      { progId: 'A.Exit', context: 1 },
      { progId: 'B.Exit', context: 1 },
    ];
    const pacer = createDeliveryPacer({ engineBusy: () => false, suspects });
    expect(pacer.serial).toBe(true);
    const endA = pacer.callStarted(suspects[0]!);
    expect(pacer.open).toBe(false);
    endA();
    expect(pacer.open).toBe(true);
    const endOther = pacer.callStarted({ progId: 'C.Exit', context: 9 });
    expect(pacer.open).toBe(false); // still serial: B.Exit has not been called again
    endOther();
    const endB = pacer.callStarted(suspects[1]!);
    endB();
    expect(pacer.serial).toBe(false);
    pacer.callStarted({ progId: 'C.Exit', context: 10 });
    expect(pacer.open).toBe(true);
    pacer.stop();
  });

  it('gives up one-at-a-time after serialMs, suspects or not', async () => {
    const pacer = createDeliveryPacer({
      engineBusy: () => false,
      suspects: [{ progId: 'A.Exit', context: 1 }],
      serialMs: 30,
    });
    pacer.callStarted({ progId: 'C.Exit', context: 2 });
    expect(pacer.open).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(pacer.serial).toBe(false);
    expect(pacer.open).toBe(true);
    pacer.stop();
  });
});
