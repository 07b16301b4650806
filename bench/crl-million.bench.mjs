#!/usr/bin/env node
/**
 * CRL with 1,000,000 revoked entries: certexit (database → signed DER file) against `openssl ca -gencrl` on the
 * same revocation list, same key (the CA's EC P-256 key, which OpenSSL reads as it is), same serials, dates and
 * reasons. Each side runs in its own process under `/usr/bin/time -v`, which gives its peak RSS; certexit's time
 * is the `publishCrls` call (read the rows, encode, sign, store the CRL in the database, write the file),
 * OpenSSL's the whole `openssl ca -gencrl` run (it reads its index.txt "database" and writes the CRL). The median
 * of `CRL_BENCH_RUNS` runs is taken for each.
 *
 * Run from the repository root after building the engine package:
 *   npx pnpm@10.34.8 --filter @certexit/engine... build && npx pnpm@10.34.8 exec node bench/crl-million.bench.mjs
 * Environment: CRL_BENCH_ENTRIES (default 1000000), CRL_BENCH_RUNS (default 3), CRL_BENCH_KEEP=1 keeps the folder.
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const ENGINE = pathToFileURL(join(SELF, '..', '..', 'packages', 'engine', 'dist', 'index.js')).href;
const X509 = pathToFileURL(join(SELF, '..', '..', 'packages', 'x509', 'dist', 'index.js')).href;
const ENTRIES = Number(process.env.CRL_BENCH_ENTRIES ?? 1_000_000);
const RUNS = Number(process.env.CRL_BENCH_RUNS ?? 3);
const REASONS = [
  'unspecified',
  'keyCompromise',
  'CACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
];
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, child: () => silent };

const role = process.argv[2];
if (role === 'fill') await fill(process.argv[3]);
else if (role === 'ours') await ours(process.argv[3]);
else await main();

async function main() {
  if (!existsSync(fileURLToPath(ENGINE))) {
    throw new Error(
      `${fileURLToPath(ENGINE)} is missing: build first (npx pnpm@10.34.8 --filter @certexit/engine... build)`,
    );
  }
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is needed for peak RSS (apt-get install time)');
  const dir = mkdtempSync(join(tmpdir(), 'certexit-bench-crl-'));
  try {
    const filled = JSON.parse(child(process.execPath, [SELF, 'fill', dir]).stdout);
    console.log(
      `filled ${filled.entries.toLocaleString('en-US')} revoked certificates through the store in ${(filled.ms / 1000).toFixed(1)} s (database ${fmtMb(filled.databaseBytes / 1024)})`,
    );

    const oursRuns = [];
    for (let i = 0; i < RUNS; i++) {
      const run = timed(process.execPath, [SELF, 'ours', dir]);
      const result = JSON.parse(run.stdout);
      if (result.entries !== ENTRIES) throw new Error(`certexit listed ${result.entries} entries, not ${ENTRIES}`);
      oursRuns.push({
        ms: result.publishMs,
        processMs: run.wallMs,
        rssKb: run.rssKb,
        file: result.file,
        size: result.size,
      });
      console.log(
        `  certexit run ${i + 1}: publishCrls ${fmtMs(result.publishMs)} (process ${fmtMs(run.wallMs)}), peak RSS ${fmtMb(run.rssKb)}, ${fmtMb(result.size / 1024)} CRL`,
      );
    }
    const opensslRuns = [];
    for (let i = 0; i < RUNS; i++) {
      writeFileSync(join(dir, 'openssl', 'crlnumber'), '01\n');
      const run = timed(
        'openssl',
        ['ca', '-gencrl', '-config', 'openssl.cnf', '-keyfile', filled.key, '-cert', 'ca.pem', '-out', 'crl.pem'],
        join(dir, 'openssl'),
      );
      opensslRuns.push({ ms: run.wallMs, rssKb: run.rssKb });
      console.log(`  openssl  run ${i + 1}: ca -gencrl ${fmtMs(run.wallMs)}, peak RSS ${fmtMb(run.rssKb)}`);
    }

    // Both CRLs verify and list every entry.
    const our = oursRuns.at(-1);
    const verify = child('openssl', [
      'crl',
      '-inform',
      'DER',
      '-in',
      our.file,
      '-CAfile',
      join(dir, 'openssl', 'ca.pem'),
      '-noout',
      '-verify',
    ]);
    if (!`${verify.stdout}${verify.stderr}`.includes('verify OK'))
      throw new Error(`openssl does not verify our CRL: ${verify.stderr}`);
    const theirs = statSync(join(dir, 'openssl', 'crl.pem')).size;
    console.log(`our CRL verifies with openssl (${fmtMb(our.size / 1024)} DER; OpenSSL's ${fmtMb(theirs / 1024)} PEM)`);

    const oursMs = median(oursRuns.map((r) => r.ms));
    const oursProcessMs = median(oursRuns.map((r) => r.processMs));
    const oursRss = median(oursRuns.map((r) => r.rssKb));
    const opensslMs = median(opensslRuns.map((r) => r.ms));
    const opensslRss = median(opensslRuns.map((r) => r.rssKb));
    console.log(
      `median of ${RUNS}: certexit ${fmtMs(oursMs)} (whole process incl. Node start-up ${fmtMs(oursProcessMs)}, ratio ${(opensslMs / oursProcessMs).toFixed(2)}), ${fmtMb(oursRss)}; openssl ${fmtMs(opensslMs)}, ${fmtMb(opensslRss)}`,
    );
    console.log(`bench crl-million-speed: ratio ${(opensslMs / oursMs).toFixed(2)} (target >= 3)`);
    console.log(`bench crl-million-memory: ratio ${(opensslRss / oursRss).toFixed(2)} (target >= 2)`);
  } finally {
    if (process.env.CRL_BENCH_KEEP === '1') console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Child: a CA with deltas off (the base alone is timed) and ENTRIES revoked certificates, plus OpenSSL's index. */
