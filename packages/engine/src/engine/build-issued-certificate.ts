import { createHash } from 'node:crypto';
import type { PropertyValue } from '@certexit/core';
import {
  CSURL_ADDTOCERTCDP,
  CSURL_ADDTOCERTOCSP,
  EXTENSION_CRITICAL_FLAG,
  EXTENSION_DISABLE_FLAG,
  EXTENSION_ORIGIN_POLICY,
  EXTENSION_ORIGIN_REQUEST,
  EXTENSION_ORIGIN_SERVER,
  REGVAL_CACERT_PUBLICATION_URLS,
  REGVAL_CRL_PUBLICATION_URLS,
} from '@certexit/core';
import type { ParsedCertificationRequest, X509Extension } from '@certexit/x509';
import {
  authorityInfoAccess,
  authorityKeyIdentifier,
  basicConstraints,
  bytesToHex,
  certificateTemplateInformation,
  crlDistributionPoints,
  describePublicKey,
  EXTENSION_OID,
  extendedKeyUsage,
  hexToBytes,
  issueCertificate,
  keyUsage,
  newSerialNumber,
  readSubjectAltName,
  readSubjectKeyIdentifier,
  serialToHex,
  subjectKeyIdentifier,
} from '@certexit/x509';
import type { CaContext } from '../ca/ca-context';
import { expandPublicationUrl, parsePublicationUrls, publicationUrlEntries, urlTokensOf } from '../ca/publication-urls';
import type { CertificateTemplate } from '../policy/certificate-template';
import type { CertificateRow, StoredExtension } from '../store/ca-store';
import { namePropertiesOf } from './name-properties-of';

/** Requested extensions the policy decides itself: recorded, but disabled, when a request carries them. */
const _POLICY_OWNED = new Set([
  '2.5.29.15',
  '2.5.29.37',
  '2.5.29.19',
  '2.5.29.14',
  '2.5.29.35',
  '2.5.29.31',
  '1.3.6.1.5.5.7.1.1',
]);

/** A certificate built and signed for a request, and what the database will keep about it, not stored yet. */
export interface IssuedCertificate {
  /** The certificate row; the request ID is given when it is stored. */
  row: Omit<CertificateRow, 'RequestID'>;
  /** The request's extension list with flags and origins, disabled ones included (as AD CS records them). */
  extensions: StoredExtension[];
}

/**
 * Builds and signs the certificate for a request, and everything the database keeps about it. Nothing here needs
 * the database, so it runs before the transaction that stores it (see `recordIssuedCertificate`).
 */
export async function buildIssuedCertificate(
  ca: CaContext,
  request: ParsedCertificationRequest,
  template: CertificateTemplate | undefined,
  now: Date,
  requestName?: Record<string, PropertyValue>,
): Promise<IssuedCertificate> {
  const recorded: StoredExtension[] = [];
  const inCertificate: X509Extension[] = [];
  const add = (extension: X509Extension, origin: number) => {
    inCertificate.push(extension);
    recorded.push({
      oid: extension.oid,
      flags: origin | (extension.critical ? EXTENSION_CRITICAL_FLAG : 0),
      value: extension.value,
    });
  };
  for (const requested of request.extensions) {
    // A subordinate CA's certificate carries the CA version its request asks for: only the subordinate knows its
    // certificate and key indexes (AD CS copies it the same way).
    const caVersionOfSubCa = template?.isCa === true && requested.oid === EXTENSION_OID.caVersion;
    const owned =
      !caVersionOfSubCa &&
      (_POLICY_OWNED.has(requested.oid) || (template !== undefined && requested.oid !== EXTENSION_OID.subjectAltName));
    if (owned) {
      recorded.push({
        oid: requested.oid,
        flags: EXTENSION_ORIGIN_REQUEST | EXTENSION_DISABLE_FLAG | (requested.critical ? EXTENSION_CRITICAL_FLAG : 0),
        value: requested.value,
      });
    } else add(requested, EXTENSION_ORIGIN_REQUEST);
  }
  const fixed = _fixedExtensions(ca, template);
  for (const extension of fixed.policy) add(extension, EXTENSION_ORIGIN_POLICY);
  const ski = await subjectKeyIdentifier(request.subjectPublicKeyInfo);
  add(ski, EXTENSION_ORIGIN_SERVER);
  for (const extension of fixed.server) add(extension, EXTENSION_ORIGIN_SERVER);

  const notAfter = new Date(now.getTime() + (template?.validityDays ?? 365) * 86_400_000);
  const serialNumber = newSerialNumber();
  // X.509 times have whole seconds: the stored dates are the ones in the certificate.
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const wanted = new Date(Math.floor(notAfter.getTime() / 1000) * 1000);
  const validTo = wanted > ca.certificate.notAfter ? ca.certificate.notAfter : wanted;
  const der = await issueCertificate({
    issuerName: ca.certificate.subjectDer,
    issuerKey: ca.signingKey,
    keyAlgorithm: ca.keyAlgorithm,
    serialNumber,
    subject: request.subjectDer,
    subjectPublicKeyInfo: request.subjectPublicKeyInfo,
    notBefore,
    // A certificate never outlives its CA (AD CS clamps the same way).
    notAfter: validTo,
    extensions: inCertificate,
  });
  const key = describePublicKey(request.subjectPublicKeyInfo);
  const values: Record<string, PropertyValue> = {
    SubjectKeyIdentifier: (bytesToHex(readSubjectKeyIdentifier(ski.value)).match(/../g) ?? []).join(' '),
    RawPublicKey: key.publicKey,
    PublicKeyLength: key.bits,
    PublicKeyAlgorithm: key.algorithmOid,
  };
  if (key.parameters) values.RawPublicKeyAlgorithmParameters = key.parameters;
  if (template) {
    values.CertificateTemplate = template.name;
    values.EnrollmentFlags = template.enrollmentFlags | 0;
    values.GeneralFlags = template.generalFlags | 0;
    values.PrivatekeyFlags = template.privateKeyFlags | 0;
  }
  const upn = _upnOf(request.extensions.find((e) => e.oid === EXTENSION_OID.subjectAltName)?.value);
  if (upn) values.UPN = upn;
  return {
    row: {
      RawCertificate: der,
      SerialNumber: serialToHex(serialNumber),
      CertificateHash: createHash('sha1').update(der).digest('hex'),
      NotBefore: notBefore,
      NotAfter: validTo,
      values,
      // The subject is copied byte for byte from the request, so its name properties are the request's.
      certificateName: requestName ?? namePropertiesOf(request.subjectDer),
    },
    extensions: recorded,
  };
}

