// Issuance throughput with three subscribed exit modules, each reading five properties per event through
// services.createServerExit(), against the throughput with no module, in the same run: 16 concurrent submitters,
// the engine as `certexit serve` runs it (background delivery, the modules on the exit-module thread, loaded from
// bench/support/reading-modules.mjs). Only issuance is timed, but every notification must really be delivered: at
// the end the outbox is drained and each module's successful deliveries are counted. The default burst (2,000) is
// shorter than the exit-module thread's hold under load (1 s); BENCH_OUTBOX_COUNT=12000 measures a burst that also
// pays delivery's share.
// Prints `bench <name>: ratio <x> (target >= <y>)` as its last line. Run: node bench/outbox-issuance.bench.mjs
// after `npx pnpm@10.34.8 exec turbo run build --filter=certexit...`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editCaTemplateNames, PRINCIPALS, setupCa } from '../packages/engine/dist/index.js';
import { burstSubmission, SUBMITTERS, timedBurst } from './support/issuance-burst.mjs';
import { openAsServed } from './support/open-as-served.mjs';
import { READING_MODULES } from './support/reading-modules.mjs';

const COUNT = Number(process.env.BENCH_OUTBOX_COUNT ?? 2000);
const ROUNDS = Number(process.env.BENCH_OUTBOX_ROUNDS ?? 6);
const MODULES_URL = new URL('./support/reading-modules.mjs', import.meta.url).href;

async function openCa(active) {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-bench-outbox-'));
  await setupCa({ dir, commonName: 'Bench CA', type: 'enterprise-root', exitModules: active });
  const counts = new Map(active.map((p) => [p, 0]));
  const failures = [];
  const authority = await openAsServed(dir, MODULES_URL, (record) => {
    if (record.ok) counts.set(record.progId, counts.get(record.progId) + 1);
    else failures.push(record);
  });
  // WebServer (the enrollee supplies the subject) is offered, and the bench submits as the CA's administrators.
  editCaTemplateNames(authority.ca, ['+WebServer']);
  return { dir, authority, counts, failures };
}

const submission = await burstSubmission({
  subject: 'CN=bench, O=certexit',
  requesterName: 'BENCH\\user',
  requesterGroups: [PRINCIPALS.administrators],
});

/** Issuances per second on a fresh CA with these modules; then waits for the outbox to drain and checks it. */
async function run(active) {
  const { dir, authority, counts, failures } = await openCa(active);
  const perSecond = await timedBurst(authority, submission, { warmUp: 50, count: COUNT });
  const issuedAt = performance.now();
  const total = COUNT + 50;
  const deadline = Date.now() + 120_000;
  while ([...counts.values()].some((n) => n < total) || (await authority.ca.store.outbox.depth()).length > 0) {
    if (Date.now() > deadline) throw new Error(`outbox did not drain: ${JSON.stringify([...counts])}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const drainMs = performance.now() - issuedAt;
  if (failures.length > 0) throw new Error(`${failures.length} deliveries failed, e.g. ${JSON.stringify(failures[0])}`);
  for (const [progId, n] of counts) if (n !== total) throw new Error(`${progId} got ${n} of ${total} events`);
  const dead = await authority.ca.store.outbox.list({ status: 'dead' });
  if (dead.length > 0) throw new Error(`${dead.length} notifications dead-lettered`);
  await authority.stop({ sendShutdownEvent: false });
  rmSync(dir, { recursive: true, force: true });
  return { perSecond, drainMs };
}

// Alternate the two configurations, and which goes first, so that drift (CPU frequency, page cache, the heap left by
// the previous run) hits both alike; keep each one's best.
let bare = 0;
let subscribed = 0;
for (let round = 0; round < ROUNDS; round++) {
  const modulesFirst = round % 2 === 1;
  const first = await run(modulesFirst ? READING_MODULES : []);
  const second = await run(modulesFirst ? [] : READING_MODULES);
  const [a, b] = modulesFirst ? [second, first] : [first, second];
  console.log(
    `round ${round + 1}: no module ${a.perSecond.toFixed(0)}/s; three modules ${b.perSecond.toFixed(0)}/s, ` +
      `${3 * (COUNT + 50)} deliveries checked, outbox drained ${b.drainMs.toFixed(0)} ms after the last issuance`,
  );
  bare = Math.max(bare, a.perSecond);
  subscribed = Math.max(subscribed, b.perSecond);
}
console.log(
  `issuance, ${SUBMITTERS} submitters: no module ${bare.toFixed(0)}/s, three modules ${subscribed.toFixed(0)}/s`,
);
console.log(`bench outbox-issuance: ratio ${(subscribed / bare).toFixed(2)} (target >= 0.9)`);
