import { HRESULT_DS_SERVER_DOWN } from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { connectDirectory } from './connect-directory';
import { DIRECTORY_ERROR_CODES, DIRECTORY_HRESULTS, DirectoryError } from './directory-error';
import type { LdapClientLike, LdapClientOptions } from './ldap-client';

/** A failure as Node or ldapts raises it: a string code for sockets and TLS, a number for an LDAP result. */
const failure = (message: string, code: string | number) => Object.assign(new Error(message), { code });

/** Fake servers by URL: each binds, or fails the way it is told to; records what the client was asked. */
function fakeServers(behaviour: Record<string, 'ok' | Error>) {
  const created: LdapClientOptions[] = [];
  const binds: Array<{ url: string; dn: string }> = [];
  const factory = (options: LdapClientOptions): LdapClientLike => {
    created.push(options);
    return {
      async bind(dn) {
        const outcome = behaviour[options.url];
        if (outcome instanceof Error) throw outcome;
        binds.push({ url: options.url, dn });
      },
      startTLS: async () => undefined,
      search: async () => ({ searchEntries: [], searchReferences: [] }),
      modify: async () => undefined,
      unbind: async () => undefined,
    };
  };
  return { created, binds, factory };
}

const warnings: unknown[] = [];
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (fields: unknown) => void warnings.push(fields),
  error: () => undefined,
};

describe('connectDirectory', () => {
  it('fails over to the next server, warning about the one it skipped', async () => {
    const servers = fakeServers({
      'ldaps://dc1.test': failure('connect ECONNREFUSED', 'ECONNREFUSED'),
      'ldaps://dc2.test': 'ok',
    });
    warnings.length = 0;
    const connection = await connectDirectory({
      servers: ['ldaps://dc1.test', 'ldaps://dc2.test'],
      bindDN: 'CN=svc',
      bindPassword: 'pw',
      ldapClientFactory: servers.factory,
      logger,
    });
    expect(connection.server).toBe('ldaps://dc2.test');
    expect(servers.binds).toEqual([{ url: 'ldaps://dc2.test', dn: 'CN=svc' }]);
    // TLS is verified against the server's name: ldaps:// clients get the host as servername, TLS 1.2 at least.
    expect(servers.created[1]?.tlsOptions).toMatchObject({ servername: 'dc2.test', minVersion: 'TLSv1.2' });
    expect(warnings).toEqual([expect.objectContaining({ server: 'ldaps://dc1.test', code: 'SERVER_UNREACHABLE' })]);
    await connection.close();
  });

  it('reports the common failure of every server with each reason, or SERVER_UNREACHABLE when they differ', async () => {
    const refused = failure('connect ECONNREFUSED', 'ECONNREFUSED');
    const badPassword = failure('Invalid Credentials', 49);
    const same = fakeServers({ 'ldaps://a.test': badPassword, 'ldaps://b.test': badPassword });
    const error = await connectDirectory({
      servers: ['ldaps://a.test', 'ldaps://b.test'],
      bindDN: 'CN=svc',
      bindPassword: 'wrong',
      ldapClientFactory: same.factory,
    }).catch((e: unknown) => e);
    expect(DirectoryError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: DIRECTORY_ERROR_CODES.BIND_FAILED, hresult: DIRECTORY_HRESULTS.LOGON_FAILURE });
    expect((error as DirectoryError).message).toMatch(/ldaps:\/\/a\.test: simple bind as CN=svc failed \(LDAP 49/);
    expect((error as DirectoryError).message).not.toContain('wrong');

    const mixed = fakeServers({ 'ldaps://a.test': refused, 'ldaps://b.test': badPassword });
    const either = await connectDirectory({
      servers: ['ldaps://a.test', 'ldaps://b.test'],
      bindDN: 'CN=svc',
      bindPassword: 'pw',
      ldapClientFactory: mixed.factory,
    }).catch((e: unknown) => e);
    expect(either).toMatchObject({
      code: DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE,
      hresult: HRESULT_DS_SERVER_DOWN,
      isRetryable: true,
    });
    expect((either as DirectoryError).message).toMatch(
      /^.*no LDAP server could be used: ldaps:\/\/a\.test: .*; ldaps:\/\/b\.test: /,
    );
  });

  it('never sends a bind password over a connection without TLS, and classifies certificate failures', async () => {
    const plain = fakeServers({ 'ldap://dc.test': 'ok' });
    await expect(
      connectDirectory({
        servers: ['ldap://dc.test'],
        bindDN: 'CN=svc',
        bindPassword: 'pw',
        ldapClientFactory: plain.factory,
      }),
    ).rejects.toMatchObject({ code: DIRECTORY_ERROR_CODES.CONFIGURATION });
    expect(plain.created).toEqual([]);

    const untrusted = fakeServers({
      'ldaps://dc.test': failure('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'),
    });
    await expect(
      connectDirectory({ servers: ['ldaps://dc.test'], ldapClientFactory: untrusted.factory }),
    ).rejects.toMatchObject({
      code: DIRECTORY_ERROR_CODES.TLS_VERIFICATION_FAILED,
      hresult: DIRECTORY_HRESULTS.UNTRUSTED_ROOT,
    });
  });

  it('stops at once when aborted, and needs at least one server', async () => {
    const servers = fakeServers({ 'ldaps://dc.test': 'ok' });
    const controller = new AbortController();
    controller.abort();
    await expect(
      connectDirectory({ servers: ['ldaps://dc.test'], ldapClientFactory: servers.factory, signal: controller.signal }),
    ).rejects.toMatchObject({ code: DIRECTORY_ERROR_CODES.ABORTED });
    await expect(connectDirectory({ servers: [] })).rejects.toMatchObject({
      code: DIRECTORY_ERROR_CODES.CONFIGURATION,
    });
  });
});
