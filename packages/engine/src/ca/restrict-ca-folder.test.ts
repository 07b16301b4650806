import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setupCa } from '../engine/setup-ca';
import { openCa } from './open-ca';

const work = mkdtempSync(join(tmpdir(), 'certexit-modes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every file and folder under `root` (one level of subfolders, as a CA folder has) with its mode. */
function modes(root: string): Record<string, string> {
  const out: Record<string, string> = { '.': _mode(root) };
  for (const entry of readdirSync(root)) {
    const path = join(root, entry);
    out[entry] = _mode(path);
    if (lstatSync(path).isDirectory())
      for (const inner of readdirSync(path)) out[`${entry}/${inner}`] = _mode(join(path, inner));
  }
  return out;
}
const _mode = (path: string) => (lstatSync(path).mode & 0o777).toString(8).padStart(4, '0');

// Issue 12, Secrets: "certexit.db is world-readable". The CA folder's files are 0600 and its folders 0700, the
// database, its WAL and SHM files included, at creation and after open.
describe('CA folder modes', () => {
  it('creates the folder 0700 with every file 0600, the database, its -wal and -shm included', async () => {
    const dir = join(work, 'new');
    process.umask(0o022);
    await setupCa({ dir, commonName: 'Modes CA', type: 'enterprise-root' });
    const ca = await openCa(dir);
    try {
      // A write, so that the log and the shared memory exist while the database is open.
      await ca.store.transaction((tx) => tx.recordExitEvent(0x20, 0));
      expect(existsSync(join(dir, 'certexit.db-wal'))).toBe(true);
      const found = modes(dir);
      expect(Object.keys(found)).toEqual(
        expect.arrayContaining(['certexit.db', 'certexit.db-wal', 'certexit.db-shm', 'certexit.hwm', 'registry.json']),
      );
      for (const [path, mode] of Object.entries(found)) {
        expect(`${path} ${mode}`).toBe(`${path} ${lstatSync(join(dir, path)).isDirectory() ? '0700' : '0600'}`);
      }
    } finally {
      await ca.store.close();
    }
  });

  it('brings a folder made before the rule (or loosened by hand) back to 0700/0600 when it is opened', async () => {
    const dir = join(work, 'old');
    await setupCa({ dir, commonName: 'Old Modes CA', type: 'standalone-root' });
    for (const path of ['.', 'CertEnroll', 'keys']) chmodSync(join(dir, path), 0o755);
    for (const file of ['certexit.db', 'templates.json', 'registry.json', 'keys/ca-key-0.pem'])
      chmodSync(join(dir, file), 0o644);
    const ca = await openCa(dir);
    await ca.store.close();
    for (const [path, mode] of Object.entries(modes(dir))) {
      expect(`${path} ${mode}`).toBe(`${path} ${lstatSync(join(dir, path)).isDirectory() ? '0700' : '0600'}`);
    }
  });
});
