import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExitModuleFactoryV1, ICertServerExit } from '@certexit/core';
import {
  CertexitError,
  DB_DISP_ISSUED,
  E_ACCESSDENIED,
  E_INVALIDARG,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  HRESULT_TIMEOUT,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
} from '@certexit/core';
import { createCapturingLogger } from '@certexit/testing';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import type { TestStore } from '../../test/support/test-stores';
import { TEST_STORES } from '../../test/support/test-stores';
import { caRegistryPaths } from '../ca/ca-configuration-paths';
import { openCa } from '../ca/open-ca';
import type { CertificateAuthorityOptions } from '../engine/certificate-authority';
import { CertificateAuthority } from '../engine/certificate-authority';
import { setupCa } from '../engine/setup-ca';

/** One Notify call as a scripted module saw it. */
interface Call {
  event: number;
  context: number;
  eventId: string;
}

/**
 * A module for outbox tests: it records every call (with the `EventID` it reads) and then does what `act`
 * answers for that call: nothing, throw, reject, hang, or return a value.
 */
function scriptedModule(
  progId: string,
  calls: Call[],
  act: (call: Call, server: ICertServerExit) => unknown = () => undefined,
  mask = EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED,
): ExitModuleFactoryV1 {
  return {
    specificationVersion: 'v1',
    progId,
    version: '0.0.0',
    create: (services) => ({
      Initialize: () => mask,
      GetDescription: () => `Scripted ${progId}`,
      async Notify(event: number, context: number) {
        const server = services.createServerExit();
        await server.SetContext(context);
        const eventId = String(await server.GetCertificateProperty('EventID', PROPTYPE_STRING));
        const call = { event, context, eventId };
        calls.push(call);
        return act(call, server);
      },
    }),
  };
}

const dirs: string[] = [];
const open: CertificateAuthority[] = [];
afterEach(async () => {
  for (const a of open.splice(0)) await a.stop({ sendShutdownEvent: false, graceMs: 50 }).catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function newCa(store: TestStore, active: string[], settings: Record<string, Record<string, number>> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-outbox-'));
  dirs.push(dir);
  const storeSettings = store.settings();
  await setupCa({
    dir,
    commonName: 'Outbox CA',
    type: 'standalone-root',
    exitModules: active,
    ...(storeSettings && { store: storeSettings }),
  });
  const ca = await openCa(dir);
  for (const [progId, values] of Object.entries(settings)) {
    for (const [name, value] of Object.entries(values)) {
      ca.registry.setValue(`${caRegistryPaths.exitModule(ca.sanitizedName, progId)}\\${name}`, value);
    }
  }
  await ca.store.close();
  return dir;
}

async function start(dir: string, options: Partial<CertificateAuthorityOptions>) {
  const authority = await CertificateAuthority.open({ dir, logger: createCapturingLogger(), ...options });
  open.push(authority);
  return authority;
}

async function csr(cn = 'outbox') {
  const keyPair = await generateKeyPair('ECDSA_P256');
  return toPem(
    await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: `CN=${cn}` }),
    'CERTIFICATE REQUEST',
  );
}

/** Submits and approves: a standalone CA keeps requests pending, and resubmit issues. */
async function issue(authority: CertificateAuthority, cn?: string) {
  const pending = await authority.submit({ request: await csr(cn) });
  const issued = await authority.resubmit(pending.requestId);
  expect(issued.disposition).toBe(DB_DISP_ISSUED);
  return issued;
}

const fast = { RetryBaseMs: 5, RetryMaxMs: 20 };