type _Fixed = { policy: X509Extension[]; server: X509Extension[] };

/** Per CA context and template (templates are read once and never changed), the last fixed extensions built. */
const _fixedCache = new WeakMap<CaContext, Map<CertificateTemplate | undefined, { key: string; fixed: _Fixed }>>();

/**
 * The policy extensions of a template (KU, EKU, basic constraints, template information) and the server's
 * (AKI, CDP, AIA): the same for every certificate of a template until the configuration changes, so they are
 * encoded once. The key holds the configuration they derive from, so a `setreg` takes effect at once.
 */
function _fixedExtensions(ca: CaContext, template: CertificateTemplate | undefined): _Fixed {
  const crlUrls = publicationUrlEntries(ca, REGVAL_CRL_PUBLICATION_URLS);
  const aiaUrls = publicationUrlEntries(ca, REGVAL_CACERT_PUBLICATION_URLS);
  const key = [ca.certIndex, ca.keyIndex, ca.machineDnsName, ...crlUrls, '', ...aiaUrls].join('\n');
  let byTemplate = _fixedCache.get(ca);
  if (!byTemplate) {
    byTemplate = new Map();
    _fixedCache.set(ca, byTemplate);
  }
  const cached = byTemplate.get(template);
  if (cached?.key === key) return cached.fixed;
  const policy: X509Extension[] = [keyUsage(template?.keyUsage ?? ['digitalSignature', 'keyEncipherment'], true)];
  if (template?.extendedKeyUsage.length) policy.push(extendedKeyUsage(template.extendedKeyUsage));
  policy.push(basicConstraints(template?.isCa === true, template?.isCa ? 0 : undefined, true));
  if (template) policy.push(certificateTemplateInformation(template.oid, 100, 0));
  const server: X509Extension[] = [];
  if (ca.certificate.subjectKeyIdentifier)
    server.push(authorityKeyIdentifier(hexToBytes(ca.certificate.subjectKeyIdentifier)));
  const tokens = urlTokensOf(ca, ca);
  const urls = (entries: string[], flag: number) =>
    parsePublicationUrls(entries)
      .filter((u) => u.flags & flag)
      .map((u) => expandPublicationUrl(u.template, tokens));
  const cdp = urls(crlUrls, CSURL_ADDTOCERTCDP);
  if (cdp.length > 0) server.push(crlDistributionPoints(cdp));
  const caIssuers = urls(aiaUrls, CSURL_ADDTOCERTCDP);
  const ocsp = urls(aiaUrls, CSURL_ADDTOCERTOCSP);
  if (caIssuers.length + ocsp.length > 0) server.push(authorityInfoAccess({ caIssuers, ocsp }));
  const fixed = { policy, server };
  byTemplate.set(template, { key, fixed });
  return fixed;
}

/** The first UPN (otherName 1.3.6.1.4.1.311.20.2.3) of a subjectAltName, if any. */
function _upnOf(san: Uint8Array | undefined): string | undefined {
  if (!san) return undefined;
  try {
    return readSubjectAltName(san).upn?.[0];
  } catch {
    // A malformed SAN only means no UPN property; the certificate itself was built from validated input.
    return undefined;
  }
}
