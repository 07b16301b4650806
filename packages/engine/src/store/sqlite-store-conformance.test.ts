import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { CA_STORE_CHECKS, checkCaStore } from '../conformance/check-ca-store';
import type { CaStore } from './ca-store';
import { openSqliteStore } from './sqlite-store';

const work = mkdtempSync(join(tmpdir(), 'certexit-sqlite-conformance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const files = new WeakMap<CaStore, string>();

describe('the SQLite store conforms to the CaStore contract', () => {
  it.each(CA_STORE_CHECKS)('%s', async (name) => {
    const report = await checkCaStore({
      async create() {
        const file = join(work, `ca-${++n}.db`);
        const store = openSqliteStore(file);
        files.set(store, file);
        return store;
      },
      async reopen(store) {
        // Another process's connection; in this one thread it must not sleep on the lock (see lockWait).
        return openSqliteStore(files.get(store)!, { lockWait: 'yield' });
      },
      only: [name],
      skip: {
        'nodes-leadership': 'one server process writes a SQLite CA: it always leads',
        'nodes-watch': 'one server process writes a SQLite CA: the poll finds what the CLI committed',
      },
    });
    report.assertOk();
  });
});
