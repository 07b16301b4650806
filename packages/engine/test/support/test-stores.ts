/**
 * The stores the engine's tests run on: each store-dependent suite is one `describe.each(TEST_STORES)`, so SQLite
 * and PostgreSQL run the same tests. PostgreSQL is the server `scripts/postgres.sh start` runs (its env file): a
 * missing server fails these tests, never skips them. Each CA gets a schema of its own.
 */

import { afterAll } from 'vitest';
import {
  dropSchemas,
  postgresStoreSettings,
  readPostgresEnv,
  uniqueSchema,
} from '../../../../tooling/test/postgres-env';
import type { CaStoreSettings } from '../../src/store/ca-store-settings';

/** The schemas this test file made, dropped after it. */
const schemas: string[] = [];
afterAll(() => dropSchemas(schemas.splice(0)), 60_000);

/** One store the tests run on. */
export interface TestStore {
  readonly name: 'sqlite' | 'postgres';
  /** The settings of a new CA's store: `undefined` for the embedded SQLite file. */
  settings(): CaStoreSettings | undefined;
}

export const SQLITE_STORE: TestStore = { name: 'sqlite', settings: () => undefined };

export const POSTGRES_STORE: TestStore = {
  name: 'postgres',
  settings() {
    const schema = uniqueSchema('engine');
    schemas.push(schema);
    return postgresStoreSettings(schema, readPostgresEnv());
  },
};

/** Both stores, for `describe.each(TEST_STORES)('… on $name', (store) => …)`. */
export const TEST_STORES: readonly TestStore[] = [SQLITE_STORE, POSTGRES_STORE];

/** `setupCa`'s `store` option for a test store: `{ store: settings }`, or nothing for SQLite. */
export function storeOption(store: TestStore): { store?: CaStoreSettings } {
  const settings = store.settings();
  return settings ? { store: settings } : {};
}
