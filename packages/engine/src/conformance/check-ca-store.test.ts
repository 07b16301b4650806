import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { TEST_STORES } from '../../test/support/test-stores';
import type { CaStore } from '../store/ca-store';
import type { CaStoreSettings } from '../store/ca-store-settings';
import { openCaStore } from '../store/open-ca-store';
import { CA_STORE_CHECKS, checkCaStore } from './check-ca-store';

const work = mkdtempSync(join(tmpdir(), 'certexit-store-conformance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(TEST_STORES)('the $name store conforms to the CaStore contract', (testStore) => {
  const placed = new WeakMap<CaStore, { settings: CaStoreSettings; dir: string }>();
  const open = (settings: CaStoreSettings, dir: string, second: boolean) =>
    openCaStore(
      settings,
      { database: join(dir, 'certexit.db'), highWaterMarkFile: join(dir, 'certexit.hwm'), caFolder: dir },
      // Another process's SQLite connection; in this one thread it must not sleep on the lock (see lockWait).
      second ? { lockWait: 'yield' } : {},
    );
  it.each(CA_STORE_CHECKS)('%s', { timeout: 30_000 }, async (name) => {
    const report = await checkCaStore({
      async create() {
        const settings = testStore.settings() ?? { kind: 'sqlite' };
        const dir = mkdtempSync(join(work, 'ca-'));
        const store = await open(settings, dir, false);
        placed.set(store, { settings, dir });
        return store;
      },
      async reopen(store) {
        const { settings, dir } = placed.get(store)!;
        return open(settings, dir, true);
      },
      only: [name],
      ...(testStore.name === 'sqlite' && {
        skip: {
          'nodes-leadership': 'one server process writes a SQLite CA: it always leads',
          'nodes-watch': 'one server process writes a SQLite CA: the poll finds what the CLI committed',
          'transfer-snapshot':
            "the embedded store is backed up by SQLite's VACUUM INTO, one read transaction of its own",
        },
      }),
    });
    report.assertOk();
  });
});
