import { CertexitError, HRESULT_FROM_WIN32 } from '@certexit/core';

const _name = 'CertexitDatabaseWentBackError';
const _symbol = Symbol.for(`certexit.error.${_name}`);

/**
 * The CA database knows less than the CA handed out: its write-ahead log was lost or deleted, or an older copy was
 * put back. Opening it would reuse RequestIDs and CRL numbers and silently forget acknowledged requests, so the CA
 * refuses to start; the message says what is missing and how to recover.
 */
export class DatabaseWentBackError extends CertexitError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker isInstance reads through the symbol
  private readonly [_symbol] = true;

  constructor(options: {
    database: string;
    markFile: string;
    behind: readonly string[];
    writtenAt?: Date;
    dir: string;
    /** What went wrong and what to restore, for the store at hand. @default SQLite's (a lost -wal, an old copy) */
    explanation?: string;
  }) {
    super({
      // HRESULT_FROM_WIN32(ERROR_DATABASE_FAILURE)
      hresult: HRESULT_FROM_WIN32(4313),
      source: 'store',
      isRetryable: false,
      message:
        `the CA database ${options.database} has gone back in time: this CA had already recorded ${options.behind.join(', ')} ` +
        `(${options.markFile}${options.writtenAt ? `, written ${options.writtenAt.toISOString()}` : ''}). ${
          options.explanation ??
          'Its write-ahead log (certexit.db-wal) was lost or deleted, or an older copy of the database was put back, and what was recorded since is missing from it. Restore the newest copy of certexit.db together with its certexit.db-wal file'
        }; or, to go on with what ` +
        `the database holds, run "certexit --dir ${options.dir} database accept-rollback": RequestIDs, EventIDs and CRL numbers ` +
        'then continue after the high-water mark, so none is ever used twice.',
    });
    this.name = _name;
  }

  static override isInstance(error: unknown): error is DatabaseWentBackError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[_symbol] === true;
  }
}
