import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from '@certexit/core';
import type { Filter, SearchOptions, SearchResult } from 'ldapts';
import { AndFilter, Attribute, Change, Client, EqualityFilter, OrFilter } from 'ldapts';
import { batchWhileBusy } from './batch-while-busy';
import type { DirectoryErrorCode } from './directory-error';
import { DIRECTORY_ERROR_CODES, DIRECTORY_HRESULTS, DirectoryError } from './directory-error';
import { escapeFilterValue } from './escape-filter-value';

type Entry = SearchResult['searchEntries'][number];

/**
 * The part of an LDAP client the directory publisher uses; ldapts' `Client` satisfies it as it is. A test may
 * inject a fake through {@link LdapClientFactory}.
 */
export interface LdapClientLike {
  bind(dn: string, password?: string): Promise<void>;
  startTLS(options?: ConnectionOptions): Promise<void>;
  search(baseDN: string, options?: SearchOptions): Promise<SearchResult>;
  modify(dn: string, changes: Change | Change[]): Promise<void>;
  /** Needed only by {@link DirectoryConnection.addEntry} (the engine's CDP/AIA publication); ldapts has it. */
  add?(dn: string, attributes: Attribute[]): Promise<void>;
  unbind(): Promise<void>;
}

/** What a {@link LdapClientFactory} is given for one server: ldapts' `ClientOptions` subset. */
export interface LdapClientOptions {
  /** `ldap://host:port` or `ldaps://host:port`. */
  url: string;
  /** Per-operation timeout in milliseconds. */
  timeout: number;
  /** TCP (and, for ldaps://, TLS handshake) timeout in milliseconds. */
  connectTimeout: number;
  /** TLS options for `ldaps://` URLs only; StartTLS gets its options through `startTLS()`. */
  tlsOptions?: ConnectionOptions;
}

/** Creates one LDAP client per server attempt. @default (options) => new Client(options) (ldapts) */
export type LdapClientFactory = (options: LdapClientOptions) => LdapClientLike;

/** The default {@link LdapClientFactory}: an ldapts `Client`. */
export const defaultLdapClientFactory: LdapClientFactory = (options) => new Client(options);

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

/** Which kind of directory object a certificate belongs to. */
export type AccountKind = 'user' | 'computer';

/** A directory object found for a requester. */
export interface DirectoryAccount {
  readonly dn: string;
  readonly kind: AccountKind;
  /** The certificates the object holds now (DER). */
  readonly userCertificates: readonly Uint8Array[];
}

/** A bound connection to one directory server. */
export interface DirectoryConnection {
  /** The URL of the server that accepted the connection. */
  readonly server: string;
  /**
   * Finds the user or computer whose `sAMAccountName` is `samAccountName` under `baseDN` (subtree).
   * @returns the account, or `undefined` when nothing matches.
   * @throws a {@link DirectoryError} `ACCOUNT_AMBIGUOUS` when more than one object matches.
   */
  findAccount(baseDN: string, samAccountName: string, kind: AccountKind): Promise<DirectoryAccount | undefined>;
  /** Reads the object at `dn` if it exists and is of `kind`; `undefined` otherwise. */
  readAccount(dn: string, kind: AccountKind): Promise<DirectoryAccount | undefined>;
  /**
   * Adds `der` to the account's certificate attribute. Publishing the same certificate again leaves one value:
   * an existing value is detected before the modify, and "attribute or value exists" (LDAP 20) counts as success.
   */
  addUserCertificate(account: DirectoryAccount, der: Uint8Array): Promise<'added' | 'already-present'>;
  /**
   * Removes `remove` from the account's certificate attribute and adds `der`, in one modify (delete values, then
   * add), so readers never see the object without a current certificate. When a concurrent writer already
   * removed a value (LDAP 16) or added `der` (LDAP 20), the changes are applied one by one, ignoring those two.
   * @returns whether `der` was added, and how many values were removed.
   */
  replaceUserCertificates(
    account: DirectoryAccount,
    der: Uint8Array,
    remove: readonly Uint8Array[],
  ): Promise<{ status: 'added' | 'already-present'; removed: number }>;
  /**
   * Reads the binary values of `attribute` (with or without `;binary`) of the object at `dn`.
   * @returns the values (empty when the attribute is absent), or `undefined` when the object does not exist.
   */
  readValues(dn: string, attribute: string): Promise<Uint8Array[] | undefined>;
  /**
   * Creates the object at `dn` with `attributes`; an existing object (LDAP 68) is left as it is.
   * @returns `'exists'` when the object was already there.
   */
  addEntry(
    dn: string,
    attributes: Readonly<Record<string, string | readonly (string | Uint8Array)[]>>,
  ): Promise<'added' | 'exists'>;
  /** Replaces every value of `attribute` of `dn` with `values` (one modify). */
  replaceValues(dn: string, attribute: string, values: readonly Uint8Array[]): Promise<void>;
  /** Adds `value` to `attribute` of `dn`, keeping the other values; a value already there counts as success. */
  addValue(dn: string, attribute: string, value: Uint8Array): Promise<'added' | 'already-present'>;
  /** Unbinds; never throws. */
  close(): Promise<void>;
}

