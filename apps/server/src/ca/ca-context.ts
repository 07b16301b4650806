import type { webcrypto } from 'node:crypto';
import type { CertificateTemplate } from '../policy/certificate-template';
import type { RegistryFile } from '../registry/registry-file';
import type { CaStore } from '../store/ca-store';
import type { CertificateInfo, KeyAlgorithmName } from '../x509';
import type { CaFolder } from './ca-folder';

/** A CA opened from its folder: identity, keys, configuration and store. */
export interface CaContext {
  readonly folder: CaFolder;
  readonly registry: RegistryFile;
  readonly store: CaStore;
  readonly commonName: string;
  /** `%3`, the CA's configuration key name and what `Initialize` receives. */
  readonly sanitizedName: string;
  /** `%7`. */
  readonly shortName: string;
  readonly caType: number;
  readonly machineDnsName: string;
  readonly domainDn: string | undefined;
  readonly configDn: string | undefined;
  readonly keyAlgorithm: KeyAlgorithmName;
  readonly signingKey: webcrypto.CryptoKey;
  /** The current CA certificate and its indexes. */
  readonly certificate: CertificateInfo;
  readonly certIndex: number;
  readonly keyIndex: number;
  readonly templates: readonly CertificateTemplate[];
  /** `...\Configuration\<CA>`. */
  readonly registryPath: string;
}
