/**
 * `certutil -verify [-urlfetch]`: builds a certificate's chain from the certificates given (and, with URL fetching,
 * the AIA caIssuers URLs), checks each signature and validity period, and each certificate's revocation with the
 * CRLs of its CDP (base) and the base CRL's Freshest CRL (delta), every CRL signed by the issuer and current.
 */
import { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AuthorityInfoAccessSyntax, CRLDistributionPoints } from '@peculiar/asn1-x509';
import { readCertificateBundle } from './certificate-bundle';
import { parseCertificate } from './certificate-info';
import type { CrlInfo } from './crl-info';
import { parseCrl, verifyCrlSignature } from './crl-info';
import type { X509Extension } from './extensions';
import { EXTENSION_OID } from './extensions';

/** Fetches a URL's bytes (`http:`, `https:`, `file:`, `ldap:`): the caller's transport. */
export type UrlFetcher = (url: string) => Promise<Uint8Array>;

/** What `certutil -verify` shows for one URL it tried. */
export interface FetchedUrl {
  readonly url: string;
  readonly kind: 'AIA' | 'CDP' | 'Delta CDP';
  readonly ok: boolean;
  readonly error?: string;
}

/** One certificate of the chain, leaf first, and its revocation status. */
export interface ChainElement {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** `root` for the trust anchor; `unknown` when no CRL could be checked. */
  readonly revocation: 'good' | 'revoked' | 'unknown' | 'root';
  readonly reason?: number;
  readonly crlNumber?: number;
  readonly deltaCrlNumber?: number;
}

/** The verdict: the chain, the URLs tried, and every problem found (empty when the certificate verifies). */
export interface ChainVerification {
  readonly ok: boolean;
  readonly chain: ChainElement[];
  readonly fetched: FetchedUrl[];
  readonly errors: string[];
}

/** Options of {@link verifyCertificateChain}. */
export interface VerifyChainOptions {
  /** Trust anchors (DER): the chain must end at one of them. */
  readonly trusted: readonly Uint8Array[];
  /** Other certificates to build from (intermediates, DER). */
  readonly intermediates?: readonly Uint8Array[];
  /** CRLs already at hand (DER), used before fetching. */
  readonly crls?: readonly Uint8Array[];
  /** Fetch AIA and CDP URLs (`-urlfetch`); without it only the given certificates and CRLs count. */
  readonly fetch?: UrlFetcher;
  /** @default new Date() */
  readonly now?: Date;
}

const _CA_ISSUERS = '1.3.6.1.5.5.7.48.2';

/** The URIs of a CRL Distribution Points or Freshest CRL extension value. */
export function readDistributionPointUrls(extnValue: Uint8Array): string[] {
  const points = AsnConvert.parse(extnValue, CRLDistributionPoints);
  return points.flatMap((p) =>
    (p.distributionPoint?.fullName ?? []).flatMap((n) =>
      n.uniformResourceIdentifier ? [n.uniformResourceIdentifier] : [],
    ),
  );
}

/** The caIssuers URIs of an Authority Information Access extension value. */
export function readCaIssuersUrls(extnValue: Uint8Array): string[] {
  return AsnConvert.parse(extnValue, AuthorityInfoAccessSyntax)
    .filter((a) => a.accessMethod === _CA_ISSUERS && a.accessLocation.uniformResourceIdentifier)
    .map((a) => a.accessLocation.uniformResourceIdentifier!);
}

