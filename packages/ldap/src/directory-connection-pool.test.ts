import { describe, expect, it } from 'vitest';
import { createDirectoryConnectionPool } from './directory-connection-pool';
import { DIRECTORY_ERROR_CODES, DirectoryError } from './directory-error';
import type { LdapClientLike } from './ldap-client';

/** A fake directory that counts connections and can be told to fail the next search. */
function fakeDirectory() {
  const state = { connects: 0, unbinds: 0, failNextSearch: false };
  const factory = (): LdapClientLike => {
    state.connects++;
    return {
      bind: async () => undefined,
      startTLS: async () => undefined,
      modify: async () => undefined,
      unbind: async () => {
        state.unbinds++;
      },
      search: async () => {
        if (state.failNextSearch) {
          state.failNextSearch = false;
          throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
        }
        return { searchEntries: [], searchReferences: [] };
      },
    };
  };
  return { state, factory };
}

const options = (factory: () => LdapClientLike, password = 'pw') => ({
  servers: ['ldap://127.0.0.1:389'],
  bindDN: 'CN=x',
  bindPassword: password,
  startTLS: true, // the client never sends a password unencrypted
  ldapClientFactory: factory,
});

describe('createDirectoryConnectionPool', () => {
  it('reuses a bound connection, and connects anew for other credentials', async () => {
    const { state, factory } = fakeDirectory();
    const pool = createDirectoryConnectionPool();
    for (let i = 0; i < 5; i++) await pool.use(options(factory), (c) => c.readValues('CN=a', 'userCertificate'));
    expect(state.connects).toBe(1);
    await pool.use(options(factory, 'rotated'), (c) => c.readValues('CN=a', 'userCertificate'));
    expect(state.connects).toBe(2);
    await pool.close();
    expect(state.unbinds).toBe(2);
  });

  it('drops a connection that failed and tries a reused one once more on a fresh connection', async () => {
    const { state, factory } = fakeDirectory();
    const pool = createDirectoryConnectionPool();
    await pool.use(options(factory), (c) => c.readValues('CN=a', 'userCertificate'));
    state.failNextSearch = true;
    await pool.use(options(factory), (c) => c.readValues('CN=a', 'userCertificate'));
    expect(state.connects).toBe(2);
    expect(state.unbinds).toBe(1);
    const failing = pool.use(options(factory), async () => {
      throw new Error('work failed');
    });
    await expect(failing).rejects.toThrow('work failed');
    expect(state.unbinds).toBe(3);
    await pool.close();
  });

  it('keeps at most maxIdle idle connections', async () => {
    const { state, factory } = fakeDirectory();
    const pool = createDirectoryConnectionPool({ maxIdle: 2, maxSharing: 1 });
    await Promise.all(Array.from({ length: 4 }, () => pool.use(options(factory), (c) => c.readValues('CN=a', 'x'))));
    expect(state.connects).toBe(4);
    expect(state.unbinds).toBe(2);
    await pool.close();
    expect(state.unbinds).toBe(4);
  });

  it('shares a connection among concurrent publications, up to maxSharing', async () => {
    const { state, factory } = fakeDirectory();
    const shared = createDirectoryConnectionPool();
    await Promise.all(Array.from({ length: 6 }, () => shared.use(options(factory), (c) => c.readValues('CN=a', 'x'))));
    expect(state.connects).toBe(1);
    const split = createDirectoryConnectionPool({ maxSharing: 2 });
    await Promise.all(Array.from({ length: 6 }, () => split.use(options(factory), (c) => c.readValues('CN=a', 'x'))));
    expect(state.connects).toBe(4);
    // LdapConnectionSharing=1: a connection per publication.
    await Promise.all(
      Array.from({ length: 3 }, () =>
        shared.use(options(factory), (c) => c.readValues('CN=a', 'x'), { maxSharing: 1 }),
      ),
    );
    expect(state.connects).toBe(6);
    await Promise.all([shared.close(), split.close()]);
    expect(state.unbinds).toBe(6);
  });

  it("keeps a connection after the directory's answer, and retires one that broke once its users are done", async () => {
    const { state, factory } = fakeDirectory();
    const pool = createDirectoryConnectionPool();
    const notFound = new DirectoryError({ code: DIRECTORY_ERROR_CODES.ACCOUNT_NOT_FOUND, hresult: 1, message: 'none' });
    await pool.use(options(factory), (c) => c.readValues('CN=a', 'x'));
    await expect(
      pool.use(options(factory), async () => {
        throw notFound;
      }),
    ).rejects.toBe(notFound);
    expect(state.connects).toBe(1); // not retried, not reconnected
    let finish: () => void = () => undefined;
    const slow = pool.use(options(factory), () => new Promise<void>((resolve) => (finish = resolve)));
    state.failNextSearch = true;
    // The reset breaks the shared connection: the retry runs on a fresh one, the slow user keeps the old one.
    await pool.use(options(factory), (c) => c.readValues('CN=a', 'x'));
    expect(state.connects).toBe(2);
    expect(state.unbinds).toBe(0);
    finish();
    await slow;
    expect(state.unbinds).toBe(1);
    await pool.close();
    expect(state.unbinds).toBe(2);
  });
});
