import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CSURL_ADDTOCRLCDP,
  CSURL_ADDTOFRESHESTCRL,
  CSURL_ADDTOIDP,
  CSURL_PUBLISHRETRY,
  CSURL_SERVERPUBLISH,
  CSURL_SERVERPUBLISHDELTA,
  REGVAL_CRL_PUBLICATION_URLS,
} from '@certexit/core';
import type { CaFolderContext } from '../ca/open-ca-folder';
import { expandPublicationUrl, parsePublicationUrls, publicationUrlEntries, urlTokensOf } from '../ca/publication-urls';

/** What `CRLPublicationURLs` says about one CRL (one key index, base or delta). */
export interface CrlLocations {
  /** Delta CRL URLs for a base CRL's Freshest CRL extension (`CSURL_ADDTOFRESHESTCRL`, `%9` = "+"). */
  freshest: string[];
  /** URLs for the Issuing Distribution Point (`CSURL_ADDTOIDP`), expanded for this CRL's kind. */
  issuingDistributionPoint: string[];
  /** URLs for Microsoft's "Published CRL Locations" extension (`CSURL_ADDTOCRLCDP`). */
  publishedLocations: string[];
  /** Local files the engine writes this CRL to (`CSURL_SERVERPUBLISH` / `CSURL_SERVERPUBLISHDELTA`). */
  files: string[];
  /** Server-publish locations not written here, with the reason. */
  skipped: Array<{ location: string; reason: string }>;
  /**
   * Server-publish `ldap:` locations (also listed in `skipped` until the directory publisher writes them), with
   * whether a failed write is retried (`CSURL_PUBLISHRETRY`).
   */
  ldap: Array<{ location: string; retry: boolean }>;
}

/**
 * Expands the `CRLPublicationURLs` entries (`flags:template`, tokens `%1`–`%14`) for one CRL. Local paths and
 * `file:` URLs of this host are files to write. LDAP locations belong to the directory publisher (the directory
 * issue writes `certificateRevocationList` / `deltaRevocationList` there): they are skipped here, as are URLs such
 * as `http:` that no server can write to.
 */
export function crlLocations(
  ca: Pick<
    CaFolderContext,
    'registry' | 'registryPath' | 'machineDnsName' | 'sanitizedName' | 'shortName' | 'domainDn' | 'configDn'
  >,
  indexes: { certIndex: number; keyIndex: number },
  isDelta: boolean,
): CrlLocations {
  const urls = parsePublicationUrls(publicationUrlEntries(ca, REGVAL_CRL_PUBLICATION_URLS));
  const tokens = urlTokensOf(ca, indexes);
  const result: CrlLocations = {
    freshest: [],
    issuingDistributionPoint: [],
    publishedLocations: [],
    files: [],
    skipped: [],
    ldap: [],
  };
  for (const url of urls) {
    const own = expandPublicationUrl(url.template, { ...tokens, delta: isDelta });
    if (!isDelta && url.flags & CSURL_ADDTOFRESHESTCRL) {
      result.freshest.push(expandPublicationUrl(url.template, { ...tokens, delta: true }));
    }
    if (url.flags & CSURL_ADDTOIDP && _isUrl(own)) result.issuingDistributionPoint.push(own);
    if (url.flags & CSURL_ADDTOCRLCDP && _isUrl(own)) result.publishedLocations.push(own);
    if (!(url.flags & (isDelta ? CSURL_SERVERPUBLISHDELTA : CSURL_SERVERPUBLISH))) continue;
    const file = _localFile(own);
    if (file) result.files.push(file);
    else {
      if (/^ldap:/i.test(own)) result.ldap.push({ location: own, retry: (url.flags & CSURL_PUBLISHRETRY) !== 0 });
      result.skipped.push({
        location: own,
        // LDAP publication is the directory issue's: the engine does not bind to the directory here.
        reason: /^ldaps?:/i.test(own) ? 'LDAP locations are published by the directory publisher' : 'not a local file',
      });
    }
  }
  return result;
}

function _isUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(text) && !isAbsolute(text);
}

/**
 * An absolute local path, or a `file:///path` URL, as a path. Anything else is not ours to write: a `file://host/…`
 * URL names a share on that host (`\\host\…` on Windows), even when the host is this one.
 */
function _localFile(location: string): string | undefined {
  if (isAbsolute(location)) return location;
  if (!/^file:/i.test(location)) return undefined;
  try {
    const url = new URL(location);
    return url.host === '' ? fileURLToPath(url) : undefined;
  } catch {
    return undefined;
  }
}