async function fill(dir) {
  const { setupCa, CertificateAuthority, editCaTemplateNames, PRINCIPALS } = await import(ENGINE);
  const x509 = await import(X509);
  const started = performance.now();
  await setupCa({ dir, commonName: 'Bench CA', type: 'enterprise-root', exitModules: [] });
  const authority = await CertificateAuthority.open({ dir, logger: silent, builtins: {} });
  const { ca } = authority;
  ca.registry.setValue(`${ca.registryPath}\\CRLDeltaPeriodUnits`, 0);
  editCaTemplateNames(ca, ['+WebServer']);
  const opensslDir = join(dir, 'openssl');
  mkdirSync(opensslDir, { recursive: true });
  writeFileSync(join(opensslDir, 'ca.pem'), x509.toPem(ca.certificate.der, 'CERTIFICATE'));
  writeFileSync(join(opensslDir, 'index.txt.attr'), 'unique_subject = no\n');
  writeFileSync(
    join(opensslDir, 'openssl.cnf'),
    `[ ca ]\ndefault_ca = bench\n[ bench ]\ndatabase = ${join(opensslDir, 'index.txt')}\ncrlnumber = ${join(opensslDir, 'crlnumber')}\ndefault_md = sha256\ndefault_crl_days = 7\nunique_subject = no\n`,
  );
  const index = openSync(join(opensslDir, 'index.txt'), 'w');
  const now = Date.now();
  const notBefore = new Date(now - 400 * 86_400_000);
  const notAfter = new Date(now + 365 * 86_400_000);
  const expiry = utcTime(notAfter);
  // Rows as wide as real ones: every row carries the request, certificate and name properties of one real issuance
  // (its serial aside), so the CRL build is measured on a database of realistic size, not on narrow rows.
  const keyPair = await x509.generateKeyPair('ECDSA_P256');
  const csr = await x509.createCertificationRequest({
    keyPair,
    keyAlgorithm: 'ECDSA_P256',
    subject: 'CN=www.bench.certexit.test, O=certexit',
    extensions: [x509.subjectAltName({ dns: ['www.bench.certexit.test'] })],
  });
  const sample = await authority.submit({
    request: csr,
    attributes: 'CertificateTemplate:WebServer',
    requesterName: 'BENCH\\user',
    requesterGroups: [PRINCIPALS.administrators],
  });
  const sampleRequest = await ca.store.getRequest(sample.requestId);
  const sampleCertificate = await ca.store.getCertificate(sample.requestId);
  if (!sampleRequest || !sampleCertificate) throw new Error(`the sample request was not issued: ${sample.message}`);
  const serial = new Uint8Array(16);
  let lines = [];
  await ca.store.transaction(async (tx) => {
    for (let i = 0; i < ENTRIES; i++) {
      randomFillSync(serial);
      serial[0] = (serial[0] & 0x3f) | 0x40; // positive, 16 bytes, as the CA's own serials
      const hex = Buffer.from(serial).toString('hex');
      const revoked = new Date(now - 60_000 - (i % 31_536_000) * 1000);
      const reason = 1 + (i % 5);
      const { RequestID: _id, ...request } = sampleRequest;
      const id = await tx.insertRequest({
        ...request,
        Disposition: 21,
        SubmittedWhen: notBefore,
        ResolvedWhen: notBefore,
        RevokedWhen: revoked,
        RevokedEffectiveWhen: revoked,
        RevokedReason: reason,
        DispositionMessage: 'Revoked by BENCH\\officer',
        crlKeyIndex: 0,
      });
      await tx.insertCertificate({
        ...sampleCertificate,
        RequestID: id,
        SerialNumber: hex,
        NotBefore: notBefore,
        NotAfter: notAfter,
      });
      lines.push(
        `R\t${expiry}\t${utcTime(revoked)},${REASONS[reason]}\t${hex.toUpperCase()}\tunknown\t/CN=bench${i}\n`,
      );
      if (lines.length === 10_000) {
        writeSync(index, lines.join(''));
        lines = [];
      }
    }
  });
  writeSync(index, lines.join(''));
  closeSync(index);
  await authority.stop({ sendShutdownEvent: false });
  const databaseBytes = statSync(join(dir, 'certexit.db')).size;
  process.stdout.write(
    JSON.stringify({
      entries: ENTRIES,
      ms: performance.now() - started,
      databaseBytes,
      key: join(dir, 'keys', 'ca-key-0.pem'),
    }),
  );
}

