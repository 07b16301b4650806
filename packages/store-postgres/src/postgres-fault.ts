import type { StorageFault } from '@certexit/engine';
import { StorageFaultError } from '@certexit/engine';

/** SQLSTATE classes and codes that mean the database, not the request, failed. */
const _FAULTS: Array<[RegExp, StorageFault, string]> = [
  [/^53100$/, 'disk-full', 'the database server has no disk space left'],
  [/^53/, 'io-error', 'the database server is out of resources'],
  [/^25006$/, 'read-only', 'the database is read-only (a standby, or default_transaction_read_only)'],
  [/^08/, 'cannot-open', 'the connection to the database failed'],
  [/^57P0[1-3]$/, 'cannot-open', 'the database server is shutting down or restarting'],
  [/^57014$/, 'io-error', 'a statement ran past DBStatementTimeoutMs and was cancelled'],
  [/^58/, 'io-error', 'the database server had a system or I/O error'],
  [/^XX/, 'io-error', 'the database server reported an internal error'],
  [/^28/, 'cannot-open', 'the database refused the login (user or password)'],
  [/^3D000$/, 'cannot-open', 'the database does not exist'],
  [/^42501$/, 'read-only', 'the database user lacks a privilege on the CA schema'],
];

/** TLS errors of the client: the server's certificate did not verify. */
const _TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME_MISMATCH|ERR_SSL/;

/** Socket errors of the client: the server cannot be reached. */
const _NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/**
 * A PostgreSQL error that means the database failed (unreachable, down, full, read-only, a statement timed out)
 * as a {@link StorageFaultError} naming the database (a 503 over HTTP: nothing was recorded, try again); anything
 * else (a constraint the request broke) unchanged.
 */
export function postgresFaultOf(error: unknown, location: string): unknown {
  if (StorageFaultError.isInstance(error)) return error;
  const e = error as { code?: unknown; message?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = e?.message ?? String(error);
  if (
    _NETWORK.has(code) ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)
  ) {
    return new StorageFaultError({
      fault: 'cannot-open',
      path: location,
      detail: `the database server cannot be reached (${code || message}); the request in hand was not recorded, try it again`,
      cause: error,
    });
  }
  if (_TLS.test(code) || /does not support SSL|certificate/i.test(message)) {
    return new StorageFaultError({
      fault: 'cannot-open',
      path: location,
      detail: `TLS to the database failed: ${message}${code ? ` (${code})` : ''}; the server's certificate must chain to DBTlsCaFile and name the host of DBConnection`,
      cause: error,
    });
  }
  for (const [pattern, fault, what] of _FAULTS) {
    if (pattern.test(code)) {
      return new StorageFaultError({
        fault,
        path: location,
        detail: `${what}: ${message} (SQLSTATE ${code}); the request in hand was not recorded`,
        cause: error,
      });
    }
  }
  return error;
}
