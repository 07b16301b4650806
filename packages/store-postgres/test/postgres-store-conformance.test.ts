import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaStore } from '@certexit/engine';
import { CA_STORE_CHECKS, checkCaStore } from '@certexit/engine';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { postgresStoreSettings, readPostgresEnv, uniqueSchema } from '../../../tooling/test/postgres-env';
import { openPostgresStore } from '../src/open-postgres-store';
import { postgresConnection } from '../src/postgres-connection';

const env = readPostgresEnv();
const work = mkdtempSync(join(tmpdir(), 'certexit-pg-conformance-'));
const schemas: string[] = [];
const placed = new WeakMap<CaStore, { schema: string; dir: string }>();

const open = (schema: string, dir: string) =>
  openPostgresStore(postgresStoreSettings(schema, env), {
    caFolder: dir,
    highWaterMarkFile: join(dir, 'certexit.hwm'),
    acceptRollback: false,
  });

afterAll(async () => {
  const client = new pg.Client(postgresConnection(postgresStoreSettings('public', env)).config);
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  rmSync(work, { recursive: true, force: true });
});

describe('the PostgreSQL store conforms to the CaStore contract (the same checks as SQLite)', () => {
  it.each(CA_STORE_CHECKS)(
    '%s',
    async (name) => {
      const report = await checkCaStore({
        async create() {
          const schema = uniqueSchema('conf');
          schemas.push(schema);
          const dir = mkdtempSync(join(work, 'ca-'));
          const store = await open(schema, dir);
          placed.set(store, { schema, dir });
          return store;
        },
        async reopen(store) {
          const { schema, dir } = placed.get(store)!;
          return open(schema, dir);
        },
        only: [name],
      });
      report.assertOk();
    },
    30_000,
  );
});
