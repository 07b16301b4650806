import { readFileSync } from 'node:fs';
import { CA_DISP_VALID } from '@certexit/core';
import type { CertificateInfo } from '@certexit/x509';
import {
  bytesEqual,
  importPrivateKeyPem,
  parseCertificate,
  parseCertificationRequest,
  readCaExtensions,
  readCertificateBundle,
  spkiOfPrivateKey,
  verifyCertificateSignature,
} from '@certexit/x509';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import type { CaCertificateRow } from '../store/ca-store';
import type { PackageImporter } from '../store/open-ca-store';
import { caKeyFile } from './ca-folder';
import { openCa } from './open-ca';
import type { CaFolderContext } from './open-ca-folder';
import { openCaFolder } from './open-ca-folder';
import { publishCaCertificateFiles } from './publish-ca-certificate-files';

/** Options of {@link installCaCertificate}. */
export interface InstallCaCertificateOptions {
  /**
   * The parent CA's certificates up to its root, each DER, PEM or PKCS#7 (file contents). When given, the installed
   * certificate must chain through them to a self-signed root among them, every signature verifying and every
   * parent a valid CA certificate. Without them the chain is not checked (the parent is then the administrator's
   * word, as when AD CS trusts the machine's root store).
   */
  parentCertificates?: ReadonlyArray<Uint8Array | string>;
  /** @default new Date() */
  now?: Date;
  /** Imports the CA's store package when the registry names one (see `OpenCaOptions.importModule`). */
  importModule?: PackageImporter;
}

/** What {@link installCaCertificate} installed. */
export interface InstalledCaCertificate {
  certIndex: number;
  keyIndex: number;
  subject: string;
  issuer: string;
  serialNumber: string;
  /** SHA-1, lowercase hex. */
  thumbprint: string;
  notAfter: Date;
  /** The CA certificate files published (`CACertPublicationURLs`, `%4` = the certificate index). */
  files: string[];
}

/**
 * Completes a subordinate CA (its first certificate, or a renewal): installs the certificate the parent CA issued for
 * the request awaiting installation. `certificate` is a file name or the file's bytes: DER or PEM, or a PKCS#7
 * chain (`.p7b`) whose certificate for the CA key is taken and whose other certificates can serve as intermediates.
 *
 * Checks, before anything is written: the certificate is for the key of the pending request, is a CA certificate
 * (basicConstraints cA, keyCertSign when keyUsage is present), has not expired, carries the pending request's CA
 * version when it carries one, is not installed already, and chains to the given parent certificates. Then it
 * stores the certificate as `CA_DISP_VALID` and publishes the CA certificate files. On any error the CA stays as it
 * was.
 */
export async function installCaCertificate(
  dir: string,
  certificate: string | Uint8Array,
  options: InstallCaCertificateOptions = {},
): Promise<InstalledCaCertificate> {
  const now = options.now ?? new Date();
  const source = typeof certificate === 'string' ? certificate : 'the certificate';
  const bundle = await _readBundle(typeof certificate === 'string' ? _readFile(certificate) : certificate, source);
  const ca = await openCaFolder(dir, { importModule: options.importModule });
  let installed: Omit<InstalledCaCertificate, 'files'>;
  try {
    const rows = await ca.store.listCaCertificates();
    const pending = rows.find((r) => !r.raw);
    if (!pending?.request) {
      throw new Error(
        `the CA "${ca.sanitizedName}" has no certificate request awaiting installation (it has ${rows.length} ` +
          'installed CA certificate(s)); a subordinate CA gets one from "certexit setup --type *-sub" or "certexit renew"',
      );
    }
    const requestSpki = (await parseCertificationRequest(pending.request)).subjectPublicKeyInfo;
    const cert = bundle.find((c) => bytesEqual(c.subjectPublicKeyInfo, requestSpki));
    if (!cert) {
      const subjects = bundle.map((c) => `"${c.subjectDn}"`).join(', ');
      throw new Error(
        `${source} is for another key: no certificate in it (${subjects}) has the public key of CA key index ` +
          `${pending.keyIndex} (${caKeyFile(ca.folder, pending.keyIndex)}), which the request awaiting installation ` +
          `(certificate index ${pending.certIndex}) was made for`,
      );
    }
    await _checkKeyFile(ca, pending, requestSpki);
    _checkCaCertificate(cert, pending, now, source);
    const duplicate = rows.find((r) => r.raw && bytesEqual(r.raw, cert.der));
    if (duplicate) throw new Error(`${source} is already installed as CA certificate ${duplicate.certIndex}`);
    if (options.parentCertificates) {
      const anchors = (
        await Promise.all(options.parentCertificates.map((p, i) => _readBundle(p, `parent ${i + 1}`)))
      ).flat();
      await _verifyChain(
        cert,
        anchors,
        bundle.filter((c) => c !== cert),
        now,
      );
    }
    await ca.store.transaction(async (tx) => {
      // Re-read inside the transaction: another installation may have completed the row meanwhile.
      const current = (await ca.store.listCaCertificates()).find((r) => r.certIndex === pending.certIndex);
      if (current?.raw) throw new Error(`CA certificate ${pending.certIndex} was installed meanwhile`);
      await tx.updateCaCertificate(pending.certIndex, { raw: cert.der, state: CA_DISP_VALID });
    });
    installed = {
      certIndex: pending.certIndex,
      keyIndex: pending.keyIndex,
      subject: cert.subjectDn,
      issuer: cert.issuerDn,
      serialNumber: cert.serialNumberHex,
      thumbprint: cert.sha1Thumbprint,
      notAfter: cert.notAfter,
    };
  } finally {
    await ca.store.close();
  }
  ca.registry.delete(`${ca.registryPath}\\${CA_REGISTRY_VALUES.RequestId.name}`);
  const opened = await openCa(dir, { importModule: options.importModule });
  try {
    return { ...installed, files: publishCaCertificateFiles(opened) };
  } finally {
    await opened.store.close();
  }
}

