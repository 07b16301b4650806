// The PostgreSQL server of the benches on it: the one scripts/postgres.sh runs (started here when it is not, and
// stopped again at the end), and CA folders on it, each in a schema of its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processTreeCpuMs } from './process-cpu.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Reads the env file of scripts/postgres.sh (CERTEXIT_POSTGRES_ENV_FILE, else POSTGRES_DIR, else .tmp/postgres). */
function readEnv(file) {
  const values = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l.trim()))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
  return {
    url: values.CERTEXIT_POSTGRES_URL,
    passwordFile: values.CERTEXIT_POSTGRES_PASSWORD_FILE,
    caFile: values.CERTEXIT_POSTGRES_CA,
    bin: values.CERTEXIT_POSTGRES_BIN,
    host: values.CERTEXIT_POSTGRES_HOST,
    port: values.CERTEXIT_POSTGRES_PORT,
    user: values.CERTEXIT_POSTGRES_USER,
    database: values.CERTEXIT_POSTGRES_DATABASE,
  };
}

/** The server to bench on: its env, and `stop()` (stops it only if this bench started it). */
export function postgresForBench() {
  const dir = process.env.POSTGRES_DIR ?? join(root, '.tmp/postgres');
  const file = process.env.CERTEXIT_POSTGRES_ENV_FILE ?? join(dir, 'env');
  const script = (command, stdio) =>
    spawnSync('bash', [join(root, 'scripts/postgres.sh'), command], {
      stdio,
      env: { ...process.env, POSTGRES_DIR: dir },
    });
  // An env file alone says nothing: a server that was killed leaves its own behind.
  let started = false;
  if (script('status', 'ignore').status !== 0) {
    const start = script('start', ['ignore', 'ignore', 'inherit']);
    if (start.status !== 0) throw new Error(`scripts/postgres.sh start failed (exit ${start.status})`);
    started = true;
  }
  const env = readEnv(file);
  // The cluster's files are in the state folder: POSTGRES_DIR, or the folder its `state` file names.
  const state = existsSync(join(dir, 'state')) ? readFileSync(join(dir, 'state'), 'utf8').trim() : dir;
  const postmasterPid = () => Number(readFileSync(join(state, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    env,
    /** Store settings for a new CA in schema `schema`, over TLS verified against the server's CA. */
    store: (schema) => ({
      kind: 'postgres',
      connection: `${env.url}?sslmode=verify-full`,
      schema,
      passwordFile: env.passwordFile,
      tlsCaFile: env.caFile,
    }),
    /** The server's CPU time so far (its postmaster and backends), in milliseconds. */
    cpuMs() {
      return processTreeCpuMs(postmasterPid());
    },
    /** What the server's shared memory sits on: huge pages change its CPU per issuance (docs/postgresql.md). */
    sharedMemory() {
      const smaps = readFileSync(`/proc/${postmasterPid()}/smaps`, 'utf8');
      const huge = [...smaps.matchAll(/^Size:\s+(\d+) kB\nKernelPageSize:\s+2048 kB$/gm)];
      const mb = huge.reduce((sum, m) => sum + Number(m[1]), 0) / 1024;
      return huge.length > 0 ? `huge pages (${mb.toFixed(0)} MB)` : 'ordinary 4 KB pages';
    },
    /** Drops schemas made by the bench. */
    drop(schemas) {
      for (const schema of schemas) {
        execFileSync(
          join(env.bin, 'psql'),
          [
            '-X',
            '-q',
            `host=${env.host} port=${env.port} user=${env.user} dbname=${env.database} sslmode=verify-full sslrootcert=${env.caFile}`,
            '-c',
            `DROP SCHEMA IF EXISTS "${schema}" CASCADE`,
          ],
          {
            env: {
              ...process.env,
              PGPASSWORD: readFileSync(env.passwordFile, 'utf8').trim(),
              PGPASSFILE: '/dev/null',
              PGOPTIONS: '-c client_min_messages=warning',
            },
          },
        );
      }
    },
    stop() {
      if (started) script('stop', 'ignore');
    },
  };
}

/** Imports the built PostgreSQL store for the engine, as certexit's importer would. */
export function importStore(specifier) {
  if (specifier === '@certexit/store-postgres')
    return import(new URL('../../packages/store-postgres/dist/index.js', import.meta.url).href);
  return import(specifier);
}
