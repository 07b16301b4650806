import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The connection facts `scripts/postgres.sh start` writes to `.tmp/postgres/env`. */
export interface PostgresEnv {
  /** `postgres://certexit@localhost:<port>/postgres`: no password. */
  url: string;
  host: string;
  port: number;
  user: string;
  database: string;
  /** The file holding the password (the registry names it; it never holds the password). */
  passwordFile: string;
  /** The CA the server's TLS certificate chains to. */
  caFile: string;
  /** PostgreSQL's bin folder (psql, pg_dump). */
  bin: string;
}

/**
 * Reads the PostgreSQL env file (or `CERTEXIT_POSTGRES_ENV_FILE`). Tests on PostgreSQL call this and fail with a
 * clear message when the server is not running: they never skip silently.
 */
export function readPostgresEnv(): PostgresEnv {
  const file =
    process.env.CERTEXIT_POSTGRES_ENV_FILE ?? fileURLToPath(new URL('../../.tmp/postgres/env', import.meta.url));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `no PostgreSQL env file at ${file}: start the server with "bash scripts/postgres.sh start" (pnpm test does)`,
    );
  }
  const values = Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]!]),
  );
  const get = (name: string) => {
    const value = values[`CERTEXIT_POSTGRES_${name}`];
    if (!value) throw new Error(`${file} lacks CERTEXIT_POSTGRES_${name}`);
    return value;
  };
  return {
    url: get('URL'),
    host: get('HOST'),
    port: Number(get('PORT')),
    user: get('USER'),
    database: get('DATABASE'),
    passwordFile: get('PASSWORD_FILE'),
    caFile: get('CA'),
    bin: get('BIN'),
  };
}

/** Store settings for a CA in a schema of its own on the test server, over TLS verified against its CA. */
export function postgresStoreSettings(schema: string, env: PostgresEnv = readPostgresEnv()) {
  return {
    kind: 'postgres',
    connection: `${env.url}?sslmode=verify-full`,
    schema,
    passwordFile: env.passwordFile,
    tlsCaFile: env.caFile,
  };
}

/** A schema name no other test uses. */
export function uniqueSchema(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Runs SQL on the test server with psql (TLS verified, the password from its file): what tests use to look at the
 * database behind the store, and to drop the schemas they made.
 */
export function psql(sql: string, env: PostgresEnv = readPostgresEnv()): string {
  return execFileSync(
    join(env.bin, 'psql'),
    [
      '-X',
      '-q',
      '-t',
      '-A',
      '-v',
      'ON_ERROR_STOP=1',
      `host=${env.host} port=${env.port} user=${env.user} dbname=${env.database} sslmode=verify-full sslrootcert=${env.caFile}`,
      '-c',
      sql,
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        PGPASSWORD: readFileSync(env.passwordFile, 'utf8').trim(),
        PGPASSFILE: '/dev/null',
        // No NOTICE lines (a DROP ... CASCADE lists every table) in the test output.
        PGOPTIONS: '-c client_min_messages=warning',
      },
    },
  ).trim();
}

/**
 * Drops the schemas a test made (and everything in them), in one psql call: one TLS login, not one per schema. A
 * store a test left open holds locks: each drop waits for them 5 seconds at most and leaves that schema behind on the
 * throw-away test server.
 */
export function dropSchemas(schemas: readonly string[], env: PostgresEnv = readPostgresEnv()): void {
  if (schemas.length === 0) return;
  const names = schemas.map((s) => `'${s.replaceAll("'", "''")}'`).join(', ');
  psql(
    `SET lock_timeout = '5s';
     DO $$ DECLARE s text; BEGIN
       FOREACH s IN ARRAY ARRAY[${names}]::text[] LOOP
         BEGIN EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', s);
         EXCEPTION WHEN lock_not_available THEN NULL; END;
       END LOOP;
     END $$;`,
    env,
  );
}
