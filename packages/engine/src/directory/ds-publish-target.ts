import { sanitizeCaName, sanitizedShortName } from '../ca/sanitize-ca-name';

/** The base of AD CS's objects in the configuration partition. */
export const PUBLIC_KEY_SERVICES = 'CN=Public Key Services,CN=Services';

/** Where `dspublish` puts a CA certificate, as `certutil -dspublish`. */
export type DsPublishCertificateKind = 'AIA' | 'NTAuthCA' | 'RootCA';

/**
 * The LDAP URL of a CA certificate's object: `AIA` is `CN=<CA>,CN=AIA`, `RootCA` is
 * `CN=<CA>,CN=Certification Authorities`, `NTAuthCA` is `CN=NTAuthCertificates`; `<CA>` is the subject CN,
 * sanitized and shortened as `%7` (MS-WCCE §3.1.1.4.1.1).
 */
export function dsPublishCertificateUrl(kind: DsPublishCertificateKind, subjectDn: string, configDn: string): string {
  const services = `${PUBLIC_KEY_SERVICES},${configDn}`;
  const query = '?cACertificate?base?objectclass=certificationAuthority';
  switch (kind) {
    case 'NTAuthCA':
      return `ldap:///CN=NTAuthCertificates,${services}${query}`;
    case 'AIA':
      return `ldap:///CN=${_shortName(subjectDn)},CN=AIA,${services}${query}`;
    case 'RootCA':
      return `ldap:///CN=${_shortName(subjectDn)},CN=Certification Authorities,${services}${query}`;
  }
}

/**
 * The LDAP URL of a CRL's CDP object, as the default `CRLPublicationURLs` entry names it:
 * `CN=<CA><suffix>,CN=<container>,CN=CDP,…`, with `deltaRevocationList` for a delta CRL.
 */
export function dsPublishCrlUrl(options: {
  issuerDn: string;
  /** `%8`: `""` for key 0, `"(n)"` otherwise. */
  suffix: string;
  /** `%2`: the CA host's short name. */
  container: string;
  configDn: string;
  isDelta: boolean;
}): string {
  const attribute = options.isDelta ? 'deltaRevocationList' : 'certificateRevocationList';
  return `ldap:///CN=${_shortName(options.issuerDn)}${options.suffix},CN=${options.container},CN=CDP,${PUBLIC_KEY_SERVICES},${options.configDn}?${attribute}?base?objectclass=cRLDistributionPoint`;
}

/** The CN of a DN string (`CN=Contoso CA,O=Contoso`), else the whole DN; escapes undone. */
export function commonNameOf(dn: string): string {
  const match = /(?:^|[,+])\s*CN=((?:\\.|[^,+])*)/i.exec(dn);
  const value = (match?.[1] ?? dn).trim();
  return value.replace(/\\([0-9a-fA-F]{2}|.)/g, (_, e: string) =>
    e.length === 2 ? String.fromCharCode(Number.parseInt(e, 16)) : e,
  );
}

function _shortName(dn: string): string {
  return sanitizedShortName(sanitizeCaName(commonNameOf(dn)));
}
