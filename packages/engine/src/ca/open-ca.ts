import { existsSync, readFileSync } from 'node:fs';
import { CA_DISP_UNDER_SUBMISSION, CA_DISP_VALID } from '@certexit/core';
import type { KeyAlgorithmName } from '@certexit/x509';
import { importPrivateKeyPem, parseCertificate } from '@certexit/x509';
import { TemplateStore } from '../policy/template-store';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import type { CaCertificateRow } from '../store/ca-store';
import { caCertificateStates } from './ca-certificate-states';
import type { CaContext, CaSigningKey } from './ca-context';
import { caKeyFile } from './ca-folder';
import type { CaFolderContext, OpenCaOptions } from './open-ca-folder';
import { openCaFolder } from './open-ca-folder';

/**
 * Opens the CA of a folder made by `setupCa` for issuance, with clear errors for what is missing or broken. It signs
 * with the current key and certificate: the newest installed CA certificate. A subordinate CA whose certificate
 * the parent has not issued yet cannot be opened: the error says where its request is and how to install the
 * certificate.
 */
export async function openCa(dir: string, options: OpenCaOptions = {}): Promise<CaContext> {
  const base = await openCaFolder(dir, options);
  try {
    const rows = await base.store.listCaCertificates();
    const current = rows.filter((c) => c.raw && c.state === CA_DISP_VALID).at(-1);
    if (!current?.raw) throw new Error(_noCertificateMessage(base, dir, rows));
    const keys = new Map<number, Promise<CaSigningKey>>();
    const certificate = await parseCertificate(current.raw);
    const signingKey = await _importKey(base, current.keyIndex, base.keyAlgorithm);
    keys.set(
      current.keyIndex,
      Promise.resolve({ keyIndex: current.keyIndex, certIndex: current.certIndex, key: signingKey, certificate }),
    );
    const loadSigningKey = (keyIndex: number): Promise<CaSigningKey> => {
      let loaded = keys.get(keyIndex);
      if (!loaded) {
        loaded = _loadSigningKey(base, keyIndex);
        keys.set(keyIndex, loaded);
        // A failed load (a key file restored later) is retried on the next call.
        void loaded.catch(() => keys.delete(keyIndex));
      }
      return loaded;
    };
    const templateStore = new TemplateStore(base.folder.templates, { readAtOpen: options.templates !== 'first-use' });
    return {
      ...base,
      signingKey,
      certificate,
      certIndex: current.certIndex,
      keyIndex: current.keyIndex,
      templateStore,
      get templates() {
        return templateStore.list();
      },
      loadSigningKey,
      async crlSigningKeys(now = new Date()) {
        const states = await caCertificateStates(await base.store.listCaCertificates(), now);
        const publishing = states.filter((s) => s.installed && s.crlState === CA_DISP_VALID);
        return Promise.all(publishing.map((s) => loadSigningKey(s.keyIndex)));
      },
    };
  } catch (error) {
    await base.store.close();
    throw error;
  }
}

async function _importKey(base: CaFolderContext, keyIndex: number, algorithm: KeyAlgorithmName) {
  const file = caKeyFile(base.folder, keyIndex);
  if (!existsSync(file)) throw new Error(`the key file of CA key index ${keyIndex} is missing: ${file}`);
  return importPrivateKeyPem(readFileSync(file, 'utf8'), algorithm);
}

async function _loadSigningKey(base: CaFolderContext, keyIndex: number): Promise<CaSigningKey> {
  const newest = (await base.store.listCaCertificates()).filter((c) => c.raw && c.keyIndex === keyIndex).at(-1);
  if (!newest?.raw)
    throw new Error(`the CA "${base.sanitizedName}" has no installed certificate for key index ${keyIndex}`);
  return {
    keyIndex,
    certIndex: newest.certIndex,
    key: await _importKey(base, keyIndex, base.keyAlgorithm),
    certificate: await parseCertificate(newest.raw),
  };
}

function _noCertificateMessage(base: CaFolderContext, dir: string, rows: readonly CaCertificateRow[]): string {
  const pending = rows.find((r) => !r.raw);
  if (!pending) return `the CA database ${base.store.location} has no valid CA certificate`;
  const requestFile = base.registry.getValue(`${base.registryPath}\\${CA_REGISTRY_VALUES.RequestFileName.name}`);
  const where =
    pending.state === CA_DISP_UNDER_SUBMISSION
      ? `its request was sent to the parent CA (request ID ${String(base.registry.getValue(`${base.registryPath}\\${CA_REGISTRY_VALUES.RequestId.name}`) ?? '?')}) and is pending there`
      : `its request is in ${typeof requestFile === 'string' ? requestFile : 'the CA folder'}; have the parent CA issue it (template SubCA)`;
  return (
    `the CA "${base.sanitizedName}" has no CA certificate installed yet: ${where}, ` +
    `then install the certificate with "certexit --dir ${dir} installcert <certificate file>"`
  );
}
