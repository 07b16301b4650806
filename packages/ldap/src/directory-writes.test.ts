import type { Change } from 'ldapts';
import { describe, expect, it } from 'vitest';
import type { DirectoryAccount } from './account-lookup';
import { DIRECTORY_ERROR_CODES } from './directory-error';
import { directoryWrites } from './directory-writes';
import type { LdapClientLike } from './ldap-client';

const ldapFailure = (code: number) => Object.assign(new Error(`LDAP ${code}`), { code });

/** A client whose modify calls are recorded and answered from `answers` in turn (undefined: success). */
function recordingClient(answers: Array<Error | undefined> = []) {
  const modifies: Array<{ dn: string; changes: Change[] }> = [];
  const client: LdapClientLike = {
    bind: async () => undefined,
    startTLS: async () => undefined,
    search: async () => ({ searchEntries: [], searchReferences: [] }),
    async modify(dn, changes) {
      modifies.push({ dn, changes: Array.isArray(changes) ? changes : [changes] });
      const answer = answers.shift();
      if (answer) throw answer;
    },
    unbind: async () => undefined,
  };
  const writes = directoryWrites({
    server: 'ldaps://dc.test',
    client,
    attribute: 'userCertificate',
    bufferAttributes: ['userCertificate'],
    timeoutMs: 1000,
    signal: undefined,
  });
  return { modifies, writes };
}

const account = (certificates: Uint8Array[]): DirectoryAccount => ({
  dn: 'CN=alice,DC=test',
  kind: 'user',
  userCertificates: certificates,
});

describe('directoryWrites', () => {
  it('adds a certificate once: present before, or added by another writer meanwhile (LDAP 20), is success', async () => {
    const der = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01);
    const present = recordingClient();
    await expect(present.writes.addUserCertificate(account([der]), der)).resolves.toBe('already-present');
    expect(present.modifies).toEqual([]);

    const raced = recordingClient([ldapFailure(20)]);
    await expect(raced.writes.addUserCertificate(account([]), der)).resolves.toBe('already-present');
    expect(raced.modifies).toHaveLength(1);

    const denied = recordingClient([ldapFailure(50)]);
    await expect(denied.writes.addUserCertificate(account([]), der)).rejects.toMatchObject({
      code: DIRECTORY_ERROR_CODES.OPERATION_FAILED,
      dn: 'CN=alice,DC=test',
    });
  });

  it('replaces old certificates in one modify, and one change at a time when another writer got there first', async () => {
    const [old1, old2, der] = [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)];
    const one = recordingClient();
    await expect(one.writes.replaceUserCertificates(account([old1, old2]), der, [old1, old2])).resolves.toEqual({
      status: 'added',
      removed: 2,
    });
    expect(one.modifies.map((m) => m.changes.map((c) => c.operation))).toEqual([['delete', 'delete', 'add']]);

    // The combined modify fails because old1 is already gone (LDAP 16): each change again, old1's ignored.
    const raced = recordingClient([ldapFailure(16), ldapFailure(16)]);
    await expect(raced.writes.replaceUserCertificates(account([old1, old2]), der, [old1, old2])).resolves.toEqual({
      status: 'added',
      removed: 1,
    });
    expect(raced.modifies.map((m) => m.changes.map((c) => c.operation))).toEqual([
      ['delete', 'delete', 'add'],
      ['delete'],
      ['delete'],
      ['add'],
    ]);
  });
});
