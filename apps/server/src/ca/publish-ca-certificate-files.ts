import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { CSURL_SERVERPUBLISH, REGVAL_CACERT_PUBLICATION_URLS } from '@certexit/core';
import type { CaContext } from './ca-context';
import { expandPublicationUrl, parsePublicationUrls } from './publication-urls';

/**
 * Writes the current CA certificate (DER) to every local-file location of `CACertPublicationURLs` flagged
 * `CSURL_SERVERPUBLISH`, as AD CS does at setup and renewal. LDAP locations are the directory publisher's.
 * @returns the files written.
 */
export function publishCaCertificateFiles(ca: CaContext): string[] {
  const entries = ca.registry.getValue(`${ca.registryPath}\\${REGVAL_CACERT_PUBLICATION_URLS}`);
  const written: string[] = [];
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
    if (!isAbsolute(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, ca.certificate.der);
    written.push(target);
  }
  return written;
}
