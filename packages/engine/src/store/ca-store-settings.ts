/**
 * Where a CA keeps its database, as the CA folder's registry names it (`Configuration\<CA>\DB*` values). The
 * embedded SQLite store needs none of it; another store names its package and its connection. A password is never
 * among them: it comes from a file or an environment variable the settings name.
 */
export interface CaStoreSettings {
  /** `sqlite` (the default, `certexit.db` in the CA folder), `postgres`, or a store package's name. */
  readonly kind: string;
  /** A connection URL without a password (`postgres://certexit@db.example:5432/pki`). */
  readonly connection?: string;
  /** The schema the CA's tables live in (several CAs can share a database). @default 'certexit' */
  readonly schema?: string;
  /** A file holding the password (its first line), readable by the service only. */
  readonly passwordFile?: string;
  /** An environment variable holding the password. @default PGPASSWORD (the client's own default) */
  readonly passwordEnv?: string;
  /** The CA certificate(s), PEM, the database server's certificate must chain to: TLS, verified, with this set. */
  readonly tlsCaFile?: string;
  /** Connections per process (each engine process and its exit-module thread has its own pool). @default 10 */
  readonly poolSize?: number;
  /** Any statement running longer is cancelled, failing its operation. @default 30000 */
  readonly statementTimeoutMs?: number;
  /** How long a node's claim on an outbox row lasts without being renewed. @default 30000 */
  readonly leaseMs?: number;
  /**
   * PostgreSQL's `synchronous_commit` for the CA's sessions. `off` (the default) gives the embedded store's
   * guarantee: a commit survives a crash of certexit or of the database server; an operating-system crash or power
   * loss may lose the last fraction of a second of commits (never corrupting anything, and the CA's high-water mark
   * then refuses to start until an operator accepts it). `on` waits for the WAL flush of each commit; with a
   * synchronous standby, `on` or `remote_apply` keeps a failover from losing any acknowledged request.
   */
  readonly synchronousCommit?: 'off' | 'local' | 'on' | 'remote_write' | 'remote_apply';
}

/** The registry values of {@link CaStoreSettings}, under `Configuration\<CA>`. */
export const CA_STORE_REGISTRY_VALUES = {
  kind: 'DBStore',
  connection: 'DBConnection',
  schema: 'DBSchema',
  passwordFile: 'DBPasswordFile',
  passwordEnv: 'DBPasswordEnv',
  tlsCaFile: 'DBTlsCaFile',
  poolSize: 'DBPoolSize',
  statementTimeoutMs: 'DBStatementTimeoutMs',
  leaseMs: 'DBLeaseMs',
  synchronousCommit: 'DBSynchronousCommit',
} as const satisfies Record<keyof CaStoreSettings, string>;

/** The packages of the stores the engine knows by a short name. */
export const CA_STORE_PACKAGES: Readonly<Record<string, string>> = { postgres: '@certexit/store-postgres' };

/** The package a store kind is opened from: the known short names, or a package name as given. */
export function caStorePackage(kind: string): string | undefined {
  const known = CA_STORE_PACKAGES[kind.toLowerCase()];
  if (known) return known;
  return /^(@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/.test(kind) ? kind : undefined;
}

/**
 * Refuses a connection URL that holds a password (it would sit in the registry and in every `getreg`): the error
 * says where the password goes instead. Answers the URL without anything secret.
 */
export function assertNoPasswordInConnection(connection: string, where: string): void {
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new Error(`${where} is not a connection URL (postgres://user@host:port/database): ${_redact(connection)}`);
  }
  if (url.password !== '' || /[?&]password=/i.test(url.search)) {
    throw new Error(
      `${where} holds a password: remove it, and name a file with DBPasswordFile (or --password-file) or an environment variable with DBPasswordEnv instead; the registry never keeps a password`,
    );
  }
}

/** A connection URL fit for a message: a password, if one slipped in, replaced by `***`. */
export function redactConnection(connection: string): string {
  return _redact(connection);
}

function _redact(text: string): string {
  return text.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/([?&]password=)[^&]*/gi, '$1***');
}
