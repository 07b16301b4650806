import { createHash } from 'node:crypto';
import type { PropertyValue } from '@certexit/core';
import {
  CSURL_ADDTOCERTCDP,
  CSURL_ADDTOCERTOCSP,
  EDITF_BASICCONSTRAINTSCRITICAL,
  EDITF_ENABLEAKICRITICAL,
  EDITF_ENABLEAKIISSUERNAME,
  EDITF_ENABLEAKIISSUERSERIAL,
  EDITF_ENABLEAKIKEYID,
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
  authorityKeyIdentifierOf,
  basicConstraints,
  bytesToHex,
  certificateTemplateInformation,
  checkCertificateContent,
  crlDistributionPoints,
  describePublicKey,
  EXTENSION_OID,
  encodeTbsCertificate,
  extendedKeyUsage,
  hexToBytes,
  keyUsage,
  newSerialNumber,
  readSubjectAltName,
  readSubjectKeyIdentifier,
  serialToHex,
  signTbsCertificate,
  subjectKeyIdentifier,
} from '@certexit/x509';
import type { CaContext } from '../ca/ca-context';
import { expandPublicationUrl, parsePublicationUrls, publicationUrlEntries, urlTokensOf } from '../ca/publication-urls';
import type { CertificateTemplate } from '../policy/certificate-template';
import type { IssuancePlan } from '../policy/evaluate-request';
import type { CertificateRow, StoredExtension } from '../store/ca-store';
import { namePropertiesOf } from './name-properties-of';

/** A certificate built and signed for a request, and what the database will keep about it, not stored yet. */
export interface IssuedCertificate {
  /** The certificate row; the request ID is given when it is stored. */
  row: Omit<CertificateRow, 'RequestID'>;
  /** The request's extension list with flags and origins, disabled ones included (as AD CS records them). */
  extensions: StoredExtension[];
}

/** A certificate built and checked, ready to be signed ({@link signPreparedCertificate}). */
export interface PreparedCertificate {
  tbs: Uint8Array;
  row: Omit<CertificateRow, 'RequestID' | 'RawCertificate' | 'CertificateHash'>;
  extensions: StoredExtension[];
}

/**
 * Builds the certificate the policy's plan describes and checks it (`checkCertificateContent`: strict DER, string
 * types, bounds, control characters, DNS/UPN/e-mail shapes, critical extensions, size). Every certificate the CA
 * issues passes here before it is signed, whichever path it comes by (submission, approval).
 * @throws CertificateContentError for content that may not be signed; nothing is signed or stored then
 */
export async function prepareIssuedCertificate(
  ca: CaContext,
  request: ParsedCertificationRequest,
  plan: IssuancePlan,
  now: Date,
): Promise<PreparedCertificate> {
  const { template } = plan;
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
  const san = plan.names.subjectAltName;
  for (const { extension, copy } of plan.requestExtensions) {
    // The request's SAN is in the certificate when the enrollee supplied it: recorded once, enabled.
    if (extension.oid === EXTENSION_OID.subjectAltName && plan.names.altNameSource === 'request') continue;
    if (copy) add(extension, EXTENSION_ORIGIN_REQUEST);
    else
      recorded.push({
        oid: extension.oid,
        flags: EXTENSION_ORIGIN_REQUEST | EXTENSION_DISABLE_FLAG | (extension.critical ? EXTENSION_CRITICAL_FLAG : 0),
        value: extension.value,
      });
  }
  if (san) add(san, plan.names.altNameSource === 'request' ? EXTENSION_ORIGIN_REQUEST : EXTENSION_ORIGIN_POLICY);
  const fixed = _fixedExtensions(ca, template, plan.settings.editFlags);
  const trusted = new Set<X509Extension>([...fixed.policy, ...fixed.server]);
  const ekuOverride = plan.extendedKeyUsage && plan.extendedKeyUsage.length > 0 ? plan.extendedKeyUsage : undefined;
  for (const extension of fixed.policy)
    if (!(ekuOverride && extension.oid === EXTENSION_OID.extendedKeyUsage)) add(extension, EXTENSION_ORIGIN_POLICY);
  if (ekuOverride) add(extendedKeyUsage(ekuOverride), EXTENSION_ORIGIN_POLICY);
  const ski = await subjectKeyIdentifier(request.subjectPublicKeyInfo);
  add(ski, EXTENSION_ORIGIN_SERVER);
  trusted.add(ski);
  for (const extension of fixed.server) add(extension, EXTENSION_ORIGIN_SERVER);

  const templateEnd = new Date(now.getTime() + (template?.validityDays ?? 365) * 86_400_000);
  const notAfter = plan.notAfter && plan.notAfter < templateEnd ? plan.notAfter : templateEnd;
  const serialNumber = newSerialNumber();
  // X.509 times have whole seconds: the stored dates are the ones in the certificate.
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const wanted = new Date(Math.floor(notAfter.getTime() / 1000) * 1000);
  // A certificate never outlives its CA (AD CS clamps the same way).
  const validTo = wanted > ca.certificate.notAfter ? ca.certificate.notAfter : wanted;
  const subjectDer = plan.names.subjectDer;
  const tbs = encodeTbsCertificate({
    issuerName: ca.certificate.subjectDer,
    keyAlgorithm: ca.keyAlgorithm,
    serialNumber,
    subject: subjectDer,
    subjectPublicKeyInfo: request.subjectPublicKeyInfo,
    notBefore,
    notAfter: validTo > notBefore ? validTo : new Date(notBefore.getTime() + 1000),
    extensions: inCertificate,
  });
  checkCertificateContent(
    {
      subjectDer,
      subjectPublicKeyInfo: request.subjectPublicKeyInfo,
      extensions: inCertificate,
      tbsLength: tbs.length,
    },
    { trusted },
  );

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
  const upn = _upnOf(san?.value);
  if (upn) values.UPN = upn;
  return {
    tbs,
    row: {
      SerialNumber: serialToHex(serialNumber),
      NotBefore: notBefore,
      NotAfter: validTo,
      values,
      certificateName: namePropertiesOf(subjectDer),
    },
    extensions: recorded,
  };
}

