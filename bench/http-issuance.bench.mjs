// HTTP issuance end to end: `certexit serve` (the built bundle in a process of its own, HTTPS with a generated CA,
// a requester's bearer token, the CA as `certexit setup` makes it, its default exit module delivering on its own
// thread) under autocannon with 16 concurrent connections, each request a new PKCS#10 request, against the engine's
// in-process issuance rate with 16 concurrent submitters measured in the same run, on a CA made and opened as the
// served one (so its default exit module too). Both sides warm up (1,000 issuances each: the first thousand run
// before V8 has optimized the code), then each round pairs a burst over HTTPS with an in-process run, one after the
// other, alternating which goes first (an even number of rounds: each order as often); the ratio is the median of
// the rounds' ratios, as the PostgreSQL benches take theirs (the machine's speed drifts more between rounds than
// within one; the best of each side, from different rounds, is printed too). Prints requests per second over HTTPS
// and the ratio to in-process, p50 and p99 latency, and the server's memory: VmRSS and threads when idle, VmHWM
// (peak RSS) once the exit module has been notified of every certificate of every burst (the outbox empty on
// /metrics), read from /proc/<pid>/status of the server's own Node.js process (spawned directly, no shim; serve
// starts over in place, keeping its PID). Each round also prints the CPU time per request, all threads: of the
// in-process engine, of serve (from /proc/<pid>/stat) and of the load generator (this process, during the burst),
// which says where the two cores go.
// Targets: HTTPS reaches half the in-process rate (the same 2 cores also run TLS, fastify's parsing, validation and
// logging, the token check, and the load generator itself); the server's peak RSS stays within 200 MB.
// Run: pnpm bench, or node bench/run.mjs http-issuance after a build. BENCH_HTTP_COUNT sets a burst (3,000),
// BENCH_HTTP_ROUNDS the rounds (6). For an A/B of serve's sizing, BENCH_HTTP_SERVE_FLAGS gives serve's Node.js flags
// (`--max-semi-space-size=32 --max-old-space-size=4096`; serve keeps what it is given) and BENCH_HTTP_SERVE_ARENAS its
// MALLOC_ARENA_MAX, leaving this process (the in-process baseline, autocannon) as it is.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServerIdentity } from 'node:tls';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import {
  builtinExitModules,
  builtinExitModulesUrl,
  importExitModule,
} from '../apps/server/dist/builtin-exit-modules.js';
import { CertificateAuthority, PRINCIPALS } from '../packages/engine/dist/index.js';
import * as x509 from '../packages/x509/dist/index.js';
import { makeBenchTls } from './support/bench-tls.mjs';
import { median } from './support/median.mjs';
import { ownCpuMs, processCpuMs } from './support/process-cpu.mjs';

const COUNT = Number(process.env.BENCH_HTTP_COUNT ?? 3000);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 6);
const WARM_UP = 1000;
const CONNECTIONS = 16;
const CLI = fileURLToPath(new URL('../apps/server/dist/cli.js', import.meta.url));
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const work = mkdtempSync(join(tmpdir(), 'certexit-bench-http-'));
const served = join(work, 'served');

// A pool of requests, each with its own key and subject, as many clients would send them.
const csrs = [];
for (let i = 0; i < 32; i++) {
  const keyPair = await x509.generateKeyPair('ECDSA_P256');
  const der = await x509.createCertificationRequest({
    keyPair,
    keyAlgorithm: 'ECDSA_P256',
    subject: `CN=client-${i}.bench.example, O=certexit`,
  });
  csrs.push(x509.toPem(der, 'CERTIFICATE REQUEST'));
}

