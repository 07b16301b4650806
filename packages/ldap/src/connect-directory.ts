import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from '@certexit/core';
import type { AccountSchema } from './account-lookup';
import { AD_ACCOUNT_SCHEMA } from './account-lookup';
import type { DirectoryConnection } from './directory-connection';
import { directoryConnection } from './directory-connection';
import type { DirectoryErrorCode } from './directory-error';
import { DIRECTORY_ERROR_CODES, DIRECTORY_HRESULTS, DirectoryError } from './directory-error';
import { attributeVariants, bounded, quietUnbind } from './directory-session';
import type { LdapClientFactory, LdapClientLike } from './ldap-client';
import { defaultLdapClientFactory } from './ldap-client';
import { classifyConnectFailure, configError, configFailure, reason } from './ldap-failure';

/** Options of {@link connectDirectory}. */
export interface DirectoryClientOptions {
  /** `ldap://` / `ldaps://` URLs, tried in order until one connects and binds (failover). */
  servers: readonly string[];
  /** The DN (or `user@realm` / `DOMAIN\user` for AD) of the simple bind; anonymous when absent. */
  bindDN?: string;
  /** The simple-bind password. Never logged, never put in an error. */
  bindPassword?: string;
  /** A PEM file of the CA certificate(s) trusted for LDAPS/StartTLS; the system CAs when absent. */
  caFile?: string;
  /** Upgrade `ldap://` connections with StartTLS. @default false */
  startTLS?: boolean;
  /** Connect and per-operation timeout. @default 10000 */
  timeoutMs?: number;
  /** The attribute certificates go to: `userCertificate` for AD, `userCertificate;binary` for OpenLDAP. @default 'userCertificate' */
  userCertificateAttribute?: string;
  /** @default {@link defaultLdapClientFactory} */
  ldapClientFactory?: LdapClientFactory;
  /** Aborts the connection attempt and every operation. */
  signal?: AbortSignal;
  /** How accounts are found. @default {@link AD_ACCOUNT_SCHEMA} */
  accountSchema?: AccountSchema;
  /** Where failover warnings go. */
  logger?: Logger;
}

/**
 * Connects to the first server of `servers` that accepts a (TLS-verified, where TLS is used) connection and
 * the simple bind. Each failure is logged as a warning and the next server is tried.
 *
 * @throws a {@link DirectoryError}: `CONFIGURATION` (no servers, unreadable CA file), or, when no server could be
 *   used, the common code of every attempt (`SERVER_UNREACHABLE`, `TLS_VERIFICATION_FAILED`, `BIND_FAILED`, …)
 *   with each server's reason in the message.
 */
export async function connectDirectory(options: DirectoryClientOptions): Promise<DirectoryConnection> {
  if (options.servers.length === 0) {
    throw configError('no LDAP server is configured (LdapServers is empty)');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const factory = options.ldapClientFactory ?? defaultLdapClientFactory;
  const attribute = options.userCertificateAttribute ?? 'userCertificate';
  let ca: string | undefined;
  if (options.caFile !== undefined) {
    try {
      ca = await readFile(options.caFile, 'utf8');
    } catch (error) {
      throw configError(`cannot read the LDAP CA file ${options.caFile}: ${reason(error)}`, error);
    }
  }

  const failures: Array<{ server: string; code: DirectoryErrorCode; hresult: number; text: string; cause: unknown }> =
    [];
  for (const server of options.servers) {
    _throwIfAborted(options.signal, server);
    const attempt = await _tryServer(server, { ...options, timeoutMs, factory, ca });
    if ('client' in attempt) {
      return directoryConnection(
        {
          server,
          client: attempt.client,
          attribute,
          bufferAttributes: attributeVariants(attribute),
          timeoutMs,
          signal: options.signal,
        },
        options.accountSchema ?? AD_ACCOUNT_SCHEMA,
      );
    }
    failures.push({ server, ...attempt });
    if (attempt.code === DIRECTORY_ERROR_CODES.ABORTED) break;
    if (options.servers.length > 1) {
      options.logger?.warn(
        { server, code: attempt.code, reason: attempt.text },
        'LDAP server not usable; trying the next one',
      );
    }
  }

  const codes = new Set(failures.map((f) => f.code));
  const last = failures[failures.length - 1]!;
  const code = codes.size === 1 ? last.code : DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE;
  const hresult = codes.size === 1 ? last.hresult : DIRECTORY_HRESULTS.SERVER_DOWN;
  const list = failures.map((f) => `${f.server}: ${f.text}`).join('; ');
  throw new DirectoryError({
    code,
    hresult,
    server: failures.length === 1 ? last.server : undefined,
    message: failures.length === 1 ? `LDAP server ${list}` : `no LDAP server could be used: ${list}`,
    cause: failures.length === 1 ? last.cause : new AggregateError(failures.map((f) => f.cause)),
    isRetryable: code === DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE || code === DIRECTORY_ERROR_CODES.TIMEOUT,
  });
}

type _Attempt =
  | { client: LdapClientLike }
  | { code: DirectoryErrorCode; hresult: number; text: string; cause: unknown };

async function _tryServer(
  server: string,
  options: DirectoryClientOptions & { timeoutMs: number; factory: LdapClientFactory; ca: string | undefined },
): Promise<_Attempt> {
  let url: URL;
  try {
    url = new URL(server);
  } catch (error) {
    return { ...configFailure(`not a URL`), cause: error };
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'ldap' && scheme !== 'ldaps')
    return { ...configFailure('not an ldap:// or ldaps:// URL'), cause: undefined };
  const encrypted = scheme === 'ldaps' || options.startTLS === true;
  if (options.bindPassword !== undefined && !encrypted) {
    return {
      ...configFailure(
        'refusing to send the bind password over an unencrypted connection; use ldaps:// or LdapStartTLS=1',
      ),
      cause: undefined,
    };
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const tlsOptions: ConnectionOptions = {
    host,
    ...(isIP(host) === 0 ? { servername: host } : {}),
    ...(options.ca !== undefined ? { ca: [options.ca] } : {}),
    minVersion: 'TLSv1.2',
  };
  let client: LdapClientLike;
  try {
    // Never hand ldapts tlsOptions for ldap:// URLs: it would then speak TLS from the first byte on port 389.
    client = options.factory({
      url: server,
      timeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
      ...(scheme === 'ldaps' ? { tlsOptions } : {}),
    });
  } catch (error) {
    return { ...configFailure(`rejected by the LDAP client: ${reason(error)}`), cause: error };
  }

  let phase: 'connect' | 'starttls' | 'bind' = scheme === 'ldap' && options.startTLS ? 'starttls' : 'connect';
  try {
    await bounded(options.timeoutMs, options.signal, async () => {
      if (phase === 'starttls') {
        await client.startTLS({ ...tlsOptions });
      }
      phase = 'bind';
      // Always bind (anonymously without a bind DN): it is what opens the connection, so failover sees it.
      await client.bind(options.bindDN ?? '', options.bindPassword ?? '');
    });
    return { client };
  } catch (error) {
    await quietUnbind(client);
    return { ...classifyConnectFailure(error, phase, options.bindDN), cause: error };
  }
}

function _throwIfAborted(signal: AbortSignal | undefined, server: string): void {
  if (!signal?.aborted) return;
  throw new DirectoryError({
    code: DIRECTORY_ERROR_CODES.ABORTED,
    hresult: DIRECTORY_HRESULTS.OPERATION_ABORTED,
    server,
    message: 'the host stopped before the directory was reached',
  });
}
