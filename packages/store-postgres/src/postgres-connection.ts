import { readFileSync } from 'node:fs';
import type { CaStoreSettings } from '@certexit/engine';
import { assertNoPasswordInConnection } from '@certexit/engine';
import type { ClientConfig } from 'pg';
import pg from 'pg';

/** What the store connects with: the client configuration, and where the data is, for messages. */
export interface PostgresConnection {
  /** For `pg.Pool` and `pg.Client`; carries the password, so it is never logged. */
  readonly config: ClientConfig;
  /** The schema the CA's tables live in (validated: a plain identifier). */
  readonly schema: string;
  /** `postgres://user@host:port/database (schema s, TLS verified)`: no password. */
  readonly location: string;
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
  readonly leaseMs: number;
}

/** PostgreSQL's BIGINT (int8) and NUMERIC come back as text; times and ids here fit a double exactly. */
const _INT8 = 20;

/**
 * The client configuration of a CA's settings: the URL's host, port, user and database (a password in it is
 * refused), the password from `passwordFile` (its first line) or the environment variable `passwordEnv` (else the
 * client's own `PGPASSWORD` and `~/.pgpass`), TLS verified against `tlsCaFile` (or the system's CAs with
 * `sslmode=verify-full`; an unverified TLS mode is refused), the schema on the search path, the statement and
 * idle-transaction timeouts, and `synchronous_commit` (`DBSynchronousCommit`, default `off`: the embedded store's
 * durability; see `CaStoreSettings.synchronousCommit`).
 */
export function postgresConnection(settings: CaStoreSettings): PostgresConnection {
  if (!settings.connection) throw new Error('the PostgreSQL store needs a connection URL (DBConnection)');
  assertNoPasswordInConnection(settings.connection, 'DBConnection');
  const url = new URL(settings.connection);
  if (!/^postgres(ql)?:$/.test(url.protocol))
    throw new Error(`DBConnection must be a postgres:// URL, not ${url.protocol}//…`);
  const schema = settings.schema ?? 'certexit';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error(`DBSchema "${schema}" must be a lowercase identifier (letters, digits, _; at most 63)`);
  const sslmode = url.searchParams.get('sslmode') ?? (settings.tlsCaFile ? 'verify-full' : 'disable');
  for (const name of url.searchParams.keys()) {
    if (!['sslmode', 'application_name', 'connect_timeout'].includes(name))
      throw new Error(`DBConnection option ${name} is not supported (sslmode, application_name, connect_timeout are)`);
  }
  if (!['disable', 'verify-ca', 'verify-full'].includes(sslmode)) {
    throw new Error(
      `DBConnection sslmode=${sslmode} is not supported: use verify-full (TLS, the server certificate verified against DBTlsCaFile or the system's CAs) or disable`,
    );
  }
  const synchronousCommit = settings.synchronousCommit ?? 'off';
  if (!['off', 'local', 'on', 'remote_write', 'remote_apply'].includes(synchronousCommit))
    throw new Error(
      `DBSynchronousCommit ${JSON.stringify(synchronousCommit)} is not off, local, on, remote_write or remote_apply`,
    );
  const host = decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, '$1')) || 'localhost';
  const statementTimeoutMs = settings.statementTimeoutMs ?? 30_000;
  const config: ClientConfig = {
    host,
    port: url.port === '' ? 5432 : Number(url.port),
    user: decodeURIComponent(url.username) || undefined,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    password: _password(settings),
    application_name: url.searchParams.get('application_name') ?? 'certexit',
    connectionTimeoutMillis: Number(url.searchParams.get('connect_timeout') ?? 10) * 1000,
    statement_timeout: statementTimeoutMs,
    // A transaction left open (a process stuck between statements) must not hold rows and locks for ever.
    idle_in_transaction_session_timeout: Math.max(60_000, statementTimeoutMs * 2),
    options: `-c search_path=${schema} -c synchronous_commit=${synchronousCommit}`,
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === _INT8 ? (value: string) => Number(value) : _defaultParser(oid, format)) as never,
    },
  };
  if (sslmode !== 'disable') {
    config.ssl = {
      rejectUnauthorized: true,
      ...(settings.tlsCaFile && { ca: _read(settings.tlsCaFile, 'DBTlsCaFile') }),
      // verify-ca checks the chain only, as libpq does: the name is not compared.
      ...(sslmode === 'verify-ca' && { checkServerIdentity: () => undefined }),
      servername: /^[\d.:]+$/.test(host) ? undefined : host,
    };
  }
  const user = config.user ? `${config.user}@` : '';
  return {
    config,
    schema,
    location: `postgres://${user}${url.host}${url.pathname} (schema ${schema}${sslmode === 'disable' ? '' : `, TLS ${sslmode}`})`,
    poolSize: settings.poolSize ?? 10,
    statementTimeoutMs,
    leaseMs: settings.leaseMs ?? 30_000,
  };
}

function _password(settings: CaStoreSettings): string | undefined {
  if (settings.passwordFile) {
    const line = _read(settings.passwordFile, 'DBPasswordFile').split(/\r?\n/)[0] ?? '';
    if (line === '') throw new Error(`DBPasswordFile ${settings.passwordFile} is empty`);
    return line;
  }
  if (settings.passwordEnv) {
    const value = process.env[settings.passwordEnv];
    if (value === undefined || value === '')
      throw new Error(`DBPasswordEnv names ${settings.passwordEnv}, which is not set in this process's environment`);
    return value;
  }
  // The client's own: PGPASSWORD, then ~/.pgpass.
  return undefined;
}

function _read(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `${what} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** pg's default parsers (pg-types), for every type but int8. */
function _defaultParser(oid: number, format?: string): (value: string) => unknown {
  return pg.types.getTypeParser(oid, format as 'text');
}
