import type { Client } from 'ldapts';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { scratchDir } from './samba-fixture';

/** What a suite on a real directory shares: its administrator connection, its scratch folder, what it created. */
export interface DirectorySuite {
  /** The administrator connection `connect` opened: the test's independent view of the directory. */
  readonly admin: Client;
  /** A scratch folder for keys, certificates and secret files, removed after the suite. */
  readonly scratch: ReturnType<typeof scratchDir>;
  /** The DNs the suite added; deleted after it, newest first (the directory is shared: only what it created). */
  readonly created: string[];
}

/**
 * Registers the hooks of a suite on a real directory in the current `describe`: before all, a scratch folder and
 * `connect(scratch)` (which reads the server's env, writes what it needs in the folder and returns an administrator
 * connection); a failure there fails every test (never a skip); after all, the created entries are deleted, the
 * connection closed and the folder removed. The returned object is filled in before the first test runs.
 */
export function directorySuite(connect: (scratch: ReturnType<typeof scratchDir>) => Promise<Client>): DirectorySuite {
  const suite: { admin?: Client; scratch?: ReturnType<typeof scratchDir>; created: string[] } = { created: [] };
  let setupError: unknown;

  beforeEach(() => {
    if (setupError !== undefined) throw setupError;
  });
  beforeAll(async () => {
    try {
      suite.scratch = scratchDir();
      suite.admin = await connect(suite.scratch);
    } catch (error) {
      setupError = error;
    }
  });
  afterAll(async () => {
    if (suite.admin) {
      for (const dn of suite.created.reverse()) await suite.admin.del(dn).catch(() => undefined);
      await suite.admin.unbind();
    }
    suite.scratch?.dispose();
  });
  return suite as DirectorySuite;
}
