// Issuance throughput on the PostgreSQL store against the embedded SQLite store, measured in the same run: request to
// committed certificate (request, certificate, attributes, extensions, exit event), 16 concurrent submitters, one
// engine process, no exit module, as bench/issuance.bench.mjs measures the embedded store. PostgreSQL is the server of
// scripts/postgres.sh on this machine (TLS verified, scram; DBSynchronousCommit at its default, off: the embedded
// store's durability, see docs/postgresql.md; its shared memory on huge pages when the script runs as root, which the
// bench prints), so the two stores share the same two cores. Rounds alternate which
// store goes first (an even number of rounds: each order as often); the ratio is the median of the rounds' ratios,
// each from two runs one after the other (the machine's load drifts more between rounds than within one). Each round
// also prints the CPU time per issuance of the engine on each store and of the PostgreSQL server (its postmaster and
// backends): the server's share is what the two cores give PostgreSQL instead of the engine.
// Prints `bench postgres-issuance: ratio <x> (target >= 0.7)`. Run: node bench/run.mjs postgres-issuance after a build.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, editCaTemplateNames, PRINCIPALS, setupCa } from '../packages/engine/dist/index.js';
import { burstSubmission, issueBurst, SUBMITTERS, timedBurst } from './support/issuance-burst.mjs';
import { median } from './support/median.mjs';
import { importStore, postgresForBench } from './support/postgres-bench.mjs';
import { ownCpuMs } from './support/process-cpu.mjs';

const COUNT = Number(process.env.BENCH_ISSUANCE_COUNT ?? 2000);
const ROUNDS = Number(process.env.BENCH_POSTGRES_ROUNDS ?? 6);
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

const postgres = postgresForBench();
console.log(`PostgreSQL's shared memory: ${postgres.sharedMemory()}`);
const schemas = [];
const submission = await burstSubmission({
  subject: 'CN=bench, O=certexit',
  requesterName: 'BENCH\\user',
  requesterGroups: [PRINCIPALS.administrators],
});

/**
 * Issuances per second on a fresh CA on `store` (`sqlite` or `postgres`), and the CPU time per issuance of this
 * process (the engine) and of the PostgreSQL server, which share the machine's cores.
 */
async function run(store) {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-bench-pg-'));
  const schema = `bench_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  if (store === 'postgres') schemas.push(schema);
  await setupCa({
    dir,
    commonName: 'Bench CA',
    type: 'enterprise-root',
    exitModules: [],
    ...(store === 'postgres' && { store: postgres.store(schema) }),
    importModule: importStore,
  });
  const authority = await CertificateAuthority.open({ dir, logger: silent, importModule: importStore });
  // WebServer (the enrollee supplies the subject) is offered, and the bench submits as the CA's administrators.
  editCaTemplateNames(authority.ca, ['+WebServer']);
  await issueBurst(authority, submission, 100);
  const [engineCpu, serverCpu] = [ownCpuMs(), postgres.cpuMs()];
  const perSecond = await timedBurst(authority, submission, { warmUp: 0, count: COUNT });
  const cpu = { engine: (ownCpuMs() - engineCpu) / COUNT, server: (postgres.cpuMs() - serverCpu) / COUNT };
  const rows = (await authority.ca.store.listRequests({ limit: COUNT + 200 })).length;
  if (rows !== COUNT + 100) throw new Error(`${rows} requests stored, not ${COUNT + 100}`);
  await authority.stop({ sendShutdownEvent: false });
  rmSync(dir, { recursive: true, force: true });
  return { perSecond, cpu };
}

let sqlite = 0;
let pg = 0;
const ratios = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const postgresFirst = round % 2 === 1;
    const first = await run(postgresFirst ? 'postgres' : 'sqlite');
    const second = await run(postgresFirst ? 'sqlite' : 'postgres');
    const [s, p] = postgresFirst ? [second, first] : [first, second];
    const ms = (cpu) => `${cpu.toFixed(2)} ms`;
    console.log(
      `round ${round + 1}: SQLite ${s.perSecond.toFixed(0)}/s, PostgreSQL ${p.perSecond.toFixed(0)}/s, ratio ${(p.perSecond / s.perSecond).toFixed(2)}; CPU per issuance: SQLite ${ms(s.cpu.engine)}, PostgreSQL ${ms(p.cpu.engine)} + its server ${ms(p.cpu.server)}`,
    );
    ratios.push(p.perSecond / s.perSecond);
    sqlite = Math.max(sqlite, s.perSecond);
    pg = Math.max(pg, p.perSecond);
  }
} finally {
  postgres.drop(schemas);
  postgres.stop();
}
console.log(
  `issuance, ${SUBMITTERS} submitters, ${COUNT} certificates, best of ${ROUNDS}: SQLite ${sqlite.toFixed(0)}/s, PostgreSQL ${pg.toFixed(0)}/s`,
);
console.log(`bench postgres-issuance: ratio ${median(ratios).toFixed(2)} (target >= 0.7)`);
