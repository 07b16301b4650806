/** Where an `ldap:` publication URL points: the object, the attribute its query names, and the object's class. */
export interface LdapPublicationLocation {
  /** The URL as expanded from the publication list. */
  readonly url: string;
  /** The object's DN, percent-decoded (`CN=Public%20Key%20Services` is `CN=Public Key Services`). */
  readonly dn: string;
  /** The attribute of the query (`certificateRevocationList`, `deltaRevocationList`, `cACertificate`), if any. */
  readonly attribute: string | undefined;
  /** The `objectclass=` of the query's filter (`cRLDistributionPoint`, `certificationAuthority`), if any. */
  readonly objectClass: string | undefined;
}

/**
 * Parses an RFC 4516 `ldap://[host]/<dn>?<attribute>?<scope>?<filter>` URL as AD CS publication lists hold it
 * (`ldap:///CN=…,CN=CDP,…?certificateRevocationList?base?objectclass=cRLDistributionPoint`). The host part is
 * ignored: the engine writes through its configured directory servers, as AD CS binds to its own DC.
 * @returns `undefined` when `url` is not an `ldap:` URL
 * @throws when the URL names no DN
 */
export function parseLdapPublicationUrl(url: string): LdapPublicationLocation | undefined {
  const match = /^ldaps?:\/\/[^/]*\/([^?]*)(?:\?([^?]*)(?:\?([^?]*)(?:\?(.*))?)?)?$/i.exec(url.trim());
  if (!match) return undefined;
  const decode = (text: string | undefined) => (text === undefined ? '' : decodeURIComponent(text));
  const dn = decode(match[1]).trim();
  if (dn === '') throw new Error(`the LDAP publication URL ${url} names no object (no DN after ldap:///)`);
  const attribute = decode(match[2]).trim() || undefined;
  const objectClass = /\(?objectclass=([^)&|(]+)\)?/i.exec(decode(match[4]))?.[1]?.trim();
  return { url, dn, attribute, objectClass: objectClass === '*' ? undefined : objectClass };
}

/** Splits a DN into its RDNs at unescaped commas (`\,` stays inside an RDN). */
export function splitDn(dn: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i]!;
    if (ch === '\\' && i + 1 < dn.length) {
      current += ch + dn[++i];
    } else if (ch === ',') {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== '');
}

/** The value of an RDN (`CN=Contoso\, Inc` is `Contoso, Inc`), with `\,` and `\hh` escapes undone. */
export function rdnValue(rdn: string): string {
  const value = rdn.slice(rdn.indexOf('=') + 1);
  return value.replace(/\\([0-9a-fA-F]{2}|.)/g, (_, escaped: string) =>
    escaped.length === 2 ? String.fromCharCode(Number.parseInt(escaped, 16)) : escaped,
  );
}
