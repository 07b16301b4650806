import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { ENUM_UNKNOWN_CA, REGVAL_ACTIVE, readRegistryValue, registryValueDefault } from '@certexit/core';
import type { KeyAlgorithmName } from '@certexit/x509';
import { isKeyAlgorithmName } from '@certexit/x509';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import { RegistryFile } from '../registry/registry-file';
import type { CaStore } from '../store/ca-store';
import type { CaStoreSettings } from '../store/ca-store-settings';
import type { OpenCaStoreOptions } from '../store/open-ca-store';
import { openCaStore } from '../store/open-ca-store';
import { highWaterMarkFileOf } from '../store/sqlite-store';
import { caRegistryPaths } from './ca-configuration-paths';
import type { CaFolder } from './ca-folder';
import { caFolder } from './ca-folder';
import { readCaStoreSettings } from './ca-store-registry';
import { restrictCaFolder } from './restrict-ca-folder';
import { sanitizedShortName } from './sanitize-ca-name';

/**
 * A CA folder's identity, configuration and store, without keys or a current certificate: what installing a
 * subordinate's certificate and renewing work on, and what {@link CaContext} builds on.
 */
export interface CaFolderContext {
  readonly folder: CaFolder;
  readonly registry: RegistryFile;
  readonly store: CaStore;
  readonly commonName: string;
  /** `%3`, the CA's configuration key name and what `Initialize` receives. */
  readonly sanitizedName: string;
  /** `%7`. */
  readonly shortName: string;
  /** `ENUM_CATYPES`. */
  readonly caType: number;
  readonly machineDnsName: string;
  readonly domainDn: string | undefined;
  readonly configDn: string | undefined;
  /** The algorithm of every CA key of this CA. */
  readonly keyAlgorithm: KeyAlgorithmName;
  /** `...\Configuration\<CA>`. */
  readonly registryPath: string;
  /** Where the database is (`DB*` values of the registry): SQLite in the folder, or a database server. */
  readonly storeSettings: CaStoreSettings;
}

/** Options of {@link openCaFolder} and `openCa`. */
export interface OpenCaOptions {
  /** How the store is opened (SQLite's lock waits and checkpoints; rollback acceptance; the package importer). */
  store?: OpenCaStoreOptions;
  /**
   * Imports packages by name from the app: the store's package, when the registry names one (`certexit` gives
   * `importExitModule`). Overrides `store.importModule`.
   */
  importModule?: OpenCaStoreOptions['importModule'];
  /**
   * When the templates file is read: `open` (an invalid file refuses the CA at once), or `first-use` for a process
   * that seldom asks for templates (the exit-module thread), which then does not load their validator.
   * @default 'open'
   */
  templates?: 'open' | 'first-use';
}

/**
 * Opens the configuration and store of a folder made by `setupCa`, with clear errors for what is missing or broken.
 * The caller closes `store`.
 */
export async function openCaFolder(dir: string, options: OpenCaOptions = {}): Promise<CaFolderContext> {
  const folder = caFolder(dir);
  _assertReadable(folder.root);
  if (!existsSync(folder.registry))
    throw new Error(`${folder.root} holds no CA; run "certexit setup --dir ${dir}" first`);
  // Folders made before the 0600/0700 rule, and files a module or an administrator added, are brought in line.
  restrictCaFolder(folder.root);
  const registry = new RegistryFile(folder.registry);
  const sanitizedName = registry.getValue(`${caRegistryPaths.configuration}\\${REGVAL_ACTIVE}`);
  if (typeof sanitizedName !== 'string')
    throw new Error(`${folder.registry} names no active CA (Configuration\\Active)`);
  const path = caRegistryPaths.ca(sanitizedName);
  const value = (name: string) => registry.getValue(`${path}\\${name}`);
  const text = (name: string) => {
    const v = value(name);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const keyAlgorithm = value(CA_REGISTRY_VALUES.KeyAlgorithm.name);
  if (!isKeyAlgorithmName(keyAlgorithm))
    throw new Error(`${path}\\KeyAlgorithm is ${JSON.stringify(keyAlgorithm)}, not a key algorithm`);
  const storeSettings = readCaStoreSettings(registry, path);
  const importModule = options.importModule ?? options.store?.importModule;
  const store = await openCaStore(
    storeSettings,
    { database: folder.database, highWaterMarkFile: highWaterMarkFileOf(folder.database), caFolder: folder.root },
    { ...options.store, ...(importModule && { importModule }) },
  );
  return {
    folder,
    registry,
    store,
    storeSettings,
    commonName: text(CA_REGISTRY_VALUES.CommonName.name) ?? sanitizedName,
    sanitizedName,
    shortName: sanitizedShortName(sanitizedName),
    caType: readRegistryValue(registry.keyAt(path), CA_REGISTRY_VALUES.CAType).value ?? ENUM_UNKNOWN_CA,
    machineDnsName:
      text(CA_REGISTRY_VALUES.MachineDNSName.name) ?? registryValueDefault(CA_REGISTRY_VALUES.MachineDNSName)!,
    domainDn: text(CA_REGISTRY_VALUES.DSDomainDN.name),
    configDn: text(CA_REGISTRY_VALUES.DSConfigDN.name),
    keyAlgorithm,
    registryPath: path,
  };
}

/**
 * A CA folder this process may not enter fails with that said (owner, mode, this process's uid), not as "holds no
 * CA": a service started as the wrong user is a common mistake.
 */
function _assertReadable(root: string): void {
  try {
    accessSync(root, constants.R_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // "holds no CA" says it better
    let owner = `this process runs as uid ${process.getuid?.() ?? '?'}`;
    try {
      const stat = statSync(root);
      owner = `owner uid ${stat.uid}, mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}; ${owner}`;
    } catch {
      // Its parent is closed too: the uid is all there is to say.
    }
    throw new Error(
      `cannot open the CA folder ${root}: ${code === 'EACCES' ? 'permission denied' : (error as Error).message} (${owner})`,
      {
        cause: error,
      },
    );
  }
}
