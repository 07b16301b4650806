import type { Logger } from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import { caCertificatePublishTargets } from '../ca/publication-urls';
import type { DirectoryPublicationResult } from './publish-to-ca-directory';
import { publishToCaDirectory } from './publish-to-ca-directory';

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
  const locations = caCertificatePublishTargets(ca).filter((target) => /^ldap:/i.test(target));
  return publishToCaDirectory(
    ca,
    locations.map((location) => ({ location, der: ca.certificate.der, mode: 'add' as const })),
    options,
  );
}
