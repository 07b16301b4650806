import { CSURL_SERVERPUBLISH, REGVAL_CACERT_PUBLICATION_URLS } from '@certexit/core';
import type { CaContext } from './ca-context';

/** One `"<flags>:<template>"` entry of `CRLPublicationURLs` / `CACertPublicationURLs`. */
export interface PublicationUrl {
  flags: number;
  template: string;
}

/** Parses the multi-string entries; a malformed one is a clear error naming it. */
export function parsePublicationUrls(entries: readonly string[]): PublicationUrl[] {
  return entries.map((entry) => {
    const match = /^(\d+):(.+)$/s.exec(entry);
    if (!match) throw new Error(`publication URL ${JSON.stringify(entry)} is not "<decimal flags>:<url or path>"`);
    return { flags: Number(match[1]), template: match[2]! };
  });
}

/** The values of the `%1`–`%14` tokens (MS-WCCE / ceformat.cpp). */
export interface UrlTokenValues {
  serverDnsName: string;
  caName: string;
  shortName: string;
  certIndex: number;
  keyIndex: number;
  domainDn?: string;
  configDn?: string;
  delta?: boolean;
}

/**
 * Expands the tokens of a publication URL template. URLs (not `file:` ones and not local paths) are
 * canonicalized: spaces become `%20`, as `InternetCanonicalizeUrl` does.
 */
export function expandPublicationUrl(template: string, v: UrlTokenValues): string {
  const suffix = (n: number) => (n === 0 ? '' : `(${n})`);
  const tokens: Record<string, string> = {
    '1': v.serverDnsName,
    '2': v.serverDnsName.split('.')[0] ?? v.serverDnsName,
    '3': v.caName,
    '4': suffix(v.certIndex),
    '5': v.domainDn ?? 'DC=UnavailableDomainDN',
    '6': v.configDn ?? 'DC=UnavailableConfigDN',
    '7': v.shortName,
    '8': suffix(v.keyIndex),
    '9': v.delta ? '+' : '',
    '10': v.delta
      ? '?deltaRevocationList?base?objectclass=cRLDistributionPoint'
      : '?certificateRevocationList?base?objectclass=cRLDistributionPoint',
    '11': '?cACertificate?base?objectclass=certificationAuthority',
    '12': '?userCertificate?base?objectClass=*',
    '13': '?userCertificate?one?objectClass=msPKI-PrivateKeyRecoveryAgent',
    '14': '?crossCertificatePair?one?objectClass=certificationAuthority',
  };
  const expanded = template.replace(/%(1[0-4]|[1-9])/g, (_, n: string) => tokens[n] ?? '');
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(expanded) && !/^file:/i.test(expanded)
    ? expanded.replace(/ /g, '%20')
    : expanded;
}

/** AD CS's default publication lists, with local paths rooted in the CA folder's `CertEnroll`. */
export function defaultPublicationUrls(certEnroll: string): { crl: string[]; aia: string[] } {
  return {
    crl: [
      `65:${certEnroll}/%3%8%9.crl`,
      '79:ldap:///CN=%7%8,CN=%2,CN=CDP,CN=Public Key Services,CN=Services,%6%10',
      '6:http://%1/CertEnroll/%3%8%9.crl',
    ],
    aia: [
      `1:${certEnroll}/%1_%3%4.crt`,
      '3:ldap:///CN=%7,CN=AIA,CN=Public Key Services,CN=Services,%6%11',
      '2:http://%1/CertEnroll/%1_%3%4.crt',
    ],
  };
}

/** The entries of a publication URL list value (`CRLPublicationURLs`, `CACertPublicationURLs`) of the CA's key. */
export function publicationUrlEntries(ca: Pick<CaContext, 'registry' | 'registryPath'>, valueName: string): string[] {
  const value = ca.registry.getValue(`${ca.registryPath}\\${valueName}`);
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' && value !== '' ? [value] : [];
}

/** The token values of a CA for a certificate and key index (`%4`, `%8`); pass the CA itself for its current ones. */
export function urlTokensOf(
  ca: Pick<CaContext, 'machineDnsName' | 'sanitizedName' | 'shortName' | 'domainDn' | 'configDn'>,
  indexes: { certIndex: number; keyIndex: number },
): UrlTokenValues {
  return {
    serverDnsName: ca.machineDnsName,
    caName: ca.sanitizedName,
    shortName: ca.shortName,
    certIndex: indexes.certIndex,
    keyIndex: indexes.keyIndex,
    domainDn: ca.domainDn,
    configDn: ca.configDn,
  };
}

/** Where the engine publishes the current CA certificate: the expanded `CSURL_SERVERPUBLISH` entries of `CACertPublicationURLs`. */
export function caCertificatePublishTargets(ca: CaContext): string[] {
  const tokens = urlTokensOf(ca, ca);
  return parsePublicationUrls(publicationUrlEntries(ca, REGVAL_CACERT_PUBLICATION_URLS))
    .filter((url) => url.flags & CSURL_SERVERPUBLISH)
    .map((url) => expandPublicationUrl(url.template, tokens));
}
