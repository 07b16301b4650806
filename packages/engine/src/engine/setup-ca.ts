import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { RegistryValue } from '@certexit/core';
import {
  CA_DISP_VALID,
  ENUM_ENTERPRISE_ROOTCA,
  ENUM_ENTERPRISE_SUBCA,
  ENUM_STANDALONE_ROOTCA,
  ENUM_STANDALONE_SUBCA,
  PROGID_DEFAULT_EXIT,
  REGVAL_ACTIVE,
  registryValueDefault,
} from '@certexit/core';
import type { KeyAlgorithmName } from '@certexit/x509';
import {
  createSelfSignedCaCertificate,
  exportPrivateKeyPem,
  generateKeyPair,
  parseDistinguishedName,
} from '@certexit/x509';
import { caRegistryPaths } from '../ca/ca-configuration-paths';
import { caFolder, caKeyFile } from '../ca/ca-folder';
import { readCaStoreSettings, writeCaStoreSettings } from '../ca/ca-store-registry';
import type { InstalledCaCertificate } from '../ca/install-ca-certificate';
import { openCa } from '../ca/open-ca';
import { openCaFolder } from '../ca/open-ca-folder';
import type { ParentCa } from '../ca/parent-ca';
import { defaultPublicationUrls } from '../ca/publication-urls';
import { publishCaCertificateFiles } from '../ca/publish-ca-certificate-files';
import { requestCaCertificate } from '../ca/request-ca-certificate';
import { sanitizeCaName } from '../ca/sanitize-ca-name';
import { publishInitialCrls } from '../crl/publish-initial-crls';
import { defaultCaTemplateNames } from '../policy/ca-template-list';
import { defaultTemplates } from '../policy/default-templates';
import { POLICY_MODULE_VALUES } from '../policy/policy-registry-values';
import { PROGID_DEFAULT_POLICY } from '../policy/request-disposition';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import { RegistryFile } from '../registry/registry-file';
import type { CaStoreSettings } from '../store/ca-store-settings';
import type { PackageImporter } from '../store/open-ca-store';
import { openCaStore } from '../store/open-ca-store';
import { highWaterMarkFileOf } from '../store/sqlite-store';

/** The CA types of setup, as AD CS names them; each maps to an `ENUM_CATYPES` value. */
export type CaSetupType = 'enterprise-root' | 'standalone-root' | 'enterprise-sub' | 'standalone-sub';

/** `ENUM_CATYPES` of each {@link CaSetupType}. */
export const CA_SETUP_TYPES: Readonly<Record<CaSetupType, number>> = {
  'enterprise-root': ENUM_ENTERPRISE_ROOTCA,
  'standalone-root': ENUM_STANDALONE_ROOTCA,
  'enterprise-sub': ENUM_ENTERPRISE_SUBCA,
  'standalone-sub': ENUM_STANDALONE_SUBCA,
};

/** Options of {@link setupCa}. */
export interface SetupCaOptions {
  dir: string;
  commonName: string;
  /**
   * `enterprise-*` CAs issue by template and publish to the directory; `standalone-*` ones leave requests pending.
   * A `*-root` CA signs its own certificate; a `*-sub` CA writes a request for its parent CA and is complete only
   * once `installCaCertificate` installs the certificate the parent issued.
   */
  type: CaSetupType;
  keyAlgorithm?: KeyAlgorithmName;
  /** Validity of a root CA's certificate (a subordinate's is the parent's choice). @default 10 */
  validityYears?: number;
  /** `%1`, the CA host's FQDN. @default 'localhost' */
  machineDnsName?: string;
  /** `DSDomainDN`, e.g. `DC=certexit,DC=test`. */
  domainDn?: string;
  /** `DSConfigDN`, e.g. `CN=Configuration,DC=certexit,DC=test`. */
  configDn?: string;
  /** The initial `ExitModules\Active` list. @default [PROGID_DEFAULT_EXIT] */
  exitModules?: string[];
  /** A subordinate's parent CA, to send the request to online instead of only writing it to a file. */
  parent?: ParentCa;
  now?: Date;
  /**
   * Where the CA's database is: the embedded SQLite file in the folder (the default), or a database server
   * (`{ kind: 'postgres', connection, ... }`), whose schema must hold no CA yet. Written to the registry's `DB*`
   * values; a password never is.
   */
  store?: CaStoreSettings;
  /** Imports the store's package (see `OpenCaOptions.importModule`). */
  importModule?: PackageImporter;
}

