import type { Logger } from '@certexit/core';
import { connectDirectory, directoryClientOptions } from '@certexit/ldap';
import type { CaFolderContext } from '../ca/open-ca-folder';
import type { CaDirectorySettings } from './ca-directory-settings';
import { readCaDirectorySettings } from './ca-directory-settings';
import type { LdapPublicationLocation } from './ldap-publication-location';
import { parseLdapPublicationUrl } from './ldap-publication-location';
import type { DirectoryValueMode, DirectoryValueStatus } from './publish-directory-value';
import { preflightDirectoryValue, publishDirectoryValue } from './publish-directory-value';

/** One value to write to one LDAP publication URL. */
export interface DirectoryPublicationItem {
  /** The expanded `ldap:///…` URL. */
  location: string;
  der: Uint8Array;
  mode: DirectoryValueMode;
}

/** The outcome of one {@link DirectoryPublicationItem}. */
export type DirectoryPublicationResult =
  | { location: string; dn: string; status: DirectoryValueStatus; server: string }
  | { location: string; error: string };

/** Options of {@link publishToCaDirectory}. */
export interface PublishToCaDirectoryOptions {
  /** @default read from `CA\Directory` */
  settings?: CaDirectorySettings;
  logger?: Logger;
}

/**
 * Writes each item to its LDAP location through the directory of `CA\Directory` (one connection, failover over
 * `LdapServers`). A failing item does not stop the others; every failure is in the results, with its reason.
 * @returns `undefined` when no `LdapServers` are configured (LDAP locations are then skipped), else one result per item
 */
export async function publishToCaDirectory(
  ca: Pick<CaFolderContext, 'registry' | 'registryPath'>,
  items: readonly DirectoryPublicationItem[],
  options: PublishToCaDirectoryOptions = {},
): Promise<DirectoryPublicationResult[] | undefined> {
  const settings = options.settings ?? readCaDirectorySettings(ca);
  if (settings.servers.length === 0) return undefined;
  if (items.length === 0) return [];
  const results: DirectoryPublicationResult[] = [];
  const ready: Array<{ item: DirectoryPublicationItem; location: LdapPublicationLocation }> = [];
  for (const item of items) {
    try {
      const location = parseLdapPublicationUrl(item.location);
      if (!location) throw new Error(`${item.location} is not an ldap: URL`);
      preflightDirectoryValue(location, item.der, settings.maxValueBytes);
      ready.push({ item, location });
    } catch (error) {
      results.push({ location: item.location, error: _reason(error) });
    }
  }
  if (ready.length === 0) return results;
  let connection: Awaited<ReturnType<typeof connectDirectory>>;
  try {
    // The engine connects and resolves its bind password exactly as the default module does.
    connection = await connectDirectory(
      await directoryClientOptions(settings, options.logger ? { logger: options.logger } : {}),
    );
  } catch (error) {
    return [...results, ...ready.map(({ item }) => ({ location: item.location, error: _reason(error) }))];
  }
  try {
    for (const { item, location } of ready) {
      try {
        const status = await publishDirectoryValue(connection, location, item.der, {
          mode: item.mode,
          binary: settings.binaryAttributes,
          maxValueBytes: settings.maxValueBytes,
        });
        results.push({ location: item.location, dn: location.dn, status, server: connection.server });
      } catch (error) {
        results.push({ location: item.location, error: _reason(error) });
      }
    }
  } finally {
    await connection.close();
  }
  return results;
}

function _reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