describe.each(TEST_STORES)('exit outbox on $name: durable, isolated delivery', (store) => {
  it('writes one row per subscribed module in the transaction of the change, and marks it done', async () => {
    const dir = await newCa(store, ['A.Exit', 'B.Exit']);
    const a: Call[] = [];
    const b: Call[] = [];
    const authority = await start(dir, {
      builtins: { 'A.Exit': scriptedModule('A.Exit', a), 'B.Exit': scriptedModule('B.Exit', b) },
    });
    const issued = await issue(authority);
    expect(issued.deliveries.map((d) => [d.progId, d.ok, d.attempt])).toEqual([
      ['A.Exit', true, 1],
      ['B.Exit', true, 1],
    ]);
    const { outbox } = authority.ca.store;
    const eventId = await outbox.latestEventId(EXITEVENT_CERTISSUED, issued.requestId);
    const rows = await outbox.forEvent(eventId!);
    expect(rows.map((r) => [r.progId, r.status, r.attempts])).toEqual([
      ['A.Exit', 'done', 1],
      ['B.Exit', 'done', 1],
    ]);
    // One event, one identifier, for every module.
    expect(a.at(-1)?.eventId).toBe(`Outbox CA/${eventId}`);
    expect(b.at(-1)?.eventId).toBe(a.at(-1)?.eventId);
  });

  it('retries with backoff, keeps the event id stable, and delivers a request in order: issued before revoked', async () => {
    const dir = await newCa(store, ['Flaky.Exit'], { 'Flaky.Exit': { ...fast, MaxAttempts: 10 } });
    const calls: Call[] = [];
    let issuedFailures = 0;
    const authority = await start(dir, {
      delivery: 'background',
      builtins: {
        'Flaky.Exit': scriptedModule('Flaky.Exit', calls, (call) => {
          if (call.event === EXITEVENT_CERTISSUED && issuedFailures < 3) {
            issuedFailures++;
            throw new Error('target unavailable');
          }
        }),
      },
    });
    const issued = await issue(authority);
    await authority.revoke(issued.serialNumber!, { reason: 1 });
    await eventually(() => expect(calls.filter((c) => c.event === EXITEVENT_CERTREVOKED)).toHaveLength(1));
    expect(calls.map((c) => c.event)).toEqual([
      EXITEVENT_CERTISSUED,
      EXITEVENT_CERTISSUED,
      EXITEVENT_CERTISSUED,
      EXITEVENT_CERTISSUED,
      EXITEVENT_CERTREVOKED,
    ]);
    // The same identifier on every attempt of the issued event; another one for the revocation.
    const ids = new Set(calls.filter((c) => c.event === EXITEVENT_CERTISSUED).map((c) => c.eventId));
    expect(ids.size).toBe(1);
    expect(calls.at(-1)?.eventId).not.toBe([...ids][0]);
    // The outcome of the last call is recorded just after the module returns.
    await eventually(async () => {
      const rows = await authority.ca.store.outbox.list({ progId: 'Flaky.Exit', status: 'done' });
      expect(rows.map((r) => [r.event, r.attempts])).toEqual([
        [EXITEVENT_CERTISSUED, 4],
        [EXITEVENT_CERTREVOKED, 1],
      ]);
    });
  });

  it('dead-letters after MaxAttempts, logs each failure as event 46, and delivers again on retry', async () => {
    const dir = await newCa(store, ['Down.Exit'], { 'Down.Exit': { ...fast, MaxAttempts: 3, BreakerThreshold: 100 } });
    const calls: Call[] = [];
    let up = false;
    const logger = createCapturingLogger();
    const authority = await start(dir, {
      logger,
      delivery: 'background',
      builtins: {
        'Down.Exit': scriptedModule('Down.Exit', calls, () => (up ? undefined : Promise.reject(new Error('down')))),
      },
    });
    await issue(authority);
    const { outbox } = authority.ca.store;
    const [dead] = await eventually(async () => {
      const rows = await outbox.list({ status: 'dead' });
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(dead).toMatchObject({ progId: 'Down.Exit', attempts: 3, lastError: expect.stringContaining('down') });
    expect(calls).toHaveLength(3);
    const event46 = logger.entries.filter((e) => (e.fields as { eventId?: number }).eventId === 46);
    expect(event46).toHaveLength(3);

    up = true;
    expect(await outbox.retry({ id: dead!.id }, new Date())).toHaveLength(1);
    authority.wakeExitOutbox();
    await eventually(async () => expect((await outbox.get(dead!.id))?.status).toBe('done'));
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.eventId)).size).toBe(1);
  });

  it('opens the circuit breaker for a module whose notifications of different requests fail, and probes it later', async () => {
    const dir = await newCa(store, ['Broken.Exit'], {
      // Open long enough for the third issuance (a round trip or more to PostgreSQL) to come while it is.
      'Broken.Exit': { ...fast, MaxAttempts: 100, BreakerThreshold: 2, BreakerOpenMs: 1_500 },
    });
    const calls: Call[] = [];
    let up = false;
    const logger = createCapturingLogger();
    const authority = await start(dir, {
      logger,
      delivery: 'background',
      builtins: {
        'Broken.Exit': scriptedModule('Broken.Exit', calls, () => {
          if (!up) throw new Error('broken');
        }),
      },
    });
    await issue(authority, 'one');
    await issue(authority, 'two');
    const lane = authority.outbox!.lane('Broken.Exit')!;
    await eventually(() => expect(lane.breaker.state).toBe('open'));
    // A call that started before it opened (a retry) may still be reading its request, a round trip on PostgreSQL,
    // before the module records it: count once every call started has ended.
    await eventually(() => expect(lane.callsInFlight).toBe(0));
    expect(new Set(calls.map((c) => c.context)).size).toBe(2);
    expect(logger.entries.some((e) => /circuit breaker opened/.test(e.msg ?? ''))).toBe(true);
    const whileOpen = calls.length;
    // More work arrives while open: nothing is called, nothing uses up an attempt.
    await issue(authority, 'three');
    expect(calls.length).toBe(whileOpen);
    // The probe after BreakerOpenMs fails: open again, one call more.
    await eventually(() => expect(calls.length).toBe(whileOpen + 1), 5_000);
    expect(lane.breaker.state).not.toBe('closed');
    up = true;
    await eventually(async () => expect(await authority.ca.store.outbox.list({})).toEqual([]), 5_000);
    expect(lane.breaker.state).toBe('closed');
  });

  // Issue 12: "a notification that keeps failing stalls everything behind it" (0 of 30 later ones delivered in
  // 60 s), and "the circuit breaker opens on one request's repeated failure and starves every other request".
  it('lets one request that always fails delay nothing but its own later events; the breaker stays closed', async () => {
    const dir = await newCa(store, ['Stuck.Exit'], {
      'Stuck.Exit': { RetryBaseMs: 10, RetryMaxMs: 40, MaxAttempts: 1000, BreakerThreshold: 3, BreakerOpenMs: 60_000 },
    });
    const calls: Call[] = [];
    let poison = 0;
    const authority = await start(dir, {
      delivery: 'background',
      builtins: {
        'Stuck.Exit': scriptedModule(
          'Stuck.Exit',
          calls,
          (call) => {
            // Until the poison's RequestID is known, only its own issuance can be delivered: that fails too.
            if (poison === 0 || call.context === poison) throw new Error('this request always fails');
          },
          EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED | EXITEVENT_CRLISSUED,
        ),
      },
    });
    const first = await issue(authority, 'poison');
    poison = first.requestId;
    // Its revocation waits behind its failing issuance: per-request order is kept.
    await authority.revoke(first.serialNumber!, { reason: 1 });
    // It fails again and again, far past the breaker's threshold.
    await eventually(() => expect(calls.filter((c) => c.context === poison).length).toBeGreaterThan(10));
    const later = [];
    for (let i = 0; i < 30; i++) later.push(await issue(authority, `later${i}`));
    // A CA-scope event (context 0) is not held by a failing request's either.
    await authority.publishCrls();
    await eventually(() => expect(calls.some((c) => c.event === EXITEVENT_CRLISSUED && c.context === 0)).toBe(true));
    await eventually(async () => {
      const done = await authority.ca.store.outbox.list({ progId: 'Stuck.Exit', status: 'done', limit: 1000 });
      expect(done.filter((r) => r.context !== poison && r.context !== 0)).toHaveLength(30);
    }, 20_000);
    expect(authority.outbox!.lane('Stuck.Exit')!.breaker.state).toBe('closed');
    // Every later notification went through on its first attempt; the poison's revocation still waits.
    const done = await authority.ca.store.outbox.list({ progId: 'Stuck.Exit', status: 'done', limit: 1000 });
    expect(done.every((r) => r.attempts === 1)).toBe(true);
    expect(calls.some((c) => c.context === poison && c.event === EXITEVENT_CERTREVOKED)).toBe(false);
    const open = await authority.ca.store.outbox.list({ progId: 'Stuck.Exit' });
    expect(open.map((r) => [r.context, r.event])).toEqual([
      [poison, EXITEVENT_CERTISSUED],
      [poison, EXITEVENT_CERTREVOKED],
    ]);
  }, 60_000);

  // Issue 12: "permanent errors are retried ten times like transient ones".
  it('dead-letters a permanent failure at once, with the reason, without counting it towards the breaker', async () => {
    const dir = await newCa(store, ['Strict.Exit'], {
      'Strict.Exit': { ...fast, MaxAttempts: 10, BreakerThreshold: 2 },
    });
    const calls: Call[] = [];
    const logger = createCapturingLogger();
    const authority = await start(dir, {
      logger,
      delivery: 'background',
      builtins: {
        'Strict.Exit': scriptedModule('Strict.Exit', calls, (call) => {
          if (call.event !== EXITEVENT_CERTISSUED) return;
          // One says so; the other returns an HRESULT that cannot pass on a retry.
          if (calls.filter((c) => c.event === EXITEVENT_CERTISSUED).length === 1)
            throw new CertexitError({ message: 'the target refuses this certificate', isRetryable: false });
          throw new CertexitError({ hresult: E_ACCESSDENIED, message: 'access denied' });
        }),
      },
    });
    const one = await issue(authority, 'one');
    const two = await issue(authority, 'two');
    await eventually(async () => {
      const dead = await authority.ca.store.outbox.list({ progId: 'Strict.Exit', status: 'dead' });
      expect(dead.map((r) => [r.context, r.attempts])).toEqual([
        [one.requestId, 1],
        [two.requestId, 1],
      ]);
      // Which request's call came first is not fixed (order holds per request): one reason each, in either order.
      const reasons = dead.map((r) => r.deadReason ?? '').sort();
      expect(reasons[0]).toMatch(/permanent failure, not retried: E_ACCESSDENIED/);
      expect(reasons[1]).toMatch(/permanent failure, not retried: the module said retrying cannot help/);
    });
    expect(calls.filter((c) => c.event === EXITEVENT_CERTISSUED)).toHaveLength(2);
    expect(authority.outbox!.lane('Strict.Exit')!.breaker.state).toBe('closed');
    expect(logger.entries.some((e) => /dead-lettered: permanent failure/.test(e.msg ?? ''))).toBe(true);
    // A third request's notification goes through: nothing was held.
    const three = await issue(authority, 'three');
    await eventually(() => expect(calls.some((c) => c.context === three.requestId)).toBe(true));
  });

  // Issue 12: "a process module can forge the host's log fields": no module can, in process or out.
  it("keeps an in-process module's log fields in their own namespace", async () => {
    const dir = await newCa(store, ['Loud.Exit']);
    const logger = createCapturingLogger();
    const authority = await start(dir, {
      logger,
      builtins: {
        'Loud.Exit': {
          specificationVersion: 'v1',
          progId: 'Loud.Exit',
          version: '0.0.0',
          create: (services) => ({
            Initialize: () => EXITEVENT_CERTISSUED,
            GetDescription: () => 'loud',
            Notify() {
              services.logger.error({ eventId: 46, level: 'fatal', module: 'Other.Exit', msg: 'x' }, 'forged');
            },
          }),
        },
      },
    });
    await issue(authority);
    const entry = logger.entries.find((e) => e.msg === 'forged');
    expect(entry?.fields).toEqual({
      module: 'Loud.Exit',
      fields: { eventId: 46, level: 'fatal', module: 'Other.Exit', msg: 'x' },
    });
    expect(logger.entries.filter((e) => (e.fields as { eventId?: number }).eventId === 46)).toEqual([]);
  });

  it('never lets a hung module delay issuance or another module', async () => {
    const dir = await newCa(store, ['Hung.Exit', 'Good.Exit'], { 'Hung.Exit': { MaxConcurrency: 2 } });
    const hung: Call[] = [];
    const good: Call[] = [];
    const authority = await start(dir, {
      delivery: 'background',
      notifyTimeoutMs: 600_000,
      builtins: {
        'Hung.Exit': scriptedModule('Hung.Exit', hung, () => new Promise(() => {})),
        'Good.Exit': scriptedModule('Good.Exit', good),
      },
    });
    const issued = [];
    for (let i = 0; i < 6; i++) issued.push(await issue(authority, `r${i}`));
    expect(issued.every((o) => o.disposition === DB_DISP_ISSUED)).toBe(true);
    // Good got every event; Hung holds only as many calls as its concurrency bound, the rest wait their turn.
    await eventually(() => expect(good.filter((c) => c.event === EXITEVENT_CERTISSUED)).toHaveLength(6));
    expect(hung).toHaveLength(2);
    const counts = await authority.ca.store.outbox.counts(new Date(), 'Hung.Exit');
    const byStatus = Object.fromEntries(counts.map((c) => [c.status, c.count]));
    expect(byStatus).toEqual({ delivering: 2, pending: 4 });
  });

  it('contains faults: throw, reject, timeout, garbage, unknown names and wrong types; the others go on', async () => {
    const dir = await newCa(store, ['Faulty.Exit', 'Good.Exit'], { 'Faulty.Exit': { MaxAttempts: 1 } });
    const faulty: Call[] = [];
    const good: Call[] = [];
    const reads: unknown[] = [];
    const acts = [
      () => {
        throw new Error('thrown');
      },
      () => Promise.reject(new Error('rejected')),
      () => new Promise(() => {}),
      () => ({ not: 'an HRESULT' }),
      async (_call: Call, server: ICertServerExit) => {
        for (const read of [
          () => server.GetCertificateProperty('NoSuchProperty', PROPTYPE_STRING),
          () => server.GetCertificateProperty('EventID', PROPTYPE_LONG),
          () => server.GetRequestProperty('RequestID', 'seven' as unknown as number),
        ]) {
          try {
            await read();
          } catch (error) {
            reads.push(CertexitError.hresultOf(error));
          }
        }
      },
    ];
    const authority = await start(dir, {
      notifyTimeoutMs: 100,
      builtins: {
        'Faulty.Exit': scriptedModule('Faulty.Exit', faulty, (call, server) => acts[faulty.length - 1]!(call, server)),
        'Good.Exit': scriptedModule('Good.Exit', good),
      },
    });
    const results = [];
    for (let i = 0; i < acts.length; i++) results.push(await issue(authority, `f${i}`));
    expect(results.map((r) => r.deliveries.find((d) => d.progId === 'Faulty.Exit')?.ok)).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(results[2]?.deliveries.find((d) => d.progId === 'Faulty.Exit')?.hresult).toBe(HRESULT_TIMEOUT);
    expect(good.filter((c) => c.event === EXITEVENT_CERTISSUED)).toHaveLength(acts.length);
    // Each bad read got a clear error back: unknown name, wrong type, not a type at all.
    expect(reads).toHaveLength(3);
    expect(reads.every((h) => typeof h === 'number' && h !== 0)).toBe(true);
    expect(reads[1]).toBe(E_INVALIDARG);
    const dead = await authority.ca.store.outbox.list({ status: 'dead' });
    expect(dead.map((r) => r.lastError)).toEqual([
      expect.stringContaining('thrown'),
      expect.stringContaining('rejected'),
      expect.stringMatching(/time/i),
      expect.stringContaining('not an HRESULT'),
    ]);
  });

  it('takes back what a crashed process left in delivery, and delivers rows left pending, at the next open', async () => {
    const dir = await newCa(store, ['Late.Exit']);
    const first: Call[] = [];
    const before = await start(dir, {
      delivery: 'background',
      notifyTimeoutMs: 600_000,
      builtins: { 'Late.Exit': scriptedModule('Late.Exit', first, () => new Promise(() => {})) },
    });
    const one = await issue(before, 'one');
    const two = await issue(before, 'two');
    await eventually(() => expect(first.length).toBe(2));
    open.splice(open.indexOf(before), 1);
    await before.stop({ sendShutdownEvent: false, graceMs: 10 });
    // A crash leaves rows claimed by a process that no longer runs (its lease not yet over).
    const ca = await openCa(dir);
    const eventId = await ca.store.outbox.latestEventId(EXITEVENT_CERTISSUED, one.requestId);
    const claimed = await ca.store.outbox.claim('Late.Exit', {
      now: new Date(Date.now() + 1000),
      limit: 1,
      owner: `${hostname()}:${2 ** 22 + 17}:dead`,
      leaseUntil: new Date(Date.now() + 3_600_000),
      eventIds: [eventId!],
    });
    expect(claimed.map((r) => r.context)).toEqual([one.requestId]);
    await ca.store.close();

    const second: Call[] = [];
    const after = await start(dir, {
      delivery: 'background',
      builtins: { 'Late.Exit': scriptedModule('Late.Exit', second) },
    });
    await eventually(async () => expect(await after.ca.store.outbox.list({})).toEqual([]));
    expect(second.map((c) => c.context).sort()).toEqual([one.requestId, two.requestId].sort());
    // At-least-once, with the identifiers of the first attempts: a target deduplicates by them.
    expect(second.map((c) => c.eventId).sort()).toEqual(first.map((c) => c.eventId).sort());
  });
});