/** What {@link setupCa} made. */
export interface SetupCaResult {
  sanitizedName: string;
  folder: string;
  /** `ENUM_CATYPES`. */
  caType: number;
  /** `CertState.0`: `CA_DISP_VALID` for a root; for a subordinate see `requestCaCertificate`. */
  state: number;
  /** A subordinate's PKCS#10 request for its parent CA. */
  requestFile?: string;
  /** A subordinate's request ID at the parent, when it was sent to one. */
  parentRequestId?: number;
  /** The CA certificate files published (a root, or a subordinate whose parent issued at once). */
  files: string[];
  installed?: InstalledCaCertificate;
}

/**
 * Sets up a CA in a folder: registry-shaped configuration with AD CS's defaults, editable templates, database, and
 * key 0. A root gets its self-signed certificate (index 0, key index 0, with the CA version extension) and publishes
 * it; a subordinate writes its request (CA version V0.0) to `<folder>/<%1>_<%3>.req` and stays `CA_DISP_INCOMPLETE`
 * until its certificate is installed. Refuses a folder that already holds a CA, so nothing stored is lost; a setup
 * that fails removes what it wrote.
 */
export async function setupCa(options: SetupCaOptions): Promise<SetupCaResult> {
  const folder = caFolder(options.dir);
  if (existsSync(folder.registry) || existsSync(folder.database)) {
    throw new Error(`${folder.root} already holds a CA; choose another folder (nothing was changed)`);
  }
  const caType = CA_SETUP_TYPES[options.type];
  if (caType === undefined) {
    throw new Error(`CA type ${JSON.stringify(options.type)} is not one of ${Object.keys(CA_SETUP_TYPES).join(', ')}`);
  }
  const commonName = options.commonName.trim();
  if (commonName === '' || commonName.length > 64) throw new Error('the CA common name must have 1 to 64 characters');
  const keyAlgorithm = options.keyAlgorithm ?? 'ECDSA_P256';
  const now = options.now ?? new Date();
  const sanitizedName = sanitizeCaName(commonName);
  const subject = parseDistinguishedName(`CN=${_escapeDnValue(commonName)}`);
  const isSubordinate = caType === ENUM_ENTERPRISE_SUBCA || caType === ENUM_STANDALONE_SUBCA;

  // The CA folder is the CA's alone: folders 0700, files 0600 (see restrictCaFolder).
  mkdirSync(folder.root, { recursive: true, mode: 0o700 });
  mkdirSync(folder.keys, { recursive: true, mode: 0o700 });
  mkdirSync(folder.certEnroll, { recursive: true, mode: 0o700 });
  const created = [
    folder.registry,
    folder.templates,
    folder.database,
    `${folder.database}-wal`,
    `${folder.database}-shm`,
    highWaterMarkFileOf(folder.database),
  ];
  const keyPair = await generateKeyPair(keyAlgorithm);
  const storeSettings: CaStoreSettings = options.store ?? { kind: 'sqlite' };
  const open = { importModule: options.importModule };
  try {
    _writeConfiguration(folder.registry, folder.certEnroll, {
      ...options,
      commonName,
      sanitizedName,
      caType,
      keyAlgorithm,
    });
    writeCaStoreSettings(new RegistryFile(folder.registry), caRegistryPaths.ca(sanitizedName), storeSettings);
    writeFileSync(folder.templates, `${JSON.stringify(defaultTemplates(), null, 2)}\n`, { mode: 0o600 });
    // The database must hold no CA: a server's schema may already be another's.
    const store = await openCaStore(
      readCaStoreSettings(new RegistryFile(folder.registry), caRegistryPaths.ca(sanitizedName)),
      { database: folder.database, highWaterMarkFile: highWaterMarkFileOf(folder.database), caFolder: folder.root },
      open,
    );
    try {
      if ((await store.listCaCertificates()).length > 0 || (await store.listRequests({ limit: 1 })).length > 0)
        throw new Error(
          `the CA database ${store.location} already holds a CA; choose an empty one (nothing was changed)`,
        );
      if (!isSubordinate) {
        const notAfter = new Date(now);
        notAfter.setUTCFullYear(notAfter.getUTCFullYear() + (options.validityYears ?? 10));
        const certificate = await createSelfSignedCaCertificate({
          keyPair,
          keyAlgorithm,
          subjectDn: subject,
          notBefore: now,
          notAfter,
          certIndex: 0,
          keyIndex: 0,
        });
        writeFileSync(caKeyFile(folder, 0), await exportPrivateKeyPem(keyPair.privateKey), {
          mode: 0o600,
          flag: 'wx',
        });
        created.push(caKeyFile(folder, 0));
        await store.transaction((tx) =>
          tx.addCaCertificate({ certIndex: 0, keyIndex: 0, raw: certificate, state: CA_DISP_VALID }),
        );
      }
    } finally {
      await store.close();
    }
  } catch (error) {
    for (const file of created) rmSync(file, { force: true });
    throw error;
  }

  if (isSubordinate) {
    const ca = await openCaFolder(folder.root, open);
    try {
      const requested = await requestCaCertificate(ca, {
        keyPair,
        newKey: true,
        subject,
        certIndex: 0,
        keyIndex: 0,
        ...(options.parent && { parent: options.parent }),
      });
      await ca.store.close();
      return {
        sanitizedName,
        folder: folder.root,
        caType,
        state: requested.state,
        requestFile: requested.requestFile,
        ...(requested.parentRequestId !== undefined && { parentRequestId: requested.parentRequestId }),
        files: requested.installed?.files ?? [],
        ...(requested.installed && { installed: requested.installed }),
      };
    } catch (error) {
      // Before the request is recorded the folder holds no CA yet: leave it as it was. After, the CA exists
      // (incomplete) and the error says what to do next.
      const recorded = (await ca.store.listCaCertificates()).length > 0;
      await ca.store.close();
      if (!recorded) for (const file of created) rmSync(file, { force: true });
      throw error;
    }
  }
  const opened = await openCa(folder.root, open);
  try {
    const files = publishCaCertificateFiles(opened);
    // The first base (and delta) CRL, as AD CS publishes at setup. A subordinate has none until its certificate is
    // installed; the CRL schedule of `serve` (or `certexit crl`) publishes it then.
    await publishInitialCrls(opened, now);
    return {
      sanitizedName,
      folder: folder.root,
      caType,
      state: CA_DISP_VALID,
      files,
    };
  } finally {
    await opened.store.close();
  }
}

