// Soak of delivery that never stalls and never repeats (issue 12): 20,000 issuances (BENCH_SOAK_COUNT) from 16
// submitters with three subscribed modules on the exit-module thread, as `certexit serve` runs them; one of them
// (Soak_Flaky.Exit) fails 10% of its calls transiently, after its first side effect. Each module records its side
// effects once per EventID through the host's idempotency store. After the outbox drains it counts, from the
// modules' own files: lost notifications (an issued certificate a module never finished), repeated side effects
// (an action made twice for one EventID), the delivery lag (the event's commit to the module's last side effect),
// and issuance throughput against the same run with no failures.
// Prints `bench <name>: ratio <x> (target >= <y>)` lines last. Run: node bench/delivery-soak.bench.mjs after
// `npx pnpm@10.34.8 exec turbo run build`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { editCaTemplateNames, openCa, PRINCIPALS, setupCa } from '../packages/engine/dist/index.js';
import { burstSubmission, SUBMITTERS, timedBurst } from './support/issuance-burst.mjs';
import { openAsServed } from './support/open-as-served.mjs';
import { SOAK_MODULES } from './support/soak-modules.mjs';

const COUNT = Number(process.env.BENCH_SOAK_COUNT ?? 20_000);
const FAILURE_RATE = 0.1;
const MODULES_URL = new URL('./support/soak-modules.mjs', import.meta.url).href;
const FINAL_ACTION = { 'Soak_Steady.Exit': 'write', 'Soak_Reader.Exit': 'index', 'Soak_Flaky.Exit': 'second' };

const submission = await burstSubmission({
  subject: 'CN=soak, O=certexit',
  requesterName: 'SOAK\\user',
  requesterGroups: [PRINCIPALS.administrators],
});

/** One soak on a fresh CA: issuance throughput, then the drained outbox and the modules' files checked. */
async function soak(failureRate) {
  const work = mkdtempSync(join(tmpdir(), 'certexit-bench-soak-'));
  const dir = join(work, 'ca');
  const out = join(work, 'out');
  mkdirSync(out);
  await setupCa({ dir, commonName: 'Soak CA', type: 'enterprise-root', exitModules: SOAK_MODULES });
  const ca = await openCa(dir);
  // Retries come back within a second or two, so the soak drains in seconds; attempts are plenty (0.1^10).
  for (const [name, value] of [
    ['RetryBaseMs', 100],
    ['RetryMaxMs', 2_000],
  ]) {
    ca.registry.setValue(
      `SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Soak CA\\ExitModules\\Soak_Flaky.Exit\\${name}`,
      value,
    );
  }
  // WebServer (the enrollee supplies the subject) is offered, and the soak submits as the CA's administrators.
  editCaTemplateNames(ca, ['+WebServer']);
  await ca.store.close();
  process.env.SOAK_OUT = out;
  process.env.SOAK_FAILURE_RATE = String(failureRate);
  let failedCalls = 0;
  const authority = await openAsServed(dir, MODULES_URL, (record) => {
    if (!record.ok) failedCalls++;
  });
  const perSecond = await timedBurst(authority, submission, { warmUp: 50, count: COUNT });
  const issuedAt = Date.now();
  const deadline = Date.now() + 600_000;
  while ((await authority.ca.store.outbox.depth()).length > 0) {
    if (Date.now() > deadline) throw new Error('the outbox did not drain in 10 minutes');
    await new Promise((r) => setTimeout(r, 20));
  }
  const drainMs = Date.now() - issuedAt;
  const dead = (await authority.ca.store.outbox.list({ status: 'dead', limit: 100_000 })).length;
  await authority.stop({ sendShutdownEvent: false });

  // What the database says was issued, with the commit time of each notification.
  const db = new DatabaseSync(join(dir, 'certexit.db'), { readOnly: true });
  const events = new Map(
    db
      .prepare('SELECT event_id, created_at FROM exit_events WHERE event = 1')
      .all()
      .map((r) => [`Soak CA/${r.event_id}`, Number(r.created_at)]),
  );
  const issued = Number(db.prepare('SELECT COUNT(*) AS n FROM certificates').get().n);
  db.close();

  let lost = 0;
  let repeated = 0;
  let sideEffects = 0;
  const lags = [];
  for (const progId of SOAK_MODULES) {
    const lines = readFileSync(join(out, `${progId}.log`), 'utf8')
      .trim()
      .split('\n');
    sideEffects += lines.length;
    const seen = new Map();
    for (const line of lines) {
      const [ca, n, action, ms] = line.split(' ');
      const key = `${ca} ${n} ${action}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (action === FINAL_ACTION[progId]) lags.push(Number(ms) - events.get(`${ca} ${n}`));
    }
    for (const count of seen.values()) if (count > 1) repeated += count - 1;
    for (const eventId of events.keys()) if (!seen.has(`${eventId} ${FINAL_ACTION[progId]}`)) lost++;
  }
  rmSync(work, { recursive: true, force: true });
  lags.sort((a, b) => a - b);
  const at = (q) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))];
  return {
    perSecond,
    drainMs,
    issued,
    notifications: events.size * SOAK_MODULES.length,
    lost,
    repeated,
    sideEffects,
    failedCalls,
    dead,
    lag: { p50: at(0.5), p99: at(0.99), max: lags.at(-1) },
  };
}

// The control first and then the soak, then the other way round: drift hits both; each keeps its best throughput.
const results = { failing: [], steady: [] };
for (const order of [
  ['steady', 'failing'],
  ['failing', 'steady'],
]) {
  for (const kind of order) results[kind].push(await soak(kind === 'failing' ? FAILURE_RATE : 0));
}
const failing = results.failing.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
const steady = results.steady.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
const all = [...results.failing, ...results.steady];
const lost = all.reduce((n, r) => n + r.lost, 0);
const repeated = all.reduce((n, r) => n + r.repeated, 0);
const notifications = all.reduce((n, r) => n + r.notifications, 0);
const sideEffects = all.reduce((n, r) => n + r.sideEffects, 0);
for (const [kind, runs] of Object.entries(results)) {
  for (const r of runs) {
    console.log(
      `${kind}: ${r.issued} issued at ${r.perSecond.toFixed(0)}/s; ${r.notifications} notifications, ${r.failedCalls} failed calls (retried), ${r.dead} dead-lettered; ` +
        `lost ${r.lost}, repeated side effects ${r.repeated} of ${r.sideEffects}; ` +
        `lag p50 ${r.lag.p50} ms, p99 ${r.lag.p99} ms, max ${r.lag.max} ms; drained ${r.drainMs} ms after the last issuance`,
    );
  }
}
console.log(`lost notifications: ${lost} (must be 0)`);
console.log(`repeated side effects: ${repeated} (must be 0)`);
console.log(
  `delivery lag with 10% of one module's calls failing: p50 ${failing.lag.p50} ms, p99 ${failing.lag.p99} ms, max ${failing.lag.max} ms; without: p50 ${steady.lag.p50} ms, p99 ${steady.lag.p99} ms`,
);
console.log(
  `issuance, ${SUBMITTERS} submitters, 3 modules: with failures ${failing.perSecond.toFixed(0)}/s, without ${steady.perSecond.toFixed(0)}/s`,
);
console.log(
  `bench delivery-soak-delivered: ratio ${((notifications - lost) / notifications).toFixed(4)} (target >= 1)`,
);
console.log(`bench delivery-soak-once: ratio ${((sideEffects - repeated) / sideEffects).toFixed(4)} (target >= 1)`);
console.log(`bench delivery-soak: ratio ${(failing.perSecond / steady.perSecond).toFixed(2)} (target >= 0.9)`);