/**
 * How accounts are found: the naming attribute and the object classes. AD (the default) uses `sAMAccountName`,
 * `user` and `computer`; an OpenLDAP tree of inetOrgPersons uses e.g. `uid` and `inetOrgPerson`.
 */
export interface AccountSchema {
  /** @default 'sAMAccountName' */
  readonly nameAttribute: string;
  /** @default 'user' (AD computers are users too) */
  readonly userObjectClass: string;
  /** @default 'computer' */
  readonly computerObjectClass: string;
}

/** Active Directory's {@link AccountSchema}. */
export const AD_ACCOUNT_SCHEMA: AccountSchema = {
  nameAttribute: 'sAMAccountName',
  userObjectClass: 'user',
  computerObjectClass: 'computer',
};

/** The search filter for an account, as an ldapts filter object and as escaped RFC 4515 text (for logs). */
export function accountFilter(
  accountName: string,
  kind: AccountKind,
  schema: AccountSchema = AD_ACCOUNT_SCHEMA,
): { filter: Filter; text: string } {
  return {
    filter: new AndFilter({
      filters: [
        _classFilter(kind, schema),
        new EqualityFilter({ attribute: schema.nameAttribute, value: accountName }),
      ],
    }),
    text: `(&(objectClass=${escapeFilterValue(_objectClass(kind, schema))})(${schema.nameAttribute}=${escapeFilterValue(accountName)}))`,
  };
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
    throw _configError('no LDAP server is configured (LdapServers is empty)');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const factory = options.ldapClientFactory ?? defaultLdapClientFactory;
  const attribute = options.userCertificateAttribute ?? 'userCertificate';
  let ca: string | undefined;
  if (options.caFile !== undefined) {
    try {
      ca = await readFile(options.caFile, 'utf8');
    } catch (error) {
      throw _configError(`cannot read the LDAP CA file ${options.caFile}: ${_reason(error)}`, error);
    }
  }

  const failures: Array<{ server: string; code: DirectoryErrorCode; hresult: number; text: string; cause: unknown }> =
    [];
  for (const server of options.servers) {
    _throwIfAborted(options.signal, server);
    const attempt = await _tryServer(server, { ...options, timeoutMs, factory, ca });
    if ('client' in attempt) {
      return _connection(
        server,
        attempt.client,
        attribute,
        timeoutMs,
        options.signal,
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
    return { ..._config(`not a URL`), cause: error };
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'ldap' && scheme !== 'ldaps')
    return { ..._config('not an ldap:// or ldaps:// URL'), cause: undefined };
  const encrypted = scheme === 'ldaps' || options.startTLS === true;
  if (options.bindPassword !== undefined && !encrypted) {
    return {
      ..._config('refusing to send the bind password over an unencrypted connection; use ldaps:// or LdapStartTLS=1'),
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
    return { ..._config(`rejected by the LDAP client: ${_reason(error)}`), cause: error };
  }

  let phase: 'connect' | 'starttls' | 'bind' = scheme === 'ldap' && options.startTLS ? 'starttls' : 'connect';
  try {
    await _bounded(options.timeoutMs, options.signal, async () => {
      if (phase === 'starttls') {
        await client.startTLS({ ...tlsOptions });
      }
      phase = 'bind';
      // Always bind (anonymously without a bind DN): it is what opens the connection, so failover sees it.
      await client.bind(options.bindDN ?? '', options.bindPassword ?? '');
    });
    return { client };
  } catch (error) {
    await _quietUnbind(client);
    return { ..._classify(error, phase, options.bindDN), cause: error };
  }
}

function _connection(
  server: string,
  client: LdapClientLike,
  attribute: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  schema: AccountSchema,
): DirectoryConnection {
  const bufferAttributes = _attributeVariants(attribute);
  const run = <T>(dn: string, what: string, operation: () => Promise<T>): Promise<T> =>
    _bounded(timeoutMs, signal, operation).catch((error: unknown) => {
      throw _operationError(error, server, dn, what);
    });
  const toAccount = (entry: Entry, kind: AccountKind): DirectoryAccount => ({
    dn: entry.dn,
    kind,
    userCertificates: _certificateValues(entry, bufferAttributes),
  });

  // Lookups made while one is running go out as one search (an OR of the names): a burst of publications sharing
  // this connection costs the directory a search per batch instead of one per certificate.
  const lookups = new Map<string, (name: string) => Promise<(name: string) => Entry[]>>();
  const searchAccounts = async (
    baseDN: string,
    names: readonly string[],
    kind: AccountKind,
  ): Promise<(name: string) => Entry[]> => {
    const unique = [...new Set(names)];
    const single = unique.length === 1;
    // A lone lookup sends the plain account filter; a batch ORs the names and asks for them back, to sort the answers.
    const filter = single
      ? accountFilter(unique[0]!, kind, schema).filter
      : new AndFilter({
          filters: [
            _classFilter(kind, schema),
            new OrFilter({
              filters: unique.map((name) => new EqualityFilter({ attribute: schema.nameAttribute, value: name })),
            }),
          ],
        });
    const { searchEntries } = await _bounded(timeoutMs, signal, () =>
      client.search(baseDN, {
        scope: 'sub',
        filter,
        attributes: single ? [attribute] : [attribute, schema.nameAttribute],
        explicitBufferAttributes: bufferAttributes,
      }),
    );
    return single ? () => searchEntries : (name) => _entriesNamed(searchEntries, schema.nameAttribute, name);
  };

  return {
    server,
    async findAccount(baseDN, samAccountName, kind) {
      const group = `${kind}\n${baseDN}`;
      let lookup = lookups.get(group);
      if (!lookup) {
        lookup = batchWhileBusy((names) => searchAccounts(baseDN, names, kind), _MAX_LOOKUP_BATCH);
        lookups.set(group, lookup);
      }
      const entries = await lookup(samAccountName)
        .then((matching) => matching(samAccountName))
        .catch((error: unknown) => {
          throw _operationError(error, server, baseDN, `search ${accountFilter(samAccountName, kind, schema).text}`);
        });
      if (entries.length > 1) {
        const { text } = accountFilter(samAccountName, kind, schema);
        throw new DirectoryError({
          code: DIRECTORY_ERROR_CODES.ACCOUNT_AMBIGUOUS,
          hresult: DIRECTORY_HRESULTS.GENERIC,
          server,
          dn: baseDN,
          message: `${entries.length} objects match ${text} under ${baseDN} on ${server}: ${entries.map((e) => e.dn).join('; ')}`,
        });
      }
      return entries[0] && toAccount(entries[0], kind);
    },
    async readAccount(dn, kind) {
      try {
        const result = await _bounded(timeoutMs, signal, () =>
          client.search(dn, {
            scope: 'base',
            filter: _classFilter(kind, schema),
            attributes: [attribute],
            explicitBufferAttributes: bufferAttributes,
          }),
        );
        return result.searchEntries[0] && toAccount(result.searchEntries[0], kind);
      } catch (error) {
        // noSuchObject, invalidDNSyntax: the caller falls back to the sAMAccountName search.
        if (_ldapCode(error) === 32 || _ldapCode(error) === 34) return undefined;
        throw _operationError(error, server, dn, 'read');
      }
    },
    async addUserCertificate(account, der) {
      const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
      if (account.userCertificates.some((value) => Buffer.compare(Buffer.from(value), bytes) === 0)) {
        return 'already-present';
      }
      try {
        await _bounded(timeoutMs, signal, () =>
          client.modify(
            account.dn,
            new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: [bytes] }) }),
          ),
        );
        return 'added';
      } catch (error) {
        if (_ldapCode(error) === 20) return 'already-present'; // attributeOrValueExists
        throw _operationError(error, server, account.dn, `add ${attribute} to`);
      }
    },
    async replaceUserCertificates(account, der, remove) {
      if (remove.length === 0) return { status: await this.addUserCertificate(account, der), removed: 0 };
      const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
      const present = account.userCertificates.some((value) => Buffer.compare(Buffer.from(value), bytes) === 0);
      const deletes = remove.map(
        (value) =>
          new Change({
            operation: 'delete',
            modification: new Attribute({ type: attribute, values: [Buffer.from(value)] }),
          }),
      );
      const add = new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: [bytes] }) });
      const modify = (changes: Change[]) => _bounded(timeoutMs, signal, () => client.modify(account.dn, changes));
      try {
        await modify(present ? deletes : [...deletes, add]);
        return { status: present ? 'already-present' : 'added', removed: deletes.length };
      } catch (error) {
        const code = _ldapCode(error);
        if (code !== 16 && code !== 20) throw _operationError(error, server, account.dn, `update ${attribute} of`);
      }
      let removed = 0;
      for (const change of deletes) {
        try {
          await modify([change]);
          removed++;
        } catch (error) {
          if (_ldapCode(error) !== 16)
            throw _operationError(error, server, account.dn, `remove a value of ${attribute} from`);
        }
      }
      return { status: present ? 'already-present' : await this.addUserCertificate(account, der), removed };
    },
    async readValues(dn, name) {
      const variants = _attributeVariants(name);
      try {
        const result = await _bounded(timeoutMs, signal, () =>
          client.search(dn, { scope: 'base', attributes: [name], explicitBufferAttributes: variants }),
        );
        const entry = result.searchEntries[0];
        return entry && _certificateValues(entry, variants);
      } catch (error) {
        if (_ldapCode(error) === 32) return undefined; // noSuchObject
        throw _operationError(error, server, dn, `read ${name} of`);
      }
    },
    async addEntry(dn, attributes) {
      if (!client.add) {
        throw _configError(`the LDAP client cannot add entries, so ${dn} cannot be created on ${server}`);
      }
      const list = Object.entries(attributes).map(
        ([type, value]) =>
          new Attribute({
            type,
            // ldapts wants one kind per attribute: all strings, or all buffers.
            values:
              typeof value === 'string'
                ? [value]
                : value.every((v) => typeof v === 'string')
                  ? [...(value as readonly string[])]
                  : value.map((v) => Buffer.from(v)),
          }),
      );
      try {
        await _bounded(timeoutMs, signal, () => client.add!(dn, list));
        return 'added';
      } catch (error) {
        if (_ldapCode(error) === 68) return 'exists'; // entryAlreadyExists
        throw _operationError(error, server, dn, 'create');
      }
    },
    async replaceValues(dn, name, values) {
      const change = new Change({
        operation: 'replace',
        modification: new Attribute({ type: name, values: values.map((v) => Buffer.from(v)) }),
      });
      await run(dn, `replace ${name} of`, () => client.modify(dn, change));
    },
    async addValue(dn, name, value) {
      const change = new Change({
        operation: 'add',
        modification: new Attribute({ type: name, values: [Buffer.from(value)] }),
      });
      try {
        await _bounded(timeoutMs, signal, () => client.modify(dn, change));
        return 'added';
      } catch (error) {
        if (_ldapCode(error) === 20) return 'already-present'; // attributeOrValueExists
        throw _operationError(error, server, dn, `add a value to ${name} of`);
      }
    },
    async close() {
      await _quietUnbind(client);
    },
  };
}

