import { readFile } from 'node:fs/promises';
import type { AccountSchema } from './account-lookup';
import type { DirectoryClientOptions } from './connect-directory';
import { DIRECTORY_ERROR_CODES, DIRECTORY_HRESULTS, DirectoryError } from './directory-error';

/**
 * Where and how to connect, as a configuration holds it (the default module's directory settings, the engine's
 * `CA\Directory`). Holds no secret: the password is read when used, from a file or an environment variable.
 */
export interface DirectoryConnectionSettings {
  /** `LdapServers`, in failover order. */
  readonly servers: readonly string[];
  readonly bindDN: string | undefined;
  readonly bindPasswordFile: string | undefined;
  readonly bindPasswordEnv: string | undefined;
  readonly caFile: string | undefined;
  readonly startTLS: boolean;
  readonly timeoutMs: number;
  readonly userCertificateAttribute?: string;
  readonly accountSchema?: AccountSchema;
}

/**
 * How to connect for `directory` (the module's settings, or the engine's `CA\\Directory`): its servers, bind, TLS,
 * timeout and schema, with the bind password read now (so a rotated password is picked up by the next publication).
 */
export async function directoryClientOptions(
  directory: DirectoryConnectionSettings,
  extra: Pick<DirectoryClientOptions, 'ldapClientFactory' | 'signal' | 'logger'> = {},
): Promise<DirectoryClientOptions> {
  return {
    servers: directory.servers,
    bindDN: directory.bindDN,
    bindPassword: await resolveBindPassword(directory),
    caFile: directory.caFile,
    startTLS: directory.startTLS,
    timeoutMs: directory.timeoutMs,
    userCertificateAttribute: directory.userCertificateAttribute,
    accountSchema: directory.accountSchema,
    ...extra,
  };
}

/**
 * Reads the bind password from `LdapBindPasswordFile` (one trailing newline removed) or the environment variable
 * named by `LdapBindPasswordEnv`, at the moment it is needed (so a rotated password needs no restart).
 * @returns `undefined` when no bind DN is configured (anonymous bind).
 * @throws a {@link DirectoryError} `CONFIGURATION` when a bind DN has no usable password.
 */
export async function resolveBindPassword(
  directory: Pick<DirectoryConnectionSettings, 'bindDN' | 'bindPasswordFile' | 'bindPasswordEnv'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (directory.bindDN === undefined) return undefined;
  let password: string | undefined;
  let source: string;
  if (directory.bindPasswordFile !== undefined) {
    source = `file ${directory.bindPasswordFile}`;
    try {
      password = (await readFile(directory.bindPasswordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw _configError(
        `cannot read LdapBindPasswordFile ${directory.bindPasswordFile}: ${(error as Error).message}`,
        error,
      );
    }
  } else if (directory.bindPasswordEnv !== undefined) {
    source = `environment variable ${directory.bindPasswordEnv}`;
    password = env[directory.bindPasswordEnv];
    if (password === undefined)
      throw _configError(`LdapBindPasswordEnv names ${directory.bindPasswordEnv}, which is not set`);
  } else {
    throw _configError('LdapBindDN is set but neither LdapBindPasswordFile nor LdapBindPasswordEnv is configured');
  }
  // A simple bind with a DN and an empty password is an unauthenticated bind (RFC 4513 §5.1.2): refuse it.
  if (password === '') throw _configError(`the bind password from ${source} is empty`);
  return password;
}

function _configError(message: string, cause?: unknown): DirectoryError {
  return new DirectoryError({
    code: DIRECTORY_ERROR_CODES.CONFIGURATION,
    hresult: DIRECTORY_HRESULTS.BAD_CONFIGURATION,
    message,
    cause,
  });
}
