import { rmSync } from 'node:fs';
import type { CaStore } from '../store/ca-store';
import type { CaStoreCopy } from '../store/copy-ca-store';
import { copyCaStore } from '../store/copy-ca-store';
import { openSqliteStore } from '../store/sqlite-store';
import { vacuumInto } from './vacuum-into';

/**
 * Exports a CA's database from a store on a database server into a SQLite file in the embedded store's format (the
 * `certexit.db` of a backup): one snapshot of the whole store, read while the CA goes on (see
 * `CaStoreTransfer.snapshot`), copied and verified by {@link copyCaStore} into a SQLite store made beside `file`,
 * then compacted into `file` by `VACUUM INTO`, as a backup of the embedded store is. The counters copied are read
 * in the snapshot's transaction, so they are never below what the copy holds.
 * @throws when the store cannot give a snapshot, or the copy does not verify
 */
export async function exportCaDatabase(store: CaStore, file: string): Promise<CaStoreCopy> {
  const snapshot = store.transfer?.snapshot?.bind(store.transfer);
  if (!snapshot)
    throw new Error(`the store ${store.location} cannot export a consistent snapshot of its tables for a backup`);
  const work = `${file}.export`;
  const marks = `${work}.hwm`;
  const clean = () => {
    for (const name of [work, `${work}-wal`, `${work}-shm`, marks]) rmSync(name, { force: true });
  };
  clean();
  try {
    const into = openSqliteStore(work, { highWaterMarkFile: marks, backgroundCheckpoints: false });
    let copy: CaStoreCopy;
    try {
      copy = await snapshot((view) => copyCaStore(view, into.transfer!, { targetLocation: work }));
    } finally {
      await into.close();
    }
    await vacuumInto(work, file);
    return copy;
  } finally {
    clean();
  }
}