function _writeConfiguration(
  file: string,
  certEnroll: string,
  o: SetupCaOptions & { sanitizedName: string; caType: number; keyAlgorithm: KeyAlgorithmName },
): void {
  const registry = new RegistryFile(file);
  const urls = defaultPublicationUrls(certEnroll);
  const ca = caRegistryPaths.ca(o.sanitizedName);
  registry.setValue(`${caRegistryPaths.configuration}\\${REGVAL_ACTIVE}`, o.sanitizedName);
  const caType = { caType: o.caType };
  // The CA key's values, named as CA_REGISTRY_VALUES declares them (a misspelt name does not compile).
  const values = {
    CommonName: o.commonName,
    CAType: o.caType,
    UseDS: registryValueDefault(CA_REGISTRY_VALUES.UseDS, caType)!,
    KeyAlgorithm: o.keyAlgorithm,
    MachineDNSName: o.machineDnsName ?? registryValueDefault(CA_REGISTRY_VALUES.MachineDNSName)!,
    DSDomainDN: o.domainDn ?? '',
    DSConfigDN: o.configDn ?? '',
    CRLPublicationURLs: urls.crl,
    CACertPublicationURLs: urls.aia,
    CRLPeriod: 'Weeks',
    CRLPeriodUnits: 1,
    CRLDeltaPeriod: 'Days',
    CRLDeltaPeriodUnits: 1,
    CRLFlags: registryValueDefault(CA_REGISTRY_VALUES.CRLFlags)!,
    CATemplates: defaultCaTemplateNames(defaultTemplates()),
  } satisfies Partial<Record<keyof typeof CA_REGISTRY_VALUES, RegistryValue>>;
  for (const [name, value] of Object.entries(values)) {
    if (value !== '') registry.setValue(`${ca}\\${name}`, value);
  }
  registry.setValue(`${caRegistryPaths.policyModules(o.sanitizedName)}\\${REGVAL_ACTIVE}`, PROGID_DEFAULT_POLICY);
  // The policy's values, as AD CS setup writes them: the catalogue's defaults for this CA type.
  const policy = `${caRegistryPaths.policyModules(o.sanitizedName)}\\${PROGID_DEFAULT_POLICY}`;
  for (const declaration of Object.values(POLICY_MODULE_VALUES))
    registry.setValue(`${policy}\\${declaration.name}`, registryValueDefault(declaration, caType)!);
  registry.setValue(
    `${caRegistryPaths.exitModules(o.sanitizedName)}\\${REGVAL_ACTIVE}`,
    o.exitModules ?? [PROGID_DEFAULT_EXIT],
  );
}

function _escapeDnValue(value: string): string {
  return value.replace(/([,+"\\<>;=#])/g, '\\$1');
}
