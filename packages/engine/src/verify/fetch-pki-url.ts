import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Client } from 'ldapts';
import { parseLdapPublicationUrl } from '../directory/ldap-publication-location';

/** Options of {@link createPkiUrlFetcher}. */
export interface PkiUrlFetcherOptions {
  /** Where `ldap:///` URLs (no host, as AD CS writes them) are read: an `ldap://` or `ldaps://` server URL. */
  readonly ldapServer?: string;
  /** PEM of the CA trusted for `ldaps:` and `https:`, besides the system roots. */
  readonly caPem?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

/**
 * Fetches AIA and CDP URLs as `certutil -urlfetch` does: `http:`/`https:` (a GET), `file:` URLs and local paths, and
 * `ldap:` (the URL's attribute of its object, read with an anonymous bind, as a client of the directory would).
 */
export function createPkiUrlFetcher(options: PkiUrlFetcherOptions = {}): (url: string) => Promise<Uint8Array> {
  const timeout = options.timeoutMs ?? 10_000;
  return async (url) => {
    if (/^https?:/i.test(url)) {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeout) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    }
    if (/^file:/i.test(url))
      return new Uint8Array(await readFile(fileURLToPath(url.replace(/^file:\/\/\/?/i, 'file:///'))));
    if (url.startsWith('/')) return new Uint8Array(await readFile(url));
    const location = parseLdapPublicationUrl(url);
    if (location) {
      const host = /^ldaps?:\/\/([^/]+)\//i.exec(url)?.[1];
      const server = host ? `${url.slice(0, url.indexOf('://'))}://${host}` : options.ldapServer;
      if (!server) throw new Error('the URL names no LDAP server: give --ldap-server');
      if (!location.attribute) throw new Error('the LDAP URL names no attribute');
      const client = new Client({
        url: server,
        timeout,
        connectTimeout: timeout,
        ...(options.caPem && { tlsOptions: { ca: [options.caPem] } }),
      });
      try {
        const attribute = location.attribute;
        const { searchEntries } = await client.search(location.dn, {
          scope: 'base',
          attributes: [attribute],
          explicitBufferAttributes: [attribute, `${attribute};binary`],
        });
        const entry = searchEntries[0];
        const value = entry?.[attribute] ?? entry?.[`${attribute};binary`];
        const first = Array.isArray(value) ? value[0] : value;
        if (!first || typeof first === 'string') throw new Error(`${location.dn} has no ${attribute}`);
        return new Uint8Array(first);
      } finally {
        await client.unbind().catch(() => undefined);
      }
    }
    throw new Error('unsupported URL scheme (http, https, file and ldap are fetched)');
  };
}