/** AD computers are also objectClass=user; objectClass=computer selects machine accounts only. */
function _objectClass(kind: AccountKind, schema: AccountSchema): string {
  return kind === 'computer' ? schema.computerObjectClass : schema.userObjectClass;
}

function _classFilter(kind: AccountKind, schema: AccountSchema): Filter {
  return new EqualityFilter({ attribute: 'objectClass', value: _objectClass(kind, schema) });
}

/** Node's codes for a certificate that does not verify (chain, validity, host name). */
const _TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const _UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

function _classify(
  error: unknown,
  phase: 'connect' | 'starttls' | 'bind',
  bindDN: string | undefined,
): { code: DirectoryErrorCode; hresult: number; text: string } {
  const code = _errorCode(error);
  if (code === 'ABORT_ERR')
    return { code: DIRECTORY_ERROR_CODES.ABORTED, hresult: DIRECTORY_HRESULTS.OPERATION_ABORTED, text: 'aborted' };
  if (code !== undefined && _TLS_VERIFY_CODES.has(code)) {
    return {
      code: DIRECTORY_ERROR_CODES.TLS_VERIFICATION_FAILED,
      hresult: DIRECTORY_HRESULTS.UNTRUSTED_ROOT,
      text: `TLS certificate verification failed (${code}: ${_reason(error)}); check LdapCAFile and the server name`,
    };
  }
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(_reason(error))) {
    return {
      code: DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE,
      hresult: DIRECTORY_HRESULTS.SERVER_DOWN,
      text: `no answer during ${phase} (${_reason(error)})`,
    };
  }
  const sslCode = code?.startsWith('ERR_SSL_') === true || code?.startsWith('ERR_TLS_') === true;
  if (sslCode || (phase === 'starttls' && code === undefined && _ldapCode(error) === undefined)) {
    return {
      code: DIRECTORY_ERROR_CODES.TLS_VERIFICATION_FAILED,
      hresult: DIRECTORY_HRESULTS.UNTRUSTED_ROOT,
      text: `TLS handshake failed (${code ?? 'TLS'}: ${_reason(error)})`,
    };
  }
  if (code !== undefined && _UNREACHABLE_CODES.has(code)) {
    return {
      code: DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE,
      hresult: DIRECTORY_HRESULTS.SERVER_DOWN,
      text: `cannot connect (${code}: ${_reason(error)})`,
    };
  }
  const ldap = _ldapCode(error);
  if (phase === 'starttls' && ldap !== undefined) {
    return {
      code: DIRECTORY_ERROR_CODES.TLS_VERIFICATION_FAILED,
      hresult: _ldapHResult(ldap),
      text: `StartTLS refused (LDAP ${ldap}: ${_reason(error)})`,
    };
  }
  if (phase === 'bind' && ldap !== undefined) {
    return {
      code: DIRECTORY_ERROR_CODES.BIND_FAILED,
      hresult: ldap === 49 ? DIRECTORY_HRESULTS.LOGON_FAILURE : _ldapHResult(ldap),
      text: `simple bind as ${bindDN || '(anonymous)'} failed (LDAP ${ldap}: ${_reason(error)})`,
    };
  }
  return {
    code: DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE,
    hresult: DIRECTORY_HRESULTS.SERVER_DOWN,
    text: `${phase} failed (${code ? `${code}: ` : ''}${_reason(error)})`,
  };
}

