import { join, resolve } from 'node:path';

/** Where a CA keeps its state: one folder, movable as a whole. */
export interface CaFolder {
  readonly root: string;
  /** Registry-shaped configuration (HKLM-rooted JSON). */
  readonly registry: string;
  /** The embedded database (node:sqlite). */
  readonly database: string;
  /** Editable certificate templates. */
  readonly templates: string;
  /** CA private keys, one PKCS#8 PEM per key index, mode 0600. */
  readonly keys: string;
  /** Default file publication folder, as `%windir%\system32\CertSrv\CertEnroll` on AD CS. */
  readonly certEnroll: string;
}

export function caFolder(dir: string): CaFolder {
  const root = resolve(dir);
  return {
    root,
    registry: join(root, 'registry.json'),
    database: join(root, 'certexit.db'),
    templates: join(root, 'templates.json'),
    keys: join(root, 'keys'),
    certEnroll: join(root, 'CertEnroll'),
  };
}

/** The key file of a CA key index. */
export function caKeyFile(folder: CaFolder, keyIndex: number): string {
  return join(folder.keys, `ca-key-${keyIndex}.pem`);
}

/**
 * Where a subordinate CA's request for certificate index `certIndex` is written: `<CA folder>/<%1>_<%3>%4.req`,
 * the name AD CS setup proposes (`C:\<host>_<CA name>.req`), so renewals never overwrite an earlier request.
 */
export function caRequestFile(
  folder: CaFolder,
  machineDnsName: string,
  sanitizedName: string,
  certIndex: number,
): string {
  return join(folder.root, `${machineDnsName}_${sanitizedName}${certIndex === 0 ? '' : `(${certIndex})`}.req`);
}