// Baseline: the engine in this process, 16 concurrent submitters, on a CA made as the served one is (`certexit setup`,
// its default exit module) and opened as `serve` opens it (delivery in the background, on the exit-module thread):
// the two sides differ by HTTP alone.
async function openInProcess() {
  const dir = join(work, 'in-process');
  await cli(dir, 'setup', '--name', 'Bench CA', '--type', 'enterprise-root');
  await cli(dir, 'catemplates', '+WebServer');
  const authority = await CertificateAuthority.open({
    dir,
    logger: silent,
    builtins: builtinExitModules(),
    builtinsUrl: builtinExitModulesUrl(),
    importModule: importExitModule,
    delivery: 'background',
    exitModuleThread: 'auto',
  });
  const run = async (n) =>
    Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, w) => {
        for (let i = w; i < n; i += CONNECTIONS) {
          const outcome = await authority.submit({
            request: csrs[i % csrs.length],
            attributes: 'CertificateTemplate:WebServer',
            requesterName: 'BENCH\\user',
            requesterGroups: [PRINCIPALS.administrators],
          });
          if (outcome.disposition !== 20) throw new Error(`not issued: ${outcome.message}`);
        }
      }),
    );
  await run(WARM_UP);
  return {
    async rate() {
      const started = performance.now();
      const cpu = ownCpuMs();
      await run(COUNT);
      const result = { perSecond: (COUNT * 1000) / (performance.now() - started), cpuMs: (ownCpuMs() - cpu) / COUNT };
      // As a burst over HTTPS, the run ends when its notifications are delivered (not timed).
      const ended = performance.now();
      const pending = async () => (await authority.ca.store.outbox.depth()).reduce((sum, d) => sum + d.open, 0);
      while ((await pending()) > 0) {
        if (performance.now() - ended > 300_000)
          throw new Error('the in-process outbox did not drain within 5 minutes');
        await new Promise((r) => setTimeout(r, 250));
      }
      return result;
    },
    stop: () => authority.stop({ sendShutdownEvent: false }),
  };
}

function cli(dir, ...args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--dir', dir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`certexit ${args.join(' ')}: ${out}`))));
  });
}

function procStatus(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024, threads: Number(/^Threads:\s+(\d+)/m.exec(text)?.[1]) };
}

/** Starts `certexit serve` and resolves with its process and URL once it listens. */
function serve(tls) {
  const log = openSync(join(work, 'serve.log'), 'a');
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_HTTP_SERVE_FLAGS?.split(' ').filter(Boolean) ?? []),
      CLI,
      '--dir',
      join(work, 'served'),
      '--json',
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--tls-cert',
      tls.cert,
      '--tls-key',
      tls.key,
    ],
    {
      stdio: ['ignore', 'pipe', log],
      env: {
        ...process.env,
        ...(process.env.BENCH_HTTP_SERVE_ARENAS && { MALLOC_ARENA_MAX: process.env.BENCH_HTTP_SERVE_ARENAS }),
      },
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, url: JSON.parse(line).url });
    });
    child.on('exit', (code) => reject(new Error(`certexit serve exited (${code}); see ${join(work, 'serve.log')}`)));
  });
}

/** The notifications still to deliver, from the server's /metrics (anonymous over loopback). */
function queueDepth(url, caPem) {
  return new Promise((resolve, reject) => {
    get(`${url}/metrics`, { ca: caPem }, (response) => {
      let text = '';
      response.on('data', (d) => {
        text += d;
      });
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new Error(`/metrics: ${response.statusCode}`));
        const depths = [...text.matchAll(/^certexit_exit_queue_depth\{[^}]*\} (\d+)/gm)].map((m) => Number(m[1]));
        if (depths.length === 0) return reject(new Error('/metrics has no certexit_exit_queue_depth'));
        resolve(depths.reduce((a, b) => a + b, 0));
      });
    }).on('error', reject);
  });
}

function load(url, token, caPem, amount) {
  // autocannon connects with rejectUnauthorized: false whatever it is given; the chain is checked all the same
  // (TLS sets socket.authorized), and Node calls checkServerIdentity only once the chain verified. Counting its
  // successful calls proves every connection verified the server against the bench's CA.
  let verified = 0;
  let next = 0;
  // autocannon ends an `amount` run on its one-second tick, so its duration is whole seconds: the rate is timed
  // here, from the start to the last answer.
  let answered = 0;
  let lastAnswer = 0;
  const started = performance.now();
  const tlsOptions = {
    ca: caPem,
    checkServerIdentity: (host, cert) => {
      const error = checkServerIdentity(host, cert);
      if (!error) verified++;
      return error;
    },
  };
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        amount,
        timeout: 60,
        tlsOptions,
        requests: [
          {
            method: 'POST',
            path: '/v1/requests',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            setupRequest: (request) => {
              request.body = JSON.stringify({
                request: csrs[next++ % csrs.length],
                attributes: ['CertificateTemplate:WebServer'],
              });
              return request;
            },
            onResponse: () => {
              answered++;
              lastAnswer = performance.now();
            },
          },
        ],
      },
      (error, result) => {
        if (error) reject(error);
        else if (verified < CONNECTIONS)
          reject(new Error(`only ${verified} of ${CONNECTIONS} connections verified the server`));
        else resolve({ ...result, perSecond: (answered * 1000) / (lastAnswer - started) });
      },
    );
  });
}