/** Verifies a certificate (DER) as `certutil -verify [-urlfetch]` does. */
export async function verifyCertificateChain(
  leafDer: Uint8Array,
  options: VerifyChainOptions,
): Promise<ChainVerification> {
  const now = options.now ?? new Date();
  const errors: string[] = [];
  const fetched: FetchedUrl[] = [];
  const pool = [...options.trusted, ...(options.intermediates ?? [])].map((d) => new X509Certificate(d));
  const trusted = new Set(options.trusted.map((d) => new X509Certificate(d).fingerprint256));
  const crls: CrlInfo[] = (options.crls ?? []).map((d) => parseCrl(d));
  const fetchedUrls = new Map<string, Uint8Array | undefined>();
  const get = async (url: string, kind: FetchedUrl['kind']): Promise<Uint8Array | undefined> => {
    if (!options.fetch) return undefined;
    if (fetchedUrls.has(url)) return fetchedUrls.get(url);
    try {
      const bytes = await options.fetch(url);
      fetchedUrls.set(url, bytes);
      fetched.push({ url, kind, ok: true });
      return bytes;
    } catch (error) {
      fetchedUrls.set(url, undefined);
      fetched.push({ url, kind, ok: false, error: (error as Error).message });
      return undefined;
    }
  };

  const certs: X509Certificate[] = [new X509Certificate(leafDer)];
  for (;;) {
    const current = certs[certs.length - 1]!;
    if (certs.length > 10) {
      errors.push('the chain is longer than 10 certificates');
      break;
    }
    if (current.checkIssued(current) && current.verify(current.publicKey)) {
      if (!trusted.has(current.fingerprint256)) errors.push(`the root "${current.subject}" is not trusted`);
      break;
    }
    let issuer = pool.find((c) => current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) {
      const info = await parseCertificate(new Uint8Array(current.raw));
      for (const url of _urls(info.extensions, EXTENSION_OID.authorityInfoAccess, readCaIssuersUrls)) {
        const bytes = await get(url, 'AIA');
        if (!bytes) continue;
        try {
          for (const der of readCertificateBundle(bytes)) pool.push(new X509Certificate(der));
        } catch (error) {
          errors.push(`${url} holds no certificate: ${(error as Error).message}`);
        }
        issuer = pool.find((c) => current.checkIssued(c) && current.verify(c.publicKey));
        if (issuer) break;
      }
    }
    if (!issuer) {
      errors.push(
        `the issuer of "${current.subject}" ("${current.issuer}") was not found${options.fetch ? '' : ' (try --urlfetch)'}`,
      );
      break;
    }
    certs.push(issuer);
  }

  const chain: ChainElement[] = [];
  for (const [i, cert] of certs.entries()) {
    const info = await parseCertificate(new Uint8Array(cert.raw));
    if (now < info.notBefore || now > info.notAfter)
      errors.push(
        `"${cert.subject}" is outside its validity period (${info.notBefore.toISOString()} to ${info.notAfter.toISOString()})`,
      );
    const issuer = certs[i + 1];
    const isRoot = cert.checkIssued(cert) && cert.verify(cert.publicKey);
    const base = {
      subject: info.subjectDn,
      issuer: info.issuerDn,
      serialNumber: info.serialNumberHex,
      notBefore: info.notBefore,
      notAfter: info.notAfter,
    };
    if (isRoot || !issuer) {
      chain.push({ ...base, revocation: isRoot ? 'root' : 'unknown' });
      continue;
    }
    const status = await _revocation(
      info.issuerDn,
      info.serialNumberHex,
      info.extensions,
      issuer,
      crls,
      get,
      now,
      errors,
    );
    if (status.revocation === 'revoked') errors.push(`"${cert.subject}" is revoked (reason ${status.reason ?? 0})`);
    if (status.revocation === 'unknown')
      errors.push(`the revocation of "${cert.subject}" could not be checked: no current CRL`);
    chain.push({ ...base, ...status });
  }
  return { ok: errors.length === 0, chain, fetched, errors };
}

