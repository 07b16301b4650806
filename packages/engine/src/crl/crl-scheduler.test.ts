import { EXITEVENT_CRLISSUED } from '@certexit/core';
import { createCapturingLogger } from '@certexit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { CrlTestCa } from '../../test/support/crl-test-ca';
import { crlTestCa } from '../../test/support/crl-test-ca';
import { TEST_STORES } from '../../test/support/test-stores';
import { CrlScheduler } from './crl-scheduler';
import { startCrlSchedule } from './start-crl-schedule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let ca: CrlTestCa | undefined;
afterEach(async () => {
  await ca?.close();
  ca = undefined;
});

const crlEvents = async (t: CrlTestCa) =>
  (await t.authority.ca.store.listExitEvents()).filter((e) => e.event === EXITEVENT_CRLISSUED).length;

describe.each(TEST_STORES)('CrlScheduler on $name', (store) => {
  it('publishes a delta at its Next CRL Publish time and a base (with its delta) at the base one', async () => {
    const start = new Date(Date.now() - 30 * DAY);
    let clock = start;
    ca = await crlTestCa({ store, now: () => clock, setupNow: start });
    const scheduler = new CrlScheduler(ca.authority.services, { logger: createCapturingLogger() });
    // Setup published base 1 (next in a week) and delta 2 (next in a day).
    clock = new Date(start.getTime() + HOUR);
    expect(await scheduler.state()).toEqual({ next: new Date(start.getTime() + DAY) });
    expect(await scheduler.runDue()).toBeUndefined();
    clock = new Date(start.getTime() + DAY + 1000);
    expect((await scheduler.state()).due).toBe('delta');
    const delta = await scheduler.runDue();
    expect(delta?.crls.map((c) => [c.isDelta, c.crlNumber, c.deltaOfBase])).toEqual([[true, 3, 1]]);
    expect(await scheduler.state()).toEqual({ next: new Date(clock.getTime() + DAY) });
    clock = new Date(start.getTime() + 7 * DAY + 1000);
    expect((await scheduler.state()).due).toBe('base');
    const base = await scheduler.runDue();
    expect(base?.crls.map((c) => [c.isDelta, c.crlNumber])).toEqual([
      [false, 4],
      [true, 5],
    ]);
    expect(await crlEvents(ca)).toBe(2);
  });

  it('publishes a delta at once when delta CRLs were enabled after the last base', async () => {
    ca = await crlTestCa({ store });
    const { registry, registryPath } = ca.authority.ca;
    registry.setValue(`${registryPath}\\CRLDeltaPeriodUnits`, 0);
    await ca.authority.publishCrls();
    const scheduler = new CrlScheduler(ca.authority.services, { logger: createCapturingLogger() });
    expect((await scheduler.state()).due).toBeUndefined();
    registry.setValue(`${registryPath}\\CRLDeltaPeriodUnits`, 1);
    expect((await scheduler.state()).due).toBe('delta');
    const published = await scheduler.runDue();
    expect(published?.crls.map((c) => [c.isDelta, c.crlNumber, c.deltaOfBase])).toEqual([[true, 4, 3]]);
  });

  it('runs on real timers until stopped, and logs and retries a failing publication', async () => {
    ca = await crlTestCa({ store });
    const t = ca;
    const { registry, registryPath } = t.authority.ca;
    for (const [name, value] of [
      ['CRLPeriod', 'Seconds'],
      ['CRLPeriodUnits', 1],
      ['CRLDeltaPeriodUnits', 0],
      ['ClockSkewMinutes', 0],
    ] as const) {
      registry.setValue(`${registryPath}\\${name}`, value);
    }
    await t.authority.publishCrls(); // next publish in one second
    const logger = createCapturingLogger();
    const controller = new AbortController();
    const scheduler = startCrlSchedule(t.authority, { logger, signal: controller.signal });
    const before = await crlEvents(t);
    const deadline = Date.now() + 5000;
    // The log line of a publication follows its commit: wait for both.
    const logged = () => logger.entries.filter((e) => e.msg === 'published base CRL').length;
    while (((await crlEvents(t)) < before + 2 || logged() < 2) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await crlEvents(t)).toBeGreaterThanOrEqual(before + 2);
    expect(logger.entries.filter((e) => e.msg === 'published base CRL').length).toBeGreaterThanOrEqual(2);
    controller.abort();
    await scheduler.stop();
    const stopped = await crlEvents(t);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await crlEvents(t)).toBe(stopped);

    // A broken configuration: logged, retried, never thrown.
    registry.setValue(`${registryPath}\\CRLPeriodUnits`, 0);
    const failing = new CrlScheduler(t.authority.services, { logger, retryMs: 20 }).start();
    const until = Date.now() + 3000;
    while (logger.entries.filter((e) => e.level === 'error').length < 2 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await failing.stop();
    const errors = logger.entries.filter((e) => e.level === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toMatchObject({ msg: 'CRL publication failed; retrying later', fields: { retryInMs: 20 } });
    expect(String((errors[0]?.fields as { err?: string } | undefined)?.err)).toMatch(/CRLPeriodUnits is 0/);
  });
});