/** Child: one base CRL publication, from the database to the signed DER file in CertEnroll. */
async function ours(dir) {
  const { CertificateAuthority } = await import(ENGINE);
  const authority = await CertificateAuthority.open({ dir, logger: silent, builtins: {} });
  const started = performance.now();
  const publication = await authority.publishCrls();
  const publishMs = performance.now() - started;
  await authority.stop({ sendShutdownEvent: false });
  const [crl] = publication.crls;
  if (publication.failures.length > 0 || !crl?.files[0])
    throw new Error(`publication failed: ${JSON.stringify(publication.failures)}`);
  process.stdout.write(
    JSON.stringify({
      publishMs,
      entries: crl.entries,
      size: crl.size,
      file: crl.files[0],
      rssKb: process.resourceUsage().maxRSS,
    }),
  );
}

function child(command, args, cwd) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OPENSSL_CONF: '/dev/null' },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result;
}

/** Runs under /usr/bin/time -v: wall time (measured here) and peak RSS in kilobytes. */
function timed(command, args, cwd) {
  const started = performance.now();
  const result = child('/usr/bin/time', ['-v', command, ...args], cwd);
  const wallMs = performance.now() - started;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  if (!rss) throw new Error(`no peak RSS in the output of /usr/bin/time:\n${result.stderr}`);
  return { stdout: result.stdout, wallMs, rssKb: Number(rss[1]) };
}

function utcTime(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${p(date.getUTCFullYear() % 100)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function fmtMs(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

function fmtMb(kb) {
  return `${(kb / 1024).toFixed(0)} MB`;
}
