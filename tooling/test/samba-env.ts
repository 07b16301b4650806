import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The connection facts `scripts/samba-dc.sh start` writes to `.tmp/samba/env`. */
export interface SambaEnv {
  url: string;
  ldapUrl: string;
  caFile: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  configDn: string;
  domain: string;
  realm: string;
}

/**
 * Reads the Samba AD DC's env file (or `CERTEXIT_SAMBA_ENV_FILE`). Integration tests call this and fail with a
 * clear message when the DC is not running: they never skip silently.
 */
export function readSambaEnv(): SambaEnv {
  const file = process.env.CERTEXIT_SAMBA_ENV_FILE ?? fileURLToPath(new URL('../../.tmp/samba/env', import.meta.url));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `no Samba AD DC env file at ${file}: start the DC with "bash scripts/samba-dc.sh start" (pnpm test does)`,
    );
  }
  const values = Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [
        m[1],
        m[2]!.replace(/^'(.*)'$/, (_, v: string) => v.replaceAll("'\\''", "'")).replace(/^"(.*)"$/, '$1'),
      ]),
  );
  const get = (name: string) => {
    const value = values[`CERTEXIT_SAMBA_${name}`];
    if (!value) throw new Error(`${file} lacks CERTEXIT_SAMBA_${name}`);
    return value;
  };
  return {
    url: get('URL'),
    ldapUrl: get('LDAP_URL'),
    caFile: get('CA'),
    bindDn: get('BIND_DN'),
    bindPassword: get('BIND_PASSWORD'),
    baseDn: get('BASE_DN'),
    configDn: get('CONFIG_DN'),
    domain: get('DOMAIN'),
    realm: get('REALM'),
  };
}