async function _revocation(
  issuerDn: string,
  serialHex: string,
  extensions: readonly X509Extension[],
  issuer: X509Certificate,
  known: CrlInfo[],
  get: (url: string, kind: FetchedUrl['kind']) => Promise<Uint8Array | undefined>,
  now: Date,
  errors: string[],
): Promise<Pick<ChainElement, 'revocation' | 'reason' | 'crlNumber' | 'deltaCrlNumber'>> {
  const spki = new Uint8Array(issuer.publicKey.export({ type: 'spki', format: 'der' }));
  const valid = async (crl: CrlInfo, where: string): Promise<boolean> => {
    if (!(await verifyCrlSignature(crl, spki))) {
      errors.push(`${where}: the CRL is not signed by "${issuer.subject}"`);
      return false;
    }
    if (crl.nextUpdate && crl.nextUpdate < now) {
      errors.push(`${where}: the CRL expired at ${crl.nextUpdate.toISOString()}`);
      return false;
    }
    return true;
  };
  let base: CrlInfo | undefined;
  for (const crl of known.filter((c) => c.deltaBaseCrlNumber === undefined && c.issuerDn === issuerDn))
    if ((await verifyCrlSignature(crl, spki)) && (!crl.nextUpdate || crl.nextUpdate >= now)) base = _newer(base, crl);
  if (!base) {
    for (const url of _urls(extensions, EXTENSION_OID.crlDistributionPoints, readDistributionPointUrls)) {
      const bytes = await get(url, 'CDP');
      if (!bytes) continue;
      const crl = _crlOf(bytes, url, errors);
      if (crl && (await valid(crl, url))) {
        base = _newer(base, crl);
        break;
      }
    }
  }
  if (!base) return { revocation: 'unknown' };
  let delta: CrlInfo | undefined;
  for (const crl of known.filter((c) => c.deltaBaseCrlNumber !== undefined && c.issuerDn === issuerDn))
    if ((await verifyCrlSignature(crl, spki)) && crl.deltaBaseCrlNumber! <= base.crlNumber!) delta = _newer(delta, crl);
  if (!delta) {
    for (const url of _urls(base.extensions, EXTENSION_OID.freshestCrl, readDistributionPointUrls)) {
      const bytes = await get(url, 'Delta CDP');
      if (!bytes) continue;
      const crl = _crlOf(bytes, url, errors);
      if (!crl || !(await valid(crl, url))) continue;
      if (crl.deltaBaseCrlNumber === undefined || crl.deltaBaseCrlNumber > (base.crlNumber ?? 0n)) {
        errors.push(`${url}: not a delta CRL over base CRL ${base.crlNumber}`);
        continue;
      }
      delta = crl;
      break;
    }
  }
  const numbers = {
    ...(base.crlNumber !== undefined && { crlNumber: Number(base.crlNumber) }),
    ...(delta?.crlNumber !== undefined && { deltaCrlNumber: Number(delta.crlNumber) }),
  };
  const serial = serialHex.toLowerCase();
  const inDelta = delta?.entries.find((e) => e.serialNumberHex.toLowerCase() === serial);
  if (inDelta) {
    // removeFromCRL (8): a hold was released after the base.
    return inDelta.reason === 8
      ? { revocation: 'good', ...numbers }
      : { revocation: 'revoked', ...(inDelta.reason !== undefined && { reason: inDelta.reason }), ...numbers };
  }
  const inBase = base.entries.find((e) => e.serialNumberHex.toLowerCase() === serial);
  if (inBase)
    return { revocation: 'revoked', ...(inBase.reason !== undefined && { reason: inBase.reason }), ...numbers };
  return { revocation: 'good', ...numbers };
}

function _newer(a: CrlInfo | undefined, b: CrlInfo): CrlInfo {
  return !a || (b.crlNumber ?? 0n) > (a.crlNumber ?? 0n) ? b : a;
}

function _crlOf(bytes: Uint8Array, url: string, errors: string[]): CrlInfo | undefined {
  try {
    const text = Buffer.from(bytes).toString('latin1');
    return parseCrl(text.includes('-----BEGIN X509 CRL-----') ? text : bytes);
  } catch (error) {
    errors.push(`${url} holds no CRL: ${(error as Error).message}`);
    return undefined;
  }
}

function _urls(extensions: readonly X509Extension[], oid: string, read: (v: Uint8Array) => string[]): string[] {
  const extension = extensions.find((e) => e.oid === oid);
  if (!extension) return [];
  try {
    return read(extension.value);
  } catch {
    return [];
  }
}
