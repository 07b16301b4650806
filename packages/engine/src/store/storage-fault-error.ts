import { statfsSync } from 'node:fs';
import { CertexitError, HRESULT_DISK_FULL, HRESULT_FROM_WIN32 } from '@certexit/core';

const _name = 'CertexitStorageFaultError';
const _symbol = Symbol.for(`certexit.error.${_name}`);

/** What kind of fault the CA's storage had. */
export type StorageFault = 'disk-full' | 'io-error' | 'read-only' | 'cannot-open';

/** `HRESULT_FROM_WIN32(ERROR_IO_DEVICE)`: "The request could not be performed because of an I/O device error." */
export const HRESULT_IO_DEVICE = HRESULT_FROM_WIN32(1117);
/** `HRESULT_FROM_WIN32(ERROR_WRITE_PROTECT)`: "The media is write protected." */
export const HRESULT_WRITE_PROTECT = HRESULT_FROM_WIN32(19);

/**
 * The CA's storage failed under the operation in hand: the disk is full (`SQLITE_FULL`), an I/O error
 * (`SQLITE_IOERR`), or the database cannot be written or opened. The operation was not recorded (nothing half-done
 * is kept: the transaction rolled back) and may be tried again once the cause is fixed; the server keeps running.
 * The message names the folder and the cause. Over HTTP it is a 503.
 */
export class StorageFaultError extends CertexitError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker isInstance reads through the symbol
  private readonly [_symbol] = true;
  readonly fault: StorageFault;
  /** The CA folder (or file) concerned. */
  readonly path: string;

  constructor(options: { fault: StorageFault; path: string; detail: string; cause?: unknown }) {
    super({
      hresult: _HRESULTS[options.fault],
      source: 'store',
      message: `${_WHAT[options.fault]} ${options.path}: ${options.detail}`,
      cause: options.cause,
      isRetryable: true,
    });
    this.name = _name;
    this.fault = options.fault;
    this.path = options.path;
  }

  static override isInstance(error: unknown): error is StorageFaultError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[_symbol] === true;
  }
}

const _HRESULTS: Record<StorageFault, number> = {
  'disk-full': HRESULT_DISK_FULL,
  'io-error': HRESULT_IO_DEVICE,
  'read-only': HRESULT_WRITE_PROTECT,
  'cannot-open': HRESULT_IO_DEVICE,
};

const _WHAT: Record<StorageFault, string> = {
  'disk-full': 'the disk is full under the CA database in',
  'io-error': 'an I/O error hit the CA database in',
  'read-only': 'the CA database cannot be written in',
  'cannot-open': 'the CA database cannot be opened in',
};

/** SQLite's primary result codes for storage faults (node:sqlite errors carry them as `errcode`). */
const _SQLITE_FAULTS: Record<number, StorageFault> = {
  13: 'disk-full', // SQLITE_FULL
  10: 'io-error', // SQLITE_IOERR (and its extended codes)
  8: 'read-only', // SQLITE_READONLY
  14: 'cannot-open', // SQLITE_CANTOPEN
};

/**
 * A node:sqlite error that is a storage fault, as a {@link StorageFaultError} naming `folder`; anything else
 * unchanged.
 */
export function storageFaultOf(error: unknown, folder: string): unknown {
  if (StorageFaultError.isInstance(error)) return error;
  const code = (error as { errcode?: unknown })?.errcode;
  if (typeof code !== 'number') return error;
  let fault = _SQLITE_FAULTS[code % 256];
  if (!fault) return error;
  // SQLite reports some writes that found no space as I/O errors (growing the -shm file): say what it is.
  if (fault === 'io-error' && _noSpaceLeft(folder)) fault = 'disk-full';
  const what = (error as { errstr?: string }).errstr ?? (error as Error).message;
  const advice =
    fault === 'disk-full'
      ? 'free space there; the request in hand was not recorded, try it again then'
      : fault === 'read-only'
        ? 'the database file or its folder is not writable by this process (check the owner, the mode and a read-only mount)'
        : 'check the disk and the system log; the request in hand was not recorded';
  return new StorageFaultError({
    fault,
    path: folder,
    detail: `${what} (SQLite ${code}); ${advice}`,
    cause: error,
  });
}

/** True when the file system of `path` has (almost) no space left for this process. */
function _noSpaceLeft(path: string): boolean {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize < 64 * 1024;
  } catch {
    return false;
  }
}