function _operationError(error: unknown, server: string, dn: string, what: string): DirectoryError {
  if (DirectoryError.isInstance(error)) return error;
  const code = _errorCode(error);
  if (code === 'ABORT_ERR') {
    return new DirectoryError({
      code: DIRECTORY_ERROR_CODES.ABORTED,
      hresult: DIRECTORY_HRESULTS.OPERATION_ABORTED,
      server,
      dn,
      message: `${what} ${dn} on ${server} was aborted`,
      cause: error,
    });
  }
  const ldap = _ldapCode(error);
  if (ldap === undefined && /timed? ?out/i.test(_reason(error))) {
    return new DirectoryError({
      code: DIRECTORY_ERROR_CODES.TIMEOUT,
      hresult: DIRECTORY_HRESULTS.TIMEOUT,
      server,
      dn,
      message: `${what} ${dn} on ${server} timed out`,
      cause: error,
      isRetryable: true,
    });
  }
  return new DirectoryError({
    code: DIRECTORY_ERROR_CODES.OPERATION_FAILED,
    hresult: ldap === undefined ? DIRECTORY_HRESULTS.SERVER_DOWN : _ldapHResult(ldap),
    server,
    dn,
    message: `${what} ${dn} on ${server} failed (${ldap === undefined ? (code ?? 'error') : `LDAP ${ldap}`}: ${_reason(error)})`,
    cause: error,
    isRetryable: ldap === undefined || ldap === 51 || ldap === 52,
  });
}