try {
  const inProcess = await openInProcess();

  const tls = makeBenchTls(work);
  await cli(served, 'setup', '--name', 'Bench HTTP CA', '--type', 'enterprise-root');
  await cli(served, 'catemplates', '+WebServer');
  const { token } = JSON.parse(
    await cli(
      served,
      '--json',
      'caller',
      'add',
      'BENCH\\requester',
      '--role',
      'requester',
      '--group',
      PRINCIPALS.administrators,
    ),
  );
  const { child, url } = await serve(tls);
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idle = procStatus(child.pid);
    console.log(`certexit serve idle: RSS ${idle.rss.toFixed(0)} MB, ${idle.threads} threads`);
    let threads = idle.threads;
    const sampler = setInterval(() => {
      threads = Math.max(threads, procStatus(child.pid).threads);
    }, 100);
    const warm = await load(url, token, tls.caPem, WARM_UP);
    if (warm.non2xx > 0 || warm.errors > 0) throw new Error(`warm-up: ${warm.non2xx} non-2xx, ${warm.errors} errors`);
    // A burst over HTTPS, with serve's CPU time and this process's (autocannon) per request; it ends when its
    // notifications are delivered (serve holds delivery back under load).
    let drained = 0;
    const overHttps = async () => {
      const serveCpu = processCpuMs(child.pid);
      const loadCpu = ownCpuMs();
      const result = await load(url, token, tls.caPem, COUNT);
      result.serveCpuMs = (processCpuMs(child.pid) - serveCpu) / COUNT;
      result.loadCpuMs = (ownCpuMs() - loadCpu) / COUNT;
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
        throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
      }
      const burstEnded = performance.now();
      while ((await queueDepth(url, tls.caPem)) > 0) {
        if (performance.now() - burstEnded > 300_000) throw new Error('the outbox did not drain within 5 minutes');
        await new Promise((r) => setTimeout(r, 250));
      }
      drained = Math.max(drained, (performance.now() - burstEnded) / 1000);
      return result;
    };
    // Each round pairs an in-process run with a burst over HTTPS, one after the other, alternating which goes first;
    // the ratio is the median of the rounds' ratios (the machine's speed drifts more between rounds than within one).
    let bestInProcess = 0;
    let best;
    const ratios = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const httpsFirst = round % 2 === 0;
      const early = httpsFirst ? await overHttps() : await inProcess.rate();
      const late = httpsFirst ? await inProcess.rate() : await overHttps();
      const [local, result] = httpsFirst ? [late, early] : [early, late];
      ratios.push(result.perSecond / local.perSecond);
      console.log(
        `round ${round}: in process ${local.perSecond.toFixed(0)}/s, over HTTPS ${result.perSecond.toFixed(0)}/s (p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms), ratio ${ratios.at(-1).toFixed(2)}; CPU per request: in process ${local.cpuMs.toFixed(2)} ms, serve ${result.serveCpuMs.toFixed(2)} ms, load generator ${result.loadCpuMs.toFixed(2)} ms`,
      );
      bestInProcess = Math.max(bestInProcess, local.perSecond);
      if (!best || result.perSecond > best.perSecond) best = result;
    }
    clearInterval(sampler);
    const peak = procStatus(child.pid).hwm;
    console.log(
      `in-process issuance, ${CONNECTIONS} concurrent submitters: ${bestInProcess.toFixed(0)} per second (best of ${ROUNDS})`,
    );
    console.log(
      `certexit serve over HTTPS, ${CONNECTIONS} connections: ${best.perSecond.toFixed(0)} requests per second (best of ${ROUNDS} bursts of ${COUNT}, all 201)`,
    );
    console.log(`latency (that burst): p50 ${best.latency.p50} ms, p99 ${best.latency.p99} ms`);
    console.log(
      `certexit serve peak RSS (VmHWM): ${peak.toFixed(0)} MB over ${ROUNDS * COUNT + WARM_UP} issuances and their notifications (each burst's delivered at most ${drained.toFixed(1)} s after it); at most ${threads} threads`,
    );
    console.log(
      `best of each, rounds not paired: ratio ${(best.perSecond / bestInProcess).toFixed(2)}; median of the rounds' ratios:`,
    );
    console.log(`bench http-issuance-vs-in-process: ratio ${median(ratios).toFixed(2)} (target >= 0.5)`);
    console.log(`bench http-issuance-peak-rss-200mb: ratio ${(200 / peak).toFixed(2)} (target >= 1)`);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await inProcess.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
