import type { Logger } from '@certexit/core';
import { CSURL_SERVERPUBLISH, REGVAL_CACERT_PUBLICATION_URLS } from '@certexit/core';
import type { DirectoryPublicationResult } from '../directory/publish-to-ca-directory';
import { publishToCaDirectory } from '../directory/publish-to-ca-directory';
import type { CaContext } from './ca-context';
import { expandPublicationUrl, parsePublicationUrls } from './publication-urls';

/**
 * Adds the current CA certificate to `cACertificate` of every `ldap:` location of `CACertPublicationURLs` flagged
 * `CSURL_SERVERPUBLISH` (the AIA `certificationAuthority` object), creating the object and its parents. The value is
 * added, not replaced: the AIA object keeps the certificates of earlier renewals, as on AD CS.
 * @returns one result per location, `[]` when there is none, `undefined` when `CA\Directory` names no server
 */
export async function publishCaCertificateToDirectory(
  ca: CaContext,
  options: { logger?: Logger } = {},
): Promise<DirectoryPublicationResult[] | undefined> {
  const entries = ca.registry.getValue(`${ca.registryPath}\\${REGVAL_CACERT_PUBLICATION_URLS}`);
  const locations: string[] = [];
  for (const url of parsePublicationUrls(Array.isArray(entries) ? entries.map(String) : [])) {
    if (!(url.flags & CSURL_SERVERPUBLISH)) continue;
    const target = expandPublicationUrl(url.template, {
      serverDnsName: ca.machineDnsName,
      caName: ca.sanitizedName,
      shortName: ca.shortName,
      certIndex: ca.certIndex,
      keyIndex: ca.keyIndex,
      domainDn: ca.domainDn,
      configDn: ca.configDn,
    });
    if (/^ldap:/i.test(target)) locations.push(target);
  }
  return publishToCaDirectory(
    ca,
    locations.map((location) => ({ location, der: ca.certificate.der, mode: 'add' as const })),
    options,
  );
}
