import type { SearchOptions } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { connectDirectory } from './connect-directory';
import { DIRECTORY_ERROR_CODES, DirectoryError } from './directory-error';
import type { LdapClientLike } from './ldap-client';

/** A fake directory of accounts that answers equality filters on sAMAccountName without regard to case. */
function fakeDirectory(accounts: ReadonlyArray<{ dn: string; sAMAccountName: string }>) {
  const filters: string[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const factory = (): LdapClientLike => ({
    bind: async () => undefined,
    startTLS: async () => undefined,
    modify: async () => undefined,
    unbind: async () => undefined,
    search: async (_base: string, options?: SearchOptions) => {
      const text = String(options?.filter);
      filters.push(text);
      if (filters.length === 1) await held; // the first lookup stays in flight while the others queue
      const wanted = [...text.matchAll(/sAMAccountName=([^)]*)/g)].map((m) => m[1]!.toLowerCase());
      const searchEntries = accounts
        .filter((a) => wanted.includes(a.sAMAccountName.toLowerCase()))
        .map((a) => ({ ...a, userCertificate: [] }));
      return { searchEntries, searchReferences: [] };
    },
  });
  return { filters, release: () => release(), factory };
}

describe('DirectoryConnection.findAccount', () => {
  it('batches the lookups made while one is in flight into one OR search, and gives each its own answer', async () => {
    const directory = fakeDirectory([
      { dn: 'CN=first,DC=x', sAMAccountName: 'first' },
      { dn: 'CN=alice,DC=x', sAMAccountName: 'alice' },
      { dn: 'CN=Bob,DC=x', sAMAccountName: 'Bob' },
      { dn: 'CN=bob,DC=x', sAMAccountName: 'bob' },
      { dn: 'CN=dup1,DC=x', sAMAccountName: 'dup' },
      { dn: 'CN=dup2,DC=y', sAMAccountName: 'dup' },
    ]);
    const connection = await connectDirectory({
      servers: ['ldap://127.0.0.1:389'],
      bindDN: 'CN=x',
      bindPassword: 'pw',
      startTLS: true,
      ldapClientFactory: directory.factory,
    });
    const first = connection.findAccount('DC=x', 'first', 'user');
    await new Promise((resolve) => setImmediate(resolve));
    const rest = ['ALICE', 'bob', 'Bob', 'nobody', 'dup'].map((name) =>
      connection.findAccount('DC=x', name, 'user').catch((error: unknown) => error),
    );
    directory.release();
    expect((await first)?.dn).toBe('CN=first,DC=x');
    const [alice, bob, bigBob, nobody, dup] = await Promise.all(rest);
    expect(directory.filters).toEqual([
      '(&(objectClass=user)(sAMAccountName=first))',
      '(&(objectClass=user)(|(sAMAccountName=ALICE)(sAMAccountName=bob)(sAMAccountName=Bob)(sAMAccountName=nobody)(sAMAccountName=dup)))',
    ]);
    expect((alice as { dn: string }).dn).toBe('CN=alice,DC=x'); // no exact spelling: matched without case
    expect((bob as { dn: string }).dn).toBe('CN=bob,DC=x'); // an exact spelling wins over the folded one
    expect((bigBob as { dn: string }).dn).toBe('CN=Bob,DC=x');
    expect(nobody).toBeUndefined();
    expect(DirectoryError.isInstance(dup)).toBe(true);
    expect((dup as DirectoryError).code).toBe(DIRECTORY_ERROR_CODES.ACCOUNT_AMBIGUOUS);
    expect((dup as DirectoryError).message).toContain('CN=dup1,DC=x; CN=dup2,DC=y');
    await connection.close();
  });
});
