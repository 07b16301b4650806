import { createHash } from 'node:crypto';
import {
  ENUM_ENTERPRISE_ROOTCA,
  ENUM_ENTERPRISE_SUBCA,
  ENUM_STANDALONE_ROOTCA,
  ENUM_STANDALONE_SUBCA,
  REGVAL_ACTIVE,
  REGVAL_CACERT_PUBLICATION_URLS,
  REGVAL_CRL_PUBLICATION_URLS,
} from '@certexit/core';
import { parseCertificate } from '@certexit/x509';
import { readCaTemplateNames } from '../policy/ca-template-list';
import type { CertificateTemplate } from '../policy/certificate-template';
import { caCertificateStates } from './ca-certificate-states';
import { caRegistryPaths } from './ca-configuration-paths';
import type { CaFolderContext } from './open-ca-folder';
import { expandPublicationUrl, parsePublicationUrls, publicationUrlEntries, urlTokensOf } from './publication-urls';

/** certutil's names of the CA types (`-cainfo type`). */
export const CA_TYPE_NAMES: Readonly<Record<number, string>> = {
  [ENUM_ENTERPRISE_ROOTCA]: 'Enterprise Root CA',
  [ENUM_ENTERPRISE_SUBCA]: 'Enterprise Subordinate CA',
  [ENUM_STANDALONE_ROOTCA]: 'Stand-alone Root CA',
  [ENUM_STANDALONE_SUBCA]: 'Stand-alone Subordinate CA',
};

/** One CA certificate as `certutil -cainfo` reports it. */
export interface CaInfoCertificate {
  readonly certIndex: number;
  readonly keyIndex: number;
  readonly certState: number;
  readonly crlState: number;
  readonly subject?: string;
  readonly issuer?: string;
  readonly serialNumber?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Lowercase hex of the DER certificate. */
  readonly sha1?: string;
  readonly sha256?: string;
  /** The newest CRLs of the key: number, thisUpdate, nextUpdate. */
  readonly crl?: { readonly crlNumber: number; readonly thisUpdate: Date; readonly nextUpdate: Date };
  readonly deltaCrl?: { readonly crlNumber: number; readonly thisUpdate: Date; readonly nextUpdate: Date };
}

/** `certutil -cainfo` in full. */
export interface CaInformation {
  readonly commonName: string;
  readonly sanitizedName: string;
  readonly shortName: string;
  readonly machineDnsName: string;
  /** `certutil -getconfig`: `<host>\<CA name>`. */
  readonly config: string;
  readonly caType: number;
  readonly caTypeName: string;
  readonly certCount: number;
  readonly keyCount: number;
  readonly certificates: CaInfoCertificate[];
  /** The URLs certificates carry (`CRLPublicationURLs` / `CACertPublicationURLs`), expanded for the current indexes, with their flags. */
  readonly crlUrls: Array<{ flags: number; url: string }>;
  readonly aiaUrls: Array<{ flags: number; url: string }>;
  /** The CA's template list (`CATemplates`). */
  readonly templates: string[];
  /** `ExitModules\Active`, in order. */
  readonly exitModules: string[];
}

/**
 * What `certutil -cainfo` prints, in one object: the names, the type by name, every CA certificate with its
 * indexes, states, validity and hashes, the newest CRLs, the CDP and AIA URLs, the templates and the exit modules.
 * Works on a subordinate that waits for its certificate (its rows have no certificate yet).
 */
export async function describeCa(
  ca: CaFolderContext,
  options: { now?: Date; templates?: readonly CertificateTemplate[] } = {},
): Promise<CaInformation> {
  const now = options.now ?? new Date();
  const rows = await ca.store.listCaCertificates();
  const states = await caCertificateStates(rows, now);
  const certificates: CaInfoCertificate[] = [];
  for (const state of states) {
    const row = rows.find((r) => r.certIndex === state.certIndex);
    const info = row?.raw ? await parseCertificate(row.raw) : undefined;
    const base = await ca.store.getLatestCrlInfo(state.keyIndex, false);
    const delta = await ca.store.getLatestCrlInfo(state.keyIndex, true);
    const crlOf = (c: typeof base) =>
      c && { crlNumber: c.crlNumber, thisUpdate: c.thisUpdate, nextUpdate: c.nextUpdate };
    certificates.push({
      certIndex: state.certIndex,
      keyIndex: state.keyIndex,
      certState: state.certState,
      crlState: state.crlState,
      ...(info &&
        row?.raw && {
          subject: info.subjectDn,
          issuer: info.issuerDn,
          serialNumber: info.serialNumberHex,
          notBefore: info.notBefore,
          notAfter: info.notAfter,
          sha1: createHash('sha1').update(row.raw).digest('hex'),
          sha256: createHash('sha256').update(row.raw).digest('hex'),
        }),
      ...(base && { crl: crlOf(base) }),
      ...(delta && { deltaCrl: crlOf(delta) }),
    });
  }
  const current = states[states.length - 1];
  const tokens = urlTokensOf(ca, { certIndex: current?.certIndex ?? 0, keyIndex: current?.keyIndex ?? 0 });
  const urls = (value: string) =>
    parsePublicationUrls(publicationUrlEntries(ca, value)).map((u) => ({
      flags: u.flags,
      url: expandPublicationUrl(u.template, tokens),
    }));
  return {
    commonName: ca.commonName,
    sanitizedName: ca.sanitizedName,
    shortName: ca.shortName,
    machineDnsName: ca.machineDnsName,
    config: `${ca.machineDnsName}\\${ca.commonName}`,
    caType: ca.caType,
    caTypeName: CA_TYPE_NAMES[ca.caType] ?? `CA type ${ca.caType}`,
    certCount: states.length,
    keyCount: new Set(states.map((s) => s.keyIndex)).size,
    certificates,
    crlUrls: urls(REGVAL_CRL_PUBLICATION_URLS),
    aiaUrls: urls(REGVAL_CACERT_PUBLICATION_URLS),
    templates: readCaTemplateNames({ ...ca, templates: options.templates ?? [] }),
    exitModules: _activeExitModules(ca),
  };
}

/** `ExitModules\Active`, read as the hosting side writes it (read here: src/ca does not import src/hosting). */
function _activeExitModules(ca: CaFolderContext): string[] {
  const value = ca.registry.getValue(`${caRegistryPaths.exitModules(ca.sanitizedName)}\\${REGVAL_ACTIVE}`);
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' && value !== '' ? [value] : [];
}
