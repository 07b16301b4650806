// Two engine nodes on one PostgreSQL database against one node, in the same run: the same CA (one folder, one schema),
// the same 16 concurrent submitters in all (16 in one process, or 8 in each of two), the same number of issuances,
// each node in a process of its own that opens the CA and warms up (1,000 issuances) before the clock starts; the clock
// stops at the last node's last issuance, and the next run starts once the nodes have stopped. Rounds alternate which
// configuration goes first (an even number of rounds: each order as often); the ratio is the median of the rounds'
// ratios, each from two runs one after the other (the machine's load drifts more between rounds than within one). On
// two cores the engine processes and PostgreSQL share them: a second node may not add throughput, but must not take
// any away (see docs/postgresql.md, "Scaling").
// Prints `bench postgres-nodes: ratio <x> (target >= 1.0)`. Run: node bench/run.mjs postgres-nodes after a build.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, editCaTemplateNames, setupCa } from '../packages/engine/dist/index.js';
import { median } from './support/median.mjs';
import { importStore, postgresForBench } from './support/postgres-bench.mjs';

const COUNT = Number(process.env.BENCH_NODES_COUNT ?? 3000);
const ROUNDS = Number(process.env.BENCH_POSTGRES_ROUNDS ?? 6);
const SUBMITTERS = 16;
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const NODE = new URL('./support/postgres-node.mjs', import.meta.url).pathname;

const postgres = postgresForBench();
console.log(`PostgreSQL's shared memory: ${postgres.sharedMemory()}`);
const schemas = [];

/** Issuances per second of `nodes` processes together on one fresh CA. */
async function run(nodes) {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-bench-nodes-'));
  const schema = `bench_nodes_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  schemas.push(schema);
  await setupCa({
    dir,
    commonName: 'Bench Nodes CA',
    type: 'enterprise-root',
    exitModules: [],
    store: postgres.store(schema),
    importModule: importStore,
  });
  // WebServer (the enrollee supplies the subject) is offered; the nodes submit as the CA's administrators.
  const authority = await CertificateAuthority.open({ dir, logger: silent, importModule: importStore });
  editCaTemplateNames(authority.ca, ['+WebServer']);
  await authority.stop({ sendShutdownEvent: false });
  const children = Array.from({ length: nodes }, () =>
    fork(NODE, [dir, String(COUNT / nodes), String(SUBMITTERS / nodes)], { stdio: 'inherit' }),
  );
  const next = (child, type) =>
    new Promise((resolve, reject) => {
      child.on('message', (m) => m.type === type && resolve());
      child.on('exit', (code) => code !== 0 && reject(new Error(`a node exited with ${code}`)));
    });
  await Promise.all(children.map((c) => next(c, 'ready')));
  const done = children.map((c) => next(c, 'done'));
  const started = performance.now();
  for (const c of children) c.send({ type: 'go' });
  await Promise.all(done);
  const perSecond = (COUNT * 1000) / (performance.now() - started);
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  rmSync(dir, { recursive: true, force: true });
  return perSecond;
}

let one = 0;
let two = 0;
const ratios = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const twoFirst = round % 2 === 1;
    const first = await run(twoFirst ? 2 : 1);
    const second = await run(twoFirst ? 1 : 2);
    const [a, b] = twoFirst ? [second, first] : [first, second];
    console.log(
      `round ${round + 1}: one node ${a.toFixed(0)}/s, two nodes ${b.toFixed(0)}/s, ratio ${(b / a).toFixed(2)}`,
    );
    ratios.push(b / a);
    one = Math.max(one, a);
    two = Math.max(two, b);
  }
} finally {
  postgres.drop(schemas);
  postgres.stop();
}
console.log(
  `issuance on one PostgreSQL database, ${SUBMITTERS} submitters in all, best of ${ROUNDS}: one node ${one.toFixed(0)}/s, two nodes ${two.toFixed(0)}/s`,
);
console.log(`bench postgres-nodes: ratio ${median(ratios).toFixed(2)} (target >= 1.0)`);
