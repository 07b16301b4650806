import type { webcrypto } from 'node:crypto';
import type { CertificateInfo } from '@certexit/x509';
import type { CertificateTemplate } from '../policy/certificate-template';
import type { TemplateStore } from '../policy/template-store';
import type { CaFolderContext } from './open-ca-folder';

/**
 * The signing material of one CA key index: the key and the newest installed CA certificate that uses it. That
 * certificate is the issuer of everything the key signs from now on (its subject, its SKI as AKI, and
 * `V<certIndex>.<keyIndex>` as the CA version of the key's CRLs).
 */
export interface CaSigningKey {
  /** The CRL/key index (`CRLIndex.N`, `%8`). */
  readonly keyIndex: number;
  /** The certificate index of {@link certificate} (`%4`). */
  readonly certIndex: number;
  readonly key: webcrypto.CryptoKey;
  readonly certificate: CertificateInfo;
}

/**
 * A CA opened from its folder for issuance: identity, configuration, store, and the CURRENT key and certificate
 * (the newest installed certificate; after a renewal, the renewed one).
 */
export interface CaContext extends CaFolderContext {
  /** The current key (the key of {@link certificate}). */
  readonly signingKey: webcrypto.CryptoKey;
  /** The current CA certificate: the issuer of new certificates. */
  readonly certificate: CertificateInfo;
  /** The current certificate index (`%4`). */
  readonly certIndex: number;
  /** The current CRL/key index (`%8`). */
  readonly keyIndex: number;
  /** The templates of `templates.json` as they are now (a change by `certexit template set` is seen at once). */
  readonly templates: readonly CertificateTemplate[];
  /** `templates.json`: find, list and save templates. */
  readonly templateStore: TemplateStore;
  /**
   * Loads the key of a CRL/key index with the newest installed certificate of that key, e.g. to sign the CRL of an
   * older key after a renewal with a new key. Keys are loaded once and cached; the current key is
   * {@link signingKey}. Throws a clear error for a key index the CA does not have (or whose key file is missing).
   */
  loadSigningKey(keyIndex: number): Promise<CaSigningKey>;
  /**
   * The signing material of every key index that still publishes CRLs at `now`, oldest key first: those whose
   * newest installed certificate has `CRLState.N` = `CA_DISP_VALID` (see `caCertificateStates`). After renewals with
   * new keys, each older key keeps signing its own CRL (`%3%8.crl`) until its certificates expire or are revoked;
   * a key reused by later renewals publishes under its own key index, issued by its newest certificate.
   * @default now the current time
   */
  crlSigningKeys(now?: Date): Promise<CaSigningKey[]>;
}
