// Events per second of a long-lived out-of-process exit module with pipelined calls (hostOutOfProcessModule over
// PROTOCOL.md), against spawning a process per event (EJBCA's external-script publisher, Microsoft's proxy exit
// module), with the same trivial handler (examples/exit-js/trivial.mjs) in the same runtime.
// Run: npx pnpm@10.34.8 --filter @certexit/automation... build && node bench/automation-out-of-process.bench.mjs
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hostOutOfProcessModule } from '../packages/automation/dist/index.js';

const SPAWNS = Number(process.env.BENCH_SPAWNS ?? 40);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20000);
const PIPELINE = Number(process.env.BENCH_PIPELINE ?? 256);
const script = fileURLToPath(new URL('../examples/exit-js/trivial.mjs', import.meta.url));
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const services = {
  createServerExit() {
    throw new Error('not used');
  },
  createObject() {
    throw new Error('not used');
  },
  logger: silent,
  config: { path: '', getValue: () => undefined, getValueNames: () => [], getSubKeyNames: () => [], openSubKey() {} },
  signal: new AbortController().signal,
};

const runOnce = (event, context) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, '--event', String(event), String(context)], {
      env: {},
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit code ${code}`))));
  });

// Spawn per event.
await runOnce(1, 1);
let started = performance.now();
for (let i = 0; i < SPAWNS; i++) await runOnce(1, i + 1);
const spawnRate = (SPAWNS * 1000) / (performance.now() - started);
console.log(`spawn a process per event: ${spawnRate.toFixed(1)} events per second (${SPAWNS} events)`);

// Long-lived, pipelined.
const hosted = hostOutOfProcessModule(
  { command: process.execPath, args: [script], env: {}, source: 'CertExit_Trivial.Exit' },
  services,
);
const init = await hosted.doInitialize('bench CA');
if (!init.ok) throw init.error;
const deliver = async (count) => {
  for (let done = 0; done < count; done += PIPELINE) {
    const batch = [];
    for (let i = 0; i < Math.min(PIPELINE, count - done); i++) batch.push(hosted.doNotify(1, done + i + 1));
    for (const outcome of await Promise.all(batch)) if (!outcome.ok) throw outcome.error;
  }
};
await deliver(2000); // warm-up
started = performance.now();
await deliver(EVENTS);
const liveRate = (EVENTS * 1000) / (performance.now() - started);
console.log(
  `long-lived module, ${PIPELINE} calls in flight: ${liveRate.toFixed(0)} events per second (${EVENTS} events)`,
);
const description = await hosted.doGetDescription();
console.log(`module says: ${description.ok ? description.value : description.error.message}`);
await hosted.close();

console.log(`bench automation-out-of-process: ratio ${(liveRate / spawnRate).toFixed(1)} (target >= 50)`);
