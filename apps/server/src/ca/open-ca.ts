import { existsSync, readFileSync } from 'node:fs';
import { CA_DISP_VALID, REGVAL_ACTIVE } from '@certexit/core';
import type { CertificateTemplate } from '../policy/certificate-template';
import { RegistryFile } from '../registry/registry-file';
import { openSqliteStore } from '../store/sqlite-store';
import { importPrivateKeyPem, isKeyAlgorithmName, parseCertificate } from '../x509';
import { caRegistryPaths } from './ca-configuration-paths';
import type { CaContext } from './ca-context';
import { caFolder, caKeyFile } from './ca-folder';
import { sanitizedShortName } from './sanitize-ca-name';

/** Opens the CA of a folder made by `setupCa`, with clear errors for what is missing or broken. */
export async function openCa(dir: string): Promise<CaContext> {
  const folder = caFolder(dir);
  if (!existsSync(folder.registry))
    throw new Error(`${folder.root} holds no CA; run "certexit setup --dir ${dir}" first`);
  const registry = new RegistryFile(folder.registry);
  const sanitizedName = registry.getValue(`${caRegistryPaths.configuration}\\${REGVAL_ACTIVE}`);
  if (typeof sanitizedName !== 'string')
    throw new Error(`${folder.registry} names no active CA (Configuration\\Active)`);
  const path = caRegistryPaths.ca(sanitizedName);
  const value = (name: string) => registry.getValue(`${path}\\${name}`);
  const keyAlgorithm = value('KeyAlgorithm');
  if (!isKeyAlgorithmName(keyAlgorithm))
    throw new Error(`${path}\\KeyAlgorithm is ${JSON.stringify(keyAlgorithm)}, not a key algorithm`);

  const store = openSqliteStore(folder.database);
  const certificates = await store.listCaCertificates();
  const current = certificates.filter((c) => c.state === CA_DISP_VALID).at(-1);
  if (!current) throw new Error(`the CA database ${folder.database} has no valid CA certificate`);
  const signingKey = await importPrivateKeyPem(readFileSync(caKeyFile(folder, current.keyIndex), 'utf8'), keyAlgorithm);
  const text = (name: string) => {
    const v = value(name);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  return {
    folder,
    registry,
    store,
    commonName: text('CommonName') ?? sanitizedName,
    sanitizedName,
    shortName: sanitizedShortName(sanitizedName),
    caType: Number(value('CAType') ?? 5),
    machineDnsName: text('MachineDNSName') ?? 'localhost',
    domainDn: text('DSDomainDN'),
    configDn: text('DSConfigDN'),
    keyAlgorithm,
    signingKey,
    certificate: await parseCertificate(current.raw),
    certIndex: current.certIndex,
    keyIndex: current.keyIndex,
    templates: _readTemplates(folder.templates),
    registryPath: path,
  };
}

function _readTemplates(file: string): CertificateTemplate[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!Array.isArray(parsed)) throw new Error('not an array');
    return parsed as CertificateTemplate[];
  } catch (error) {
    throw new Error(`the template file ${file} is unreadable: ${(error as Error).message}`, { cause: error });
  }
}
