import type { Logger } from '@certexit/core';
import type { DirectoryConnection, LdapClientLike } from '@certexit/ldap';
import {
  accountFilter,
  connectDirectory,
  DIRECTORY_HRESULTS,
  DirectoryError,
  defaultLdapClientFactory,
  directoryClientOptions,
} from '@certexit/ldap';
import { EqualityFilter, OrFilter } from 'ldapts';
import type { CaFolderContext } from '../ca/open-ca-folder';
import type { RequesterLookup } from '../policy/requester-lookup';
import type { CaDirectorySettings } from './ca-directory-settings';
import { CA_DIRECTORY_KEY, CA_DIRECTORY_VALUES, readCaDirectorySettings } from './ca-directory-settings';

/**
 * Finds the requester `DOMAIN\name` in the CA's directory (`CA\Directory`): the user or computer whose
 * `sAMAccountName` is `name` under `DSDomainDN` (or the server's default naming context), with its groups from
 * `tokenGroups` resolved to names. Values are passed to LDAP as filter objects, never spliced into filter text.
 */
export async function findRequesterInDirectory(
  ca: Pick<CaFolderContext, 'registry' | 'registryPath' | 'domainDn'>,
  requesterName: string,
  options: { settings?: CaDirectorySettings; logger?: Logger } = {},
): Promise<RequesterLookup> {
  // Most CAs have no directory: one value says so, before the rest of the settings are read.
  if (!options.settings && !_hasServers(ca)) return { status: 'not-configured' };
  const settings = options.settings ?? readCaDirectorySettings(ca);
  if (settings.servers.length === 0) return { status: 'not-configured' };
  const samAccountName = requesterName.slice(requesterName.lastIndexOf('\\') + 1);
  // connectDirectory hands back its own connection; the ldapts client underneath is what this search needs, so
  // the factory keeps the last client it made (failed attempts are unbound before the next one is made).
  let client: LdapClientLike | undefined;
  let connection: DirectoryConnection;
  try {
    connection = await connectDirectory(
      await directoryClientOptions(settings, {
        ...(options.logger && { logger: options.logger }),
        ldapClientFactory: (clientOptions) => {
          client = defaultLdapClientFactory(clientOptions);
          return client;
        },
      }),
    );
  } catch (error) {
    return { status: 'failed', error: _directoryError(error) };
  }
  try {
    const ldap = client!;
    const baseDn = ca.domainDn ?? (await _defaultNamingContext(ldap));
    // AD computers are users too: one search finds either.
    const { filter, text } = accountFilter(samAccountName, 'user');
    const { searchEntries } = await ldap.search(baseDn, {
      scope: 'sub',
      filter,
      sizeLimit: 2,
      attributes: [
        'cn',
        'sAMAccountName',
        'userPrincipalName',
        'mail',
        'dNSHostName',
        'objectGUID',
        'servicePrincipalName',
        'objectClass',
      ],
      explicitBufferAttributes: ['objectGUID'],
    });
    if (searchEntries.length === 0) return { status: 'not-found', filter: text };
    if (searchEntries.length > 1) {
      return {
        status: 'failed',
        error: new DirectoryError({
          code: 'ACCOUNT_AMBIGUOUS',
          hresult: DIRECTORY_HRESULTS.GENERIC,
          message: `more than one directory object has sAMAccountName ${JSON.stringify(samAccountName)} under ${baseDn}`,
        }),
      };
    }
    const found = searchEntries[0]!;
    const tokens = await ldap.search(found.dn, {
      scope: 'base',
      attributes: ['tokenGroups'],
      explicitBufferAttributes: ['tokenGroups'],
    });
    const sids = _buffers(tokens.searchEntries[0]?.tokenGroups);
    const groups =
      sids.length === 0
        ? []
        : (
            await ldap.search(baseDn, {
              scope: 'sub',
              filter: new OrFilter({
                filters: sids.map((sid) => new EqualityFilter({ attribute: 'objectSid', value: sid })),
              }),
              attributes: ['sAMAccountName'],
            })
          ).searchEntries
            .map((e) => _text(e.sAMAccountName))
            .filter((n): n is string => n !== undefined);
    const classes = _texts(found.objectClass).map((c) => c.toLowerCase());
    return {
      status: 'found',
      server: connection.server,
      entry: {
        dn: found.dn,
        samAccountName: _text(found.sAMAccountName) ?? samAccountName,
        cn: _text(found.cn),
        userPrincipalName: _text(found.userPrincipalName),
        mail: _text(found.mail),
        dnsHostName: _text(found.dNSHostName),
        objectGuid: _buffers(found.objectGUID)[0],
        servicePrincipalNames: _texts(found.servicePrincipalName),
        groups,
        isComputer: classes.includes('computer'),
        domainDnsName: _domainOf(found.dn),
      },
    };
  } catch (error) {
    return { status: 'failed', error: _directoryError(error) };
  } finally {
    await connection.close();
  }
}

function _hasServers(ca: Pick<CaFolderContext, 'registry' | 'registryPath'>): boolean {
  const value = ca.registry.getValue(
    `${ca.registryPath}\\${CA_DIRECTORY_KEY}\\${CA_DIRECTORY_VALUES.LdapServers.name}`,
  );
  return typeof value === 'string'
    ? value.trim() !== ''
    : Array.isArray(value)
      ? value.length > 0
      : value !== undefined;
}

async function _defaultNamingContext(ldap: LdapClientLike): Promise<string> {
  const root = await ldap.search('', { scope: 'base', attributes: ['defaultNamingContext'] });
  const context = _text(root.searchEntries[0]?.defaultNamingContext);
  if (!context) throw new Error('the directory names no defaultNamingContext; set CA\\DSDomainDN');
  return context;
}

function _domainOf(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => /^\s*DC=(.*)$/i.exec(rdn)?.[1]?.trim())
    .filter((label): label is string => label !== undefined && label !== '')
    .join('.');
}

function _texts(value: unknown): string[] {
  return [value ?? []]
    .flat()
    .map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)))
    .filter((v) => v !== '');
}

function _text(value: unknown): string | undefined {
  return _texts(value)[0];
}

function _buffers(value: unknown): Buffer[] {
  return [value ?? []].flat().filter((v): v is Buffer => Buffer.isBuffer(v));
}

function _directoryError(error: unknown): DirectoryError {
  if (DirectoryError.isInstance(error)) return error as DirectoryError;
  return new DirectoryError({
    code: 'OPERATION_FAILED',
    hresult: DIRECTORY_HRESULTS.GENERIC,
    message: `directory look-up failed: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}
