import type { webcrypto } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { CA_DISP_VALID, ENUM_ENTERPRISE_SUBCA, ENUM_STANDALONE_SUBCA } from '@certexit/core';
import {
  createSelfSignedCaCertificate,
  exportPrivateKeyPem,
  generateKeyPair,
  keyAlgorithmParams,
  toArrayBuffer,
} from '@certexit/x509';
import type { PackageImporter } from '../store/open-ca-store';
import type { CaContext } from './ca-context';
import { caKeyFile } from './ca-folder';
import type { InstalledCaCertificate } from './install-ca-certificate';
import { openCa } from './open-ca';
import type { ParentCa } from './parent-ca';
import { publishCaCertificateFiles } from './publish-ca-certificate-files';
import { requestCaCertificate } from './request-ca-certificate';

/** Options of {@link renewCa}. */
export interface RenewCaOptions {
  /** A new key (the key index becomes the new certificate index) or the current key (the key index stays). */
  newKey: boolean;
  /** Validity of a renewed root certificate. @default the current certificate's validity period */
  validityYears?: number;
  /** A subordinate's parent CA, to send the renewal request to online instead of only writing it to a file. */
  parent?: ParentCa;
  now?: Date;
  /** Imports the CA's store package when the registry names one (see `OpenCaOptions.importModule`). */
  importModule?: PackageImporter;
}

/** What {@link renewCa} made. */
export interface RenewCaResult {
  /** The new certificate index (`%4`). */
  certIndex: number;
  /** Its CRL/key index (`%8`). */
  keyIndex: number;
  newKey: boolean;
  /** `CertState` of the new certificate: `CA_DISP_VALID` for a root, see `requestCaCertificate` for a subordinate. */
  state: number;
  /** A subordinate's PKCS#10 renewal request for its parent CA. */
  requestFile?: string;
  parentRequestId?: number;
  /** The CA certificate files published, e.g. `<host>_<CA>(1).crt`. */
  files: string[];
  installed?: InstalledCaCertificate;
}

/**
 * Renews the CA certificate, keeping AD CS's indexes: the certificate index goes up by one at every renewal; the
 * CRL/key index changes only with a new key, and then becomes the new certificate index (install 0/0, new key 1/1,
 * same key 2/1, same key 3/1, new key 4/4). A new key is written to `keys/ca-key-<keyIndex>.pem`.
 *
 * A root signs its own new certificate (same subject, CA version `V<certIndex>.<keyIndex>`), stores it
 * `CA_DISP_VALID` and publishes it with `%4` = `(certIndex)`: from then on it is the issuer of new certificates.
 * A subordinate writes a renewal request and keeps issuing with its current certificate until the parent's answer
 * is installed with `installCaCertificate`. Older certificates stay valid (they still verify what they issued).
 * A running server keeps the certificate it opened: restart it after a renewal, as AD CS restarts its service.
 */
export async function renewCa(dir: string, options: RenewCaOptions): Promise<RenewCaResult> {
  const now = options.now ?? new Date();
  const ca = await openCa(dir, { importModule: options.importModule });
  let renewed: Omit<RenewCaResult, 'files'> & { files?: string[] };
  try {
    const rows = await ca.store.listCaCertificates();
    const pending = rows.find((r) => !r.raw);
    if (pending) {
      throw new Error(
        `the CA "${ca.sanitizedName}" already awaits the certificate for its request ${pending.certIndex} ` +
          `(CA version V${pending.certIndex}.${pending.keyIndex}); install it with "certexit installcert" first`,
      );
    }
    const certIndex = Math.max(...rows.map((r) => r.certIndex)) + 1;
    const keyIndex = options.newKey ? certIndex : ca.keyIndex;
    if (certIndex > 0xffff) throw new Error('the CA has 65535 certificates, the most its CA version can number');
    const keyPair = options.newKey ? await generateKeyPair(ca.keyAlgorithm) : await _currentKeyPair(ca);
    const isSubordinate = ca.caType === ENUM_ENTERPRISE_SUBCA || ca.caType === ENUM_STANDALONE_SUBCA;
    if (isSubordinate) {
      const requested = await requestCaCertificate(ca, {
        keyPair,
        newKey: options.newKey,
        subject: ca.certificate.subject,
        certIndex,
        keyIndex,
        ...(options.parent && { parent: options.parent }),
      });
      renewed = {
        certIndex,
        keyIndex,
        newKey: options.newKey,
        state: requested.state,
        requestFile: requested.requestFile,
        ...(requested.parentRequestId !== undefined && { parentRequestId: requested.parentRequestId }),
        files: requested.installed?.files ?? [],
        ...(requested.installed && { installed: requested.installed }),
      };
    } else {
      const notAfter = new Date(now);
      if (options.validityYears !== undefined)
        notAfter.setUTCFullYear(notAfter.getUTCFullYear() + options.validityYears);
      else notAfter.setTime(now.getTime() + (ca.certificate.notAfter.getTime() - ca.certificate.notBefore.getTime()));
      const certificate = await createSelfSignedCaCertificate({
        keyPair,
        keyAlgorithm: ca.keyAlgorithm,
        subjectDn: ca.certificate.subject,
        notBefore: now,
        notAfter,
        certIndex,
        keyIndex,
      });
      const keyFile = caKeyFile(ca.folder, keyIndex);
      if (options.newKey) {
        // 'wx': never overwrite a key file, even an orphaned one; key material is not ours to lose.
        writeFileSync(keyFile, await exportPrivateKeyPem(keyPair.privateKey), { mode: 0o600, flag: 'wx' });
      }
      try {
        await ca.store.transaction((tx) =>
          tx.addCaCertificate({ certIndex, keyIndex, raw: certificate, state: CA_DISP_VALID }),
        );
      } catch (error) {
        if (options.newKey) rmSync(keyFile, { force: true });
        throw error;
      }
      renewed = { certIndex, keyIndex, newKey: options.newKey, state: CA_DISP_VALID };
    }
  } finally {
    await ca.store.close();
  }
  if (renewed.files) return { ...renewed, files: renewed.files };
  const opened = await openCa(dir, { importModule: options.importModule });
  try {
    return { ...renewed, files: publishCaCertificateFiles(opened) };
  } finally {
    await opened.store.close();
  }
}

/** The current key as a pair: its private key signs, its public key (from the certificate) is certified again. */
async function _currentKeyPair(ca: CaContext): Promise<webcrypto.CryptoKeyPair> {
  const publicKey = await crypto.subtle.importKey(
    'spki',
    toArrayBuffer(ca.certificate.subjectPublicKeyInfo),
    keyAlgorithmParams(ca.keyAlgorithm).import,
    true,
    ['verify'],
  );
  return { privateKey: ca.signingKey, publicKey };
}