function _ldapHResult(code: number): number {
  switch (code) {
    case 8:
    case 13:
      return DIRECTORY_HRESULTS.STRONG_AUTH_REQUIRED;
    case 19:
      return DIRECTORY_HRESULTS.CONSTRAINT_VIOLATION;
    case 32:
      return DIRECTORY_HRESULTS.NO_SUCH_OBJECT;
    case 49:
      return DIRECTORY_HRESULTS.LOGON_FAILURE;
    case 50:
      return DIRECTORY_HRESULTS.INSUFF_ACCESS_RIGHTS;
    case 51:
      return DIRECTORY_HRESULTS.BUSY;
    case 52:
      return DIRECTORY_HRESULTS.UNAVAILABLE;
    default:
      return DIRECTORY_HRESULTS.GENERIC;
  }
}

/** The attribute names a server may answer for `attribute` (case and `;binary` vary between servers). */
function _attributeVariants(attribute: string): string[] {
  const base = attribute.replace(/;binary$/i, '');
  const names = [attribute, base, `${base};binary`];
  return [...new Set([...names, ...names.map((n) => n.toLowerCase())])];
}

function _certificateValues(entry: Entry, variants: readonly string[]): Uint8Array[] {
  const wanted = new Set(variants.map((v) => v.toLowerCase()));
  const values: Uint8Array[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'dn' || !wanted.has(key.toLowerCase())) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (Buffer.isBuffer(item)) values.push(new Uint8Array(item));
    }
  }
  return values;
}

