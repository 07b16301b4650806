#!/usr/bin/env node
/**
 * The console's folder lists at 1,000,000 requests: one page (50 rows) of a folder, sorted and filtered on the
 * server, at the start of the folder and 90% of the way in. certexit pages by keyset (`viewRequestPage`: the sort
 * key and RequestID of the last row, on an index per sort column); the baseline, measured in the same run on the
 * same database and index, is the same page by `LIMIT 50 OFFSET n`, which must step over the n rows before it.
 *
 * Prints, per query, the median time of a first page, a deep keyset page and the deep OFFSET page, then:
 *   bench console-views-deep-page: ratio <OFFSET ms / keyset ms at 90%> (target >= 50)
 *   bench console-views-depth: ratio <first page ms / deep page ms> (target >= 0.5): a page costs the same anywhere
 *
 * Run from the repository root after building the engine:
 *   npx pnpm@10.34.8 --filter @certexit/engine... build && node bench/console-views.bench.mjs
 * Environment: VIEW_BENCH_ROWS (default 1000000), VIEW_BENCH_RUNS (default 15), VIEW_BENCH_KEEP=1 keeps the folder.
 */
import { randomFillSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const ENGINE = pathToFileURL(join(SELF, '..', '..', 'packages', 'engine', 'dist', 'index.js')).href;
const ROWS = Number(process.env.VIEW_BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.VIEW_BENCH_RUNS ?? 15);
const PAGE = 50;

if (!existsSync(fileURLToPath(ENGINE)))
  throw new Error(
    `${fileURLToPath(ENGINE)} is missing: build first (npx pnpm@10.34.8 --filter @certexit/engine... build)`,
  );
const { openSqliteStore } = await import(ENGINE);

const dir = mkdtempSync(join(tmpdir(), 'certexit-bench-views-'));
const file = join(dir, 'certexit.db');
try {
  const store = openSqliteStore(file, { backgroundCheckpoints: false });
  const fillStarted = performance.now();
  await fill(store);
  console.log(
    `filled ${ROWS.toLocaleString('en')} requests in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`,
  );
  const db = new DatabaseSync(file, { readOnly: true });
  const count = (folder) =>
    Number(db.prepare('SELECT count(*) AS n FROM requests WHERE view_folder = ?').get(folder).n);
  const issued = count(20);
  console.log(
    `issued ${issued.toLocaleString('en')}, revoked ${count(21).toLocaleString('en')}, pending ${count(9).toLocaleString('en')}, failed ${count(30).toLocaleString('en')}`,
  );

  // Each query: the keyset call, and the column expressions to find its 90% cursor and run the OFFSET baseline.
  const queries = [
    { name: 'Issued by RequestID', folder: 'issued', code: 20, sort: 'RequestID', key: 'r.request_id' },
    { name: 'Issued by Requester Name', folder: 'issued', code: 20, sort: 'RequesterName', key: 'r.view_requester' },
    {
      name: 'Issued by Request Common Name',
      folder: 'issued',
      code: 20,
      sort: 'CommonName',
      key: 'r.view_common_name',
    },
    {
      name: 'Issued by Expiration Date',
      folder: 'issued',
      code: 20,
      sort: 'NotAfter',
      key: 'c.not_after',
      from: 'certificates c CROSS JOIN requests r ON r.request_id = c.request_id',
      id: 'c.request_id',
    },
    {
      name: 'Issued, requester starting "bench\\user1", by RequestID',
      folder: 'issued',
      code: 20,
      sort: 'RequestID',
      key: 'r.request_id',
      filters: [{ column: 'RequesterName', op: 'prefix', value: 'BENCH\\user1' }],
      where: "AND r.view_requester >= 'bench\\user1' AND r.view_requester < 'bench\\user1' || char(1114111)",
      index: 'requests_view_id',
    },
    {
      name: 'Issued, requester = "BENCH\\autoenroll$", by RequestID',
      folder: 'issued',
      code: 20,
      sort: 'RequestID',
      key: 'r.request_id',
      filters: [{ column: 'RequesterName', op: 'eq', value: 'BENCH\\autoenroll$' }],
      where: "AND r.view_requester = 'bench\\autoenroll$'",
      index: 'requests_view_requester',
    },
  ];
  const ratios = [];
  const depths = [];
  for (const q of queries) {
    const id = q.id ?? 'r.request_id';
    const where = `WHERE r.view_folder = ${q.code} ${q.where ?? ''}`;
    const order = `ORDER BY ${q.key}, ${id}`;
    const indexed = q.index ? ` INDEXED BY ${q.index}` : '';
    const from = q.from?.startsWith('certificates')
      ? q.from
      : `requests r${indexed} LEFT JOIN certificates c ON c.request_id = r.request_id`;
    const total = Number(db.prepare(`SELECT count(*) AS n FROM ${from} ${where}`).get().n);
    const offset = Math.floor(total * 0.9);
    const at = db
      .prepare(`SELECT ${q.key} AS k, ${id} AS id FROM ${from} ${where} ${order} LIMIT 1 OFFSET ?`)
      .get(offset);
    const cursor = { key: at.k, id: Number(at.id) };
    const base = { folder: q.folder, sort: q.sort, limit: PAGE, ...(q.filters && { filters: q.filters }) };
    const first = await median(
      async () => store.viewRequestPage(base),
      (p) => p.rows.length === PAGE,
    );
    const deep = await median(
      async () => store.viewRequestPage({ ...base, after: cursor }),
      (p) => p.rows.length === PAGE,
    );
    const offsetSql = db.prepare(
      `SELECT r.*, c.serial_number, c.not_before, c.not_after FROM ${from} ${where} ${order} LIMIT ${PAGE} OFFSET ?`,
    );
    const baseline = await median(
      async () => offsetSql.all(offset + 1),
      (rows) => rows.length === PAGE,
    );
    ratios.push(baseline / deep);
    depths.push(first / deep);
    console.log(
      `${q.name.padEnd(56)} ${total.toLocaleString('en').padStart(9)} rows: first page ${first.toFixed(3)} ms, keyset page at 90% ${deep.toFixed(3)} ms, OFFSET ${offset.toLocaleString('en')} ${baseline.toFixed(1)} ms`,
    );
  }
  db.close();
  await store.close();
  const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  console.log(`bench console-views-deep-page: ratio ${geo(ratios).toFixed(1)} (target >= 50)`);
  console.log(`bench console-views-depth: ratio ${geo(depths).toFixed(2)} (target >= 0.5)`);
} finally {
  if (process.env.VIEW_BENCH_KEEP === '1') console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/** The median time (ms) of `runs` calls, after one warm-up; `check` guards against measuring an empty answer. */
async function median(run, check, runs = RUNS) {
  const answer = await run();
  if (!check(answer)) throw new Error('the query did not answer a full page');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Fills the store with ROWS requests of realistic width (a 400-byte request, a 700-byte certificate, name
 * properties): 90% issued, 3% revoked, 5% pending, 2% denied or failed, from 10,000 requesters and one machine
 * account with a twentieth of the requests, 5 templates.
 */
async function fill(store) {
  const rawRequest = new Uint8Array(400);
  const rawCertificate = new Uint8Array(700);
  randomFillSync(rawRequest);
  randomFillSync(rawCertificate);
  const serial = new Uint8Array(16);
  const now = Date.now();
  const templates = ['User', 'Machine', 'WebServer', 'CodeSigning', 'SubCA'];
  const BATCH = 20_000;
  for (let start = 0; start < ROWS; start += BATCH) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(ROWS, start + BATCH); i++) {
        const bucket = i % 100;
        const disposition = bucket < 90 ? 20 : bucket < 93 ? 21 : bucket < 98 ? 9 : bucket < 99 ? 31 : 30;
        // One machine account enrols a twentieth of everything (auto-enrolment); the rest spread over 10,000 users.
        const user = i % 20 === 0 ? 'autoenroll$' : `user${(i * 7919) % 10_000}`;
        const cn = `${user}.host${i % 977}.bench.certexit.test`;
        const submitted = new Date(now - (ROWS - i) * 1000);
        const id = await tx.insertRequest({
          RawRequest: rawRequest,
          RequestType: 0x100,
          RequestFlags: 0,
          StatusCode: disposition >= 30 ? -2146877420 : 0,
          Disposition: disposition,
          DispositionMessage:
            disposition === 20 ? 'Issued' : disposition === 9 ? 'Taken Under Submission' : 'Denied by Policy Module',
          SubmittedWhen: submitted,
          ...(disposition !== 9 && { ResolvedWhen: submitted }),
          ...(disposition === 21 && {
            RevokedWhen: new Date(now - (i % 86_400) * 1000),
            RevokedEffectiveWhen: submitted,
            RevokedReason: i % 6,
            crlKeyIndex: 0,
          }),
          RequesterName: `BENCH\\${user}`,
          CallerName: `BENCH\\${user}`,
          CertificateTemplate: templates[i % templates.length],
          requestName: { CommonName: cn, DistinguishedName: `CN=${cn}` },
          system: {},
        });
        if (disposition === 20 || disposition === 21) {
          randomFillSync(serial);
          await tx.insertCertificate({
            RequestID: id,
            RawCertificate: rawCertificate,
            SerialNumber: Buffer.from(serial).toString('hex'),
            CertificateHash: Buffer.from(serial).toString('hex').slice(0, 40),
            NotBefore: submitted,
            NotAfter: new Date(submitted.getTime() + (365 + (i % 730)) * 86_400_000),
            values: {},
            certificateName: { CommonName: cn },
          });
        }
      }
    });
  }
}
