import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'ldapts';
import { readSambaEnv } from '../../../../tooling/test/samba-env';

/** The connection facts `scripts/samba-dc.sh start` writes to `.tmp/samba/env`. */
export interface SambaEnv {
  url: string;
  ldapUrl: string;
  ca: string;
  bindDN: string;
  bindPassword: string;
  baseDN: string;
  domain: string;
  realm: string;
}

const _REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Reads the Samba env file (`$CERTEXIT_SAMBA_ENV_FILE`, else `<repo>/.tmp/samba/env`).
 * @throws when it is missing: the integration suite must fail, not skip, without a DC.
 */
/** The DC's connection facts, from the shared reader (which fails clearly when the DC is not running). */
export function loadSambaEnv(): SambaEnv {
  const env = readSambaEnv();
  return {
    url: env.url,
    ldapUrl: env.ldapUrl,
    ca: env.caFile,
    bindDN: env.bindDn,
    bindPassword: env.bindPassword,
    baseDN: env.baseDn,
    domain: env.domain,
    realm: env.realm,
  };
}

/** An administrator connection, TLS verified against the DC's CA: the test's independent view of the directory. */
export async function adminClient(env: SambaEnv): Promise<Client> {
  const host = new URL(env.url).hostname;
  const client = new Client({
    url: env.url,
    timeout: 10_000,
    connectTimeout: 10_000,
    tlsOptions: { ca: [readFileSync(env.ca, 'utf8')], servername: host, minVersion: 'TLSv1.2' },
  });
  await client.bind(env.bindDN, env.bindPassword);
  return client;
}

/** The values of `userCertificate` of `dn`, read independently of the module. */
export async function readUserCertificates(client: Client, dn: string): Promise<Buffer[]> {
  const { searchEntries } = await client.search(dn, {
    scope: 'base',
    attributes: ['userCertificate'],
    explicitBufferAttributes: ['userCertificate'],
  });
  const value = searchEntries[0]?.userCertificate;
  if (value === undefined) throw new Error(`${dn} not found`);
  return (Array.isArray(value) ? value : [value]).filter((v): v is Buffer => Buffer.isBuffer(v));
}

/** A scratch directory for keys and certificates, removed by `dispose()`. */
export function scratchDir(): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), 'certexit-exit-default-'));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes a secret file readable by its owner only. */
export function secretFile(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${content}\n`, { mode: 0o600 });
  return path;
}
