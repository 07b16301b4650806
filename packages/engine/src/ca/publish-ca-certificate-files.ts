import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import type { CaContext } from './ca-context';
import { caCertificatePublishTargets } from './publication-urls';
import { caFileMode } from './restrict-ca-folder';

/**
 * Writes the current CA certificate (DER) to every local-file location of `CACertPublicationURLs` flagged
 * `CSURL_SERVERPUBLISH`, as AD CS does at setup and renewal. LDAP locations are the directory publisher's.
 * @returns the files written.
 */
export function publishCaCertificateFiles(ca: CaContext): string[] {
  const written: string[] = [];
  for (const target of caCertificatePublishTargets(ca)) {
    if (!isAbsolute(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    const mode = caFileMode(ca.folder.root, target);
    writeFileSync(target, ca.certificate.der, mode === undefined ? {} : { mode });
    written.push(target);
  }
  return written;
}
