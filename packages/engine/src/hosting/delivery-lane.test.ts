import type { HostedExitModuleV1 } from '@certexit/core';
import { EXITEVENT_CERTISSUED } from '@certexit/core';
import { createCapturingLogger } from '@certexit/testing';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import type { ExitOutboxStore, OutboxRow } from '../store/exit-outbox-store';
import type { DeliveryLaneOptions } from './delivery-lane';
import { DeliveryLane } from './delivery-lane';
import type { DeliveryRecord } from './delivery-record';
import { InFlightDeliveries } from './in-flight-deliveries';
import type { LoadedExitModule } from './load-exit-modules';

/** A module answering every call at once, recording the contexts it was called for. */
function recordingModule(contexts: number[]): LoadedExitModule {
  const hosted = {
    specificationVersion: 'v1',
    binding: 'direct',
    async doNotify(_event: number, context: number) {
      contexts.push(context);
      return { ok: true, hresult: 0, value: undefined };
    },
  } as unknown as HostedExitModuleV1;
  return {
    progId: 'Lane.Exit',
    description: 'lane test',
    mask: EXITEVENT_CERTISSUED,
    hosted,
    manage: undefined,
    settings: {
      retry: { maxAttempts: 3, baseMs: 5, maxMs: 20 },
      breaker: { threshold: 5, openMs: 1_000 },
      notifyTimeoutMs: 1_000,
      concurrency: 1,
    },
  };
}

function row(id: number): OutboxRow {
  const at = new Date();
  return {
    id,
    progId: 'Lane.Exit',
    eventId: id,
    event: EXITEVENT_CERTISSUED,
    context: id,
    status: 'delivering',
    attempts: 1,
    nextAttemptAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

/** A lane of {@link recordingModule} over a store that answers what the test gives it. */
function laneOver(store: Partial<ExitOutboxStore>, contexts: number[], options: Partial<DeliveryLaneOptions> = {}) {
  return new DeliveryLane({
    module: recordingModule(contexts),
    outbox: store as ExitOutboxStore,
    inFlight: new InFlightDeliveries(),
    sanitizedCaName: 'Lane CA',
    owner: 'test',
    logger: createCapturingLogger(),
    now: Date.now,
    onAttempt: () => undefined,
    ...options,
  });
}

describe('DeliveryLane', () => {
  // The lane's wake flag was read before it looked up its next due time and not after: a row committed while that
  // lookup ran (a network round trip on PostgreSQL) waited for the next wake, or the poller.
  it('claims again when woken while it looks up its next due time', async () => {
    const due: OutboxRow[] = [];
    const lookups: Array<() => void> = [];
    const contexts: number[] = [];
    const lane = laneOver(
      {
        claim: async (_progId, claim) => due.splice(0, claim.limit),
        completeAll: async () => undefined,
        nextDueAfter: () =>
          new Promise<undefined>((resolve) => {
            lookups.push(() => resolve(undefined));
          }),
      },
      contexts,
    );

    lane.wake(); // nothing due: the lane goes idle, looking up when to look again
    await eventually(() => expect(lookups).toHaveLength(1));
    due.push(row(7)); // a commit adds a row and wakes the lane meanwhile
    lane.wake();
    lookups.shift()?.();

    await eventually(() => expect(contexts).toEqual([7]));
    // Idle again, the lane looks up its next due time once more; let it end.
    await eventually(() => expect(lookups.length).toBeGreaterThan(0));
    for (const answer of lookups.splice(0)) answer();
  });

  // The exit-module thread sends each outcome to the engine; taken only once the outbox had recorded it, an outcome
  // was lost when the next module's call blocked the thread before it read the store's answer.
  it("tells the call's observer its outcome as it returns, before the outbox has recorded it", async () => {
    const due = [row(9)];
    const recorded: Array<() => void> = [];
    const observed: DeliveryRecord[] = [];
    const attempts: DeliveryRecord[] = [];
    const lane = laneOver(
      {
        claim: async (_progId, claim) => due.splice(0, claim.limit),
        completeAll: () =>
          new Promise<void>((resolve) => {
            recorded.push(resolve);
          }),
        nextDueAfter: async () => undefined,
      },
      [],
      {
        onCall: () => (record) => observed.push(record),
        onAttempt: (record) => attempts.push(record),
      },
    );

    lane.wake();
    await eventually(() => expect(recorded).toHaveLength(1)); // the call returned; its `done` is being written
    expect(observed).toEqual([expect.objectContaining({ progId: 'Lane.Exit', context: 9, ok: true, attempt: 1 })]);
    expect(attempts).toEqual([]);
    recorded.shift()?.();
    await eventually(() => expect(attempts).toEqual(observed));
  });
});