function _readFile(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new Error(`cannot read the certificate file ${file}: ${(error as Error).message}`, { cause: error });
  }
}

async function _readBundle(data: Uint8Array | string, what: string): Promise<CertificateInfo[]> {
  try {
    return await Promise.all(readCertificateBundle(data).map((der) => parseCertificate(der)));
  } catch (error) {
    throw new Error(`${what} holds no readable X.509 certificate (DER, PEM or PKCS#7): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The key file of the pending request must exist and hold that key, or the CA could not sign after installing. */
async function _checkKeyFile(ca: CaFolderContext, pending: CaCertificateRow, requestSpki: Uint8Array): Promise<void> {
  const file = caKeyFile(ca.folder, pending.keyIndex);
  let spki: Uint8Array;
  try {
    spki = await spkiOfPrivateKey(
      await importPrivateKeyPem(readFileSync(file, 'utf8'), ca.keyAlgorithm, { extractable: true }),
    );
  } catch (error) {
    throw new Error(
      `the CA key ${file} of the request awaiting installation is unreadable: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (!bytesEqual(spki, requestSpki))
    throw new Error(`the CA key ${file} is not the key of the request awaiting installation`);
}

function _checkCaCertificate(cert: CertificateInfo, pending: CaCertificateRow, now: Date, source: string): void {
  const what = `${source} ("${cert.subjectDn}", issued by "${cert.issuerDn}")`;
  const values = readCaExtensions(cert.extensions);
  if (!values.isCa) throw new Error(`${what} is not a CA certificate: its basicConstraints do not say cA`);
  if (values.keyUsage && !values.keyUsage.includes('keyCertSign')) {
    throw new Error(`${what} is not a CA certificate: its keyUsage lacks keyCertSign`);
  }
  if (cert.notAfter <= now) throw new Error(`${what} expired on ${cert.notAfter.toISOString()}`);
  const version = values.caVersion;
  if (version && (version.certIndex !== pending.certIndex || version.keyIndex !== pending.keyIndex)) {
    throw new Error(
      `${what} carries CA version V${version.certIndex}.${version.keyIndex}, but the request awaiting installation ` +
        `is V${pending.certIndex}.${pending.keyIndex}; it was issued for another request of this CA`,
    );
  }
}

/** Builds the chain from `cert` through `intermediates`/`anchors` to a self-signed anchor, verifying every link. */
async function _verifyChain(
  cert: CertificateInfo,
  anchors: readonly CertificateInfo[],
  intermediates: readonly CertificateInfo[],
  now: Date,
): Promise<void> {
  let current = cert;
  for (let depth = 0; depth < 8; depth++) {
    const candidates = [...anchors, ...intermediates].filter((c) => bytesEqual(c.subjectDer, current.issuerDer));
    if (candidates.length === 0) {
      throw new Error(
        `the chain does not verify: no given parent certificate is "${current.issuerDn}", the issuer of "${current.subjectDn}"`,
      );
    }
    let issuer: CertificateInfo | undefined;
    for (const candidate of candidates) {
      if (await verifyCertificateSignature(current, candidate.subjectPublicKeyInfo)) {
        issuer = candidate;
        break;
      }
    }
    if (!issuer) {
      throw new Error(
        `the chain does not verify: the signature of "${current.subjectDn}" does not verify with the key of "${current.issuerDn}"`,
      );
    }
    if (!readCaExtensions(issuer.extensions).isCa)
      throw new Error(`the parent "${issuer.subjectDn}" is not a CA certificate`);
    if (issuer.notAfter <= now || issuer.notBefore > now) {
      throw new Error(
        `the parent "${issuer.subjectDn}" is not valid now (${issuer.notBefore.toISOString()} to ${issuer.notAfter.toISOString()})`,
      );
    }
    const selfSigned =
      bytesEqual(issuer.subjectDer, issuer.issuerDer) &&
      (await verifyCertificateSignature(issuer, issuer.subjectPublicKeyInfo));
    if (selfSigned) {
      if (anchors.includes(issuer)) return;
      throw new Error(
        `the chain ends at the root "${issuer.subjectDn}", which is not among the given parent certificates`,
      );
    }
    current = issuer;
  }
  throw new Error('the chain does not verify: it is longer than 8 certificates');
}
