import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The project's OpenLDAP (`scripts/openldap.sh start`): the `CERTEXIT_OPENLDAP_*` values of its env file
 * (`CERTEXIT_OPENLDAP_ENV_FILE`, else `.tmp/openldap/env`). Fails with what to do when it is not running: the
 * integration tests never skip.
 */
export function readOpenLdapEnv(): Record<string, string> {
  const file =
    process.env.CERTEXIT_OPENLDAP_ENV_FILE ?? fileURLToPath(new URL('../../.tmp/openldap/env', import.meta.url));
  if (!existsSync(file))
    throw new Error(
      `OpenLDAP is not running: ${file} does not exist. Start it with \`bash scripts/openldap.sh start\`.`,
    );
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
}