/** Signs a prepared certificate with the CA's current key. */
export async function signPreparedCertificate(
  ca: CaContext,
  prepared: PreparedCertificate,
): Promise<IssuedCertificate> {
  const der = await signTbsCertificate(prepared.tbs, ca.signingKey, ca.keyAlgorithm);
  return {
    row: {
      ...prepared.row,
      RawCertificate: der,
      CertificateHash: createHash('sha1').update(der).digest('hex'),
    },
    extensions: prepared.extensions,
  };
}

/** Builds, checks and signs the certificate of a plan (see {@link prepareIssuedCertificate}). */
export async function buildIssuedCertificate(
  ca: CaContext,
  request: ParsedCertificationRequest,
  plan: IssuancePlan,
  now: Date,
): Promise<IssuedCertificate> {
  return signPreparedCertificate(ca, await prepareIssuedCertificate(ca, request, plan, now));
}

type _Fixed = { policy: X509Extension[]; server: X509Extension[] };

type _FixedEntry = { key: string; fixed: _Fixed };

/**
 * Per CA context, the last fixed extensions built for each template object and configuration (a template edited
 * by `certexit template set` is a new object when the store reads the file again).
 */
const _fixedCache = new WeakMap<
  CaContext,
  { none?: _FixedEntry; byTemplate: WeakMap<CertificateTemplate, _FixedEntry> }
>();

/** The EditFlags bits the fixed extensions depend on. */
const _FIXED_EDIT_FLAGS =
  EDITF_BASICCONSTRAINTSCRITICAL |
  EDITF_ENABLEAKIKEYID |
  EDITF_ENABLEAKIISSUERNAME |
  EDITF_ENABLEAKIISSUERSERIAL |
  EDITF_ENABLEAKICRITICAL;

/**
 * The policy extensions of a template (KU, EKU, basic constraints, template information) and the server's
 * (AKI, CDP, AIA): the same for every certificate of a template until the configuration changes, so they are
 * encoded once. The key holds the configuration they derive from, so a `setreg` or `template set` takes effect at once.
 */
function _fixedExtensions(ca: CaContext, template: CertificateTemplate | undefined, editFlags: number): _Fixed {
  const crlUrls = publicationUrlEntries(ca, REGVAL_CRL_PUBLICATION_URLS);
  const aiaUrls = publicationUrlEntries(ca, REGVAL_CACERT_PUBLICATION_URLS);
  const flags = editFlags & _FIXED_EDIT_FLAGS;
  const key = [ca.certIndex, ca.keyIndex, ca.machineDnsName, flags, ...crlUrls, '', ...aiaUrls].join('\n');
  let cache = _fixedCache.get(ca);
  if (!cache) {
    cache = { byTemplate: new WeakMap() };
    _fixedCache.set(ca, cache);
  }
  const cached = template ? cache.byTemplate.get(template) : cache.none;
  if (cached?.key === key) return cached.fixed;
  const policy: X509Extension[] = [keyUsage(template?.keyUsage ?? ['digitalSignature', 'keyEncipherment'], true)];
  if (template?.extendedKeyUsage.length) policy.push(extendedKeyUsage(template.extendedKeyUsage));
  // RFC 5280 §4.2.1.9: a CA's basic constraints are always critical; EDITF_BASICCONSTRAINTSCRITICAL decides the rest.
  const isCa = template?.isCa === true;
  policy.push(basicConstraints(isCa, isCa ? 0 : undefined, isCa || (flags & EDITF_BASICCONSTRAINTSCRITICAL) !== 0));
  if (template) policy.push(certificateTemplateInformation(template.oid, 100, 0));
  const server: X509Extension[] = [];
  const keyId =
    flags & EDITF_ENABLEAKIKEYID && ca.certificate.subjectKeyIdentifier
      ? hexToBytes(ca.certificate.subjectKeyIdentifier)
      : undefined;
  const issuer =
    flags & (EDITF_ENABLEAKIISSUERNAME | EDITF_ENABLEAKIISSUERSERIAL)
      ? { nameDer: ca.certificate.issuerDer, serialNumber: ca.certificate.serialNumber }
      : undefined;
  if (keyId || issuer)
    server.push(
      authorityKeyIdentifierOf(
        { ...(keyId && { keyIdentifier: keyId }), ...(issuer && { issuer }) },
        (flags & EDITF_ENABLEAKICRITICAL) !== 0,
      ),
    );
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
  if (template) cache.byTemplate.set(template, { key, fixed });
  else cache.none = { key, fixed };
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