async function _bounded<T>(ms: number, signal: AbortSignal | undefined, operation: () => Promise<T>): Promise<T> {
  if (signal?.aborted) throw _abortError();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      operation(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`operation timed out after ${ms} ms`)), ms);
        onAbort = () => reject(_abortError());
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function _abortError(): Error {
  return Object.assign(new Error('the host stopped'), { code: 'ABORT_ERR' });
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

async function _quietUnbind(client: LdapClientLike): Promise<void> {
  try {
    await Promise.race([client.unbind(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  } catch {
    // The connection may already be gone; nothing to clean up.
  }
}

function _config(text: string): { code: DirectoryErrorCode; hresult: number; text: string } {
  return { code: DIRECTORY_ERROR_CODES.CONFIGURATION, hresult: DIRECTORY_HRESULTS.BAD_CONFIGURATION, text };
}

function _configError(message: string, cause?: unknown): DirectoryError {
  return new DirectoryError({
    code: DIRECTORY_ERROR_CODES.CONFIGURATION,
    hresult: DIRECTORY_HRESULTS.BAD_CONFIGURATION,
    message,
    cause,
  });
}

function _errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The LDAP result code of an ldapts `ResultCodeError` (numeric `code`), else `undefined`. */
function _ldapCode(error: unknown): number | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

function _reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim();
}

/** Lookups batched into one search, at most: the OR filter stays well inside directories' request limits. */
const _MAX_LOOKUP_BATCH = 100;

/**
 * The entries of a batched search that answer `name`: those whose naming attribute holds it exactly, else those
 * holding it in another case (AD's `sAMAccountName` and `uid` match without regard to case, and the directory
 * returns the stored spelling).
 */
function _entriesNamed(entries: readonly Entry[], nameAttribute: string, name: string): Entry[] {
  const wanted = nameAttribute.toLowerCase();
  const valuesOf = (entry: Entry): string[] => {
    for (const [key, value] of Object.entries(entry)) {
      if (key.toLowerCase() === wanted) return (Array.isArray(value) ? value : [value]).map(String);
    }
    return [];
  };
  const exact = entries.filter((entry) => valuesOf(entry).includes(name));
  if (exact.length > 0) return exact;
  const folded = name.toLowerCase();
  return entries.filter((entry) => valuesOf(entry).some((value) => value.toLowerCase() === folded));
}
