// A module that was down comes back to a backlog of 100,000 notifications: its drain rate against the steady-state
// delivery rate of the same module (events delivered as they come), measured in the same run, and the memory the
// drain takes (peak heapUsed and rss growth, sampled during the drain): bounded by a claim batch, not the backlog.
// The backlog is written straight through the store, in big transactions, before the module's lane starts.
// Prints `bench <name>: ratio <x> (target >= <y>)` as its last line. Run: node --expose-gc bench/outbox-backlog.bench.mjs
// after `npx pnpm@10.34.8 exec turbo run build --filter=certexit...`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, openCa, setupCa } from '../packages/engine/dist/index.js';

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 100_000);
const STEADY = Number(process.env.BENCH_BACKLOG_STEADY ?? 20_000);
const EXITEVENT_CERTISSUED = 0x1;
const PROGID = 'Bench_Backlog.Exit';
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** The module: reads the request id of each notification, checks it, and counts it. */
function countingModule(state) {
  return {
    specificationVersion: 'v1',
    progId: PROGID,
    version: '0.0.0',
    create: (services) => ({
      Initialize: () => EXITEVENT_CERTISSUED,
      GetDescription: () => 'bench backlog',
      async Notify(_event, context) {
        const server = services.createServerExit();
        await server.SetContext(context);
        if ((await server.GetRequestProperty('RequestID', 1)) !== context) throw new Error('wrong request');
        state.delivered++;
        state.last = performance.now();
      },
    }),
  };
}

async function newCa() {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-bench-backlog-'));
  await setupCa({ dir, commonName: 'Bench CA', type: 'standalone-root', exitModules: [PROGID] });
  return dir;
}

/** A denied request row to be the context of a notification (issuing 100,000 certificates would take minutes). */
const requestRow = () => ({
  RequestType: 0x100,
  RequestFlags: 0,
  StatusCode: 0,
  Disposition: 31,
  DispositionMessage: 'bench',
  SubmittedWhen: new Date(),
  ResolvedWhen: new Date(),
  RequesterName: 'BENCH\\user',
  CallerName: 'BENCH\\user',
  RequestAttributes: '',
  requestName: {},
  system: {},
});

/** Writes `count` request rows, each with one notification for the module, 10,000 per transaction. */
async function fill(store, count) {
  store.setExitSubscribers(() => [PROGID]);
  for (let at = 0; at < count; at += 10_000) {
    await store.transaction(async (tx) => {
      for (let i = at; i < Math.min(count, at + 10_000); i++)
        await tx.recordExitEvent(EXITEVENT_CERTISSUED, await tx.insertRequest(requestRow()));
    });
  }
}

async function until(check, ms = 600_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

// Steady state: events arrive one per transaction from 16 writers, each commit wakes the lane, as serve does.
const steadyDir = await newCa();
const steadyState = { delivered: 0, last: 0 };
const steady = await CertificateAuthority.open({
  dir: steadyDir,
  logger: silent,
  builtins: { [PROGID]: countingModule(steadyState) },
  delivery: 'background',
});
let next = 1;
const steadyStart = performance.now();
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next <= STEADY) {
      next++;
      await steady.ca.store.transaction(async (tx) =>
        tx.recordExitEvent(EXITEVENT_CERTISSUED, await tx.insertRequest(requestRow())),
      );
      steady.wakeExitOutbox();
    }
  }),
);
await until(() => steadyState.delivered >= STEADY);
const steadyRate = (STEADY * 1000) / (steadyState.last - steadyStart);
await steady.stop({ sendShutdownEvent: false });
rmSync(steadyDir, { recursive: true, force: true });
console.log(`steady state: ${STEADY} events delivered as they come, ${steadyRate.toFixed(0)} per second`);

// Backlog: written while the module is down (no lane runs), then the module comes back.
const backlogDir = await newCa();
const ca = await openCa(backlogDir);
const filled = performance.now();
await fill(ca.store, BACKLOG);
await ca.store.close();
console.log(`backlog of ${BACKLOG} written in ${((performance.now() - filled) / 1000).toFixed(1)} s`);
// Peak growth over the drain: rss and heapUsed every 20 ms (heapUsed counts garbage not yet collected), and the
// live heap after a forced collection every 500 ms (run with --expose-gc), which is what a backlog could pin.
globalThis.gc?.();
const base = process.memoryUsage();
const peak = { rss: base.rss, heapUsed: base.heapUsed, live: base.heapUsed };
let samples = 0;
const sampler = setInterval(() => {
  samples++;
  if (globalThis.gc && samples % 25 === 0) {
    globalThis.gc();
    peak.live = Math.max(peak.live, process.memoryUsage().heapUsed);
  }
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
}, 20);
const backlogState = { delivered: 0, last: 0 };
const drainStart = performance.now();
const back = await CertificateAuthority.open({
  dir: backlogDir,
  logger: silent,
  builtins: { [PROGID]: countingModule(backlogState) },
  delivery: 'background',
});
await until(() => backlogState.delivered >= BACKLOG);
const drainRate = (BACKLOG * 1000) / (backlogState.last - drainStart);
clearInterval(sampler);
const open = (await back.ca.store.outbox.depth()).reduce((n, d) => n + d.open, 0);
await back.stop({ sendShutdownEvent: false });
rmSync(backlogDir, { recursive: true, force: true });
if (backlogState.delivered !== BACKLOG) throw new Error(`delivered ${backlogState.delivered} of ${BACKLOG}`);
const mb = (n) => (n / 1048576).toFixed(1);
console.log(`drain: ${BACKLOG} delivered at ${drainRate.toFixed(0)} per second, ${open} left open`);
console.log(
  `memory during the drain (${samples} samples): peak rss +${mb(peak.rss - base.rss)} MB, peak heapUsed ` +
    `+${mb(peak.heapUsed - base.heapUsed)} MB, peak live heap +${globalThis.gc ? mb(peak.live - base.heapUsed) : '? (run with --expose-gc)'} MB`,
);
console.log(`bench outbox-backlog: ratio ${(drainRate / steadyRate).toFixed(2)} (target >= 0.8)`);
