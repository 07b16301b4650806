import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import {
  CA_DISP_VALID,
  ENUM_ENTERPRISE_ROOTCA,
  ENUM_STANDALONE_ROOTCA,
  isEnterpriseCaType,
  PROGID_DEFAULT_EXIT,
  REGVAL_ACTIVE,
} from '@certexit/core';
import { defaultTemplates } from '../policy/default-templates';
import { RegistryFile } from '../registry/registry-file';
import { openSqliteStore } from '../store/sqlite-store';
import type { KeyAlgorithmName } from '../x509';
import { createSelfSignedCaCertificate, exportPrivateKeyPem, generateKeyPair } from '../x509';
import { caRegistryPaths, PROGID_DEFAULT_POLICY, REQDISP_ISSUE, REQDISP_PENDINGFIRST } from './ca-configuration-paths';
import { caFolder, caKeyFile } from './ca-folder';
import { openCa } from './open-ca';
import { defaultPublicationUrls } from './publication-urls';
import { publishCaCertificateFiles } from './publish-ca-certificate-files';
import { sanitizeCaName } from './sanitize-ca-name';

/** Options of {@link setupCa}. */
export interface SetupCaOptions {
  dir: string;
  commonName: string;
  /** `enterprise-root` (issues by template, publishes to the directory) or `standalone-root`. */
  type: 'enterprise-root' | 'standalone-root';
  keyAlgorithm?: KeyAlgorithmName;
  validityYears?: number;
  /** `%1`, the CA host's FQDN. @default 'localhost' */
  machineDnsName?: string;
  /** `DSDomainDN`, e.g. `DC=certexit,DC=test`. */
  domainDn?: string;
  /** `DSConfigDN`, e.g. `CN=Configuration,DC=certexit,DC=test`. */
  configDn?: string;
  /** The initial `ExitModules\Active` list. @default [PROGID_DEFAULT_EXIT] */
  exitModules?: string[];
  now?: Date;
}

/**
 * Sets up a root CA in a folder: key, self-signed certificate (index 0, key index 0, with the CA version
 * extension), database, registry-shaped configuration with AD CS's defaults, and editable templates.
 * Refuses a folder that already holds a CA, so nothing stored is lost.
 */
export async function setupCa(options: SetupCaOptions): Promise<{ sanitizedName: string; folder: string }> {
  const folder = caFolder(options.dir);
  if (existsSync(folder.registry) || existsSync(folder.database)) {
    throw new Error(`${folder.root} already holds a CA; choose another folder (nothing was changed)`);
  }
  const commonName = options.commonName.trim();
  if (commonName === '' || commonName.length > 64) throw new Error('the CA common name must have 1 to 64 characters');
  const keyAlgorithm = options.keyAlgorithm ?? 'ECDSA_P256';
  const now = options.now ?? new Date();
  const caType = options.type === 'enterprise-root' ? ENUM_ENTERPRISE_ROOTCA : ENUM_STANDALONE_ROOTCA;
  const sanitizedName = sanitizeCaName(commonName);

  mkdirSync(folder.root, { recursive: true });
  mkdirSync(folder.keys, { recursive: true, mode: 0o700 });
  mkdirSync(folder.certEnroll, { recursive: true });

  const keyPair = await generateKeyPair(keyAlgorithm);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + (options.validityYears ?? 10));
  const certificate = await createSelfSignedCaCertificate({
    keyPair,
    keyAlgorithm,
    subjectDn: `CN=${_escapeDnValue(commonName)}`,
    notBefore: now,
    notAfter,
    certIndex: 0,
    keyIndex: 0,
  });
  writeFileSync(caKeyFile(folder, 0), await exportPrivateKeyPem(keyPair.privateKey), { mode: 0o600 });

  const store = openSqliteStore(folder.database);
  try {
    await store.transaction((tx) =>
      tx.addCaCertificate({ certIndex: 0, keyIndex: 0, raw: certificate, state: CA_DISP_VALID }),
    );
  } finally {
    await store.close();
  }

  const registry = new RegistryFile(folder.registry);
  const urls = defaultPublicationUrls(folder.certEnroll);
  const ca = caRegistryPaths.ca(sanitizedName);
  registry.setValue(`${caRegistryPaths.configuration}\\${REGVAL_ACTIVE}`, sanitizedName);
  for (const [name, value] of Object.entries({
    CommonName: commonName,
    CAType: caType,
    UseDS: isEnterpriseCaType(caType) ? 1 : 0,
    KeyAlgorithm: keyAlgorithm,
    MachineDNSName: options.machineDnsName ?? 'localhost',
    DSDomainDN: options.domainDn ?? '',
    DSConfigDN: options.configDn ?? '',
    CRLPublicationURLs: urls.crl,
    CACertPublicationURLs: urls.aia,
    CRLPeriod: 'Weeks',
    CRLPeriodUnits: 1,
    CRLDeltaPeriod: 'Days',
    CRLDeltaPeriodUnits: 1,
  })) {
    if (value !== '') registry.setValue(`${ca}\\${name}`, value);
  }
  registry.setValue(`${caRegistryPaths.policyModules(sanitizedName)}\\${REGVAL_ACTIVE}`, PROGID_DEFAULT_POLICY);
  registry.setValue(
    `${caRegistryPaths.policyModules(sanitizedName)}\\${PROGID_DEFAULT_POLICY}\\RequestDisposition`,
    isEnterpriseCaType(caType) ? REQDISP_ISSUE : REQDISP_PENDINGFIRST | REQDISP_ISSUE,
  );
  registry.setValue(
    `${caRegistryPaths.exitModules(sanitizedName)}\\${REGVAL_ACTIVE}`,
    options.exitModules ?? [PROGID_DEFAULT_EXIT],
  );
  writeFileSync(folder.templates, `${JSON.stringify(defaultTemplates(), null, 2)}\n`);
  const opened = await openCa(folder.root);
  try {
    publishCaCertificateFiles(opened);
  } finally {
    await opened.store.close();
  }
  return { sanitizedName, folder: folder.root };
}

function _escapeDnValue(value: string): string {
  return value.replace(/([,+"\\<>;=#])/g, '\\$1');
}
