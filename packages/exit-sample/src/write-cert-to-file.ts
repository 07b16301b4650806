import { constants } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CertexitError,
  E_ACCESSDENIED,
  HRESULT_DISK_FULL,
  HRESULT_FILE_EXISTS,
  HRESULT_PATH_NOT_FOUND,
  STG_E_WRITEFAULT,
} from '@certexit/core';
import { SAMPLE_PROGID } from './sample-constants';

/** What {@link writeCertToFile} did. */
export type WriteCertOutcome =
  | { readonly status: 'written'; readonly path: string; readonly bytes: number }
  /** The file holds exactly this certificate already: an earlier attempt of the same notification wrote it. */
  | { readonly status: 'already-written'; readonly path: string; readonly bytes: number };

/**
 * exit.cpp `_WriteCertToFile`: writes the DER certificate to `<directory>/<RequestID>.cer`, creating the file
 * (`CREATE_NEW`, here `O_CREAT|O_EXCL`, mode 0600) so that an existing file is never overwritten, and checking that
 * every byte was written (`STG_E_WRITEFAULT` otherwise, the partial file removed).
 *
 * One addition to the sample: a file that already holds exactly these bytes counts as written, because the host may
 * deliver a notification again after a crash in the middle of this call.
 * @throws {CertexitError} `HRESULT_FROM_WIN32(ERROR_FILE_EXISTS)` (permanent) for another file in the way,
 *   `HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)` (permanent) for a missing folder, `E_ACCESSDENIED` (permanent),
 *   `HRESULT_FROM_WIN32(ERROR_DISK_FULL)` or `STG_E_WRITEFAULT` (transient).
 */
export async function writeCertToFile(
  directory: string,
  requestId: number,
  der: Uint8Array,
): Promise<WriteCertOutcome> {
  // RequestID is an integer from the CA's database: the name cannot leave the folder.
  const path = join(directory, `${Math.trunc(requestId)}.cer`);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await _holds(path, der))) return { status: 'already-written', path, bytes: der.length };
    throw _error(code, path, cause);
  }
  try {
    const { bytesWritten } = await handle.write(der, 0, der.length, 0);
    if (bytesWritten !== der.length) {
      throw new CertexitError({
        hresult: STG_E_WRITEFAULT,
        source: SAMPLE_PROGID,
        isRetryable: true,
        message: `wrote ${bytesWritten} of ${der.length} bytes to ${path}`,
      });
    }
    await handle.sync();
  } catch (cause) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw CertexitError.isInstance(cause) ? cause : _error((cause as NodeJS.ErrnoException).code, path, cause);
  }
  await handle.close();
  return { status: 'written', path, bytes: der.length };
}

function _error(code: string | undefined, path: string, cause: unknown): CertexitError {
  const why = cause instanceof Error ? cause.message : String(cause);
  const [hresult, isRetryable, message] = ((): [number, boolean, string] => {
    switch (code) {
      case 'EEXIST':
      case 'ELOOP':
        return [HRESULT_FILE_EXISTS, false, `${path} exists already and is never overwritten`];
      case 'ENOENT':
      case 'ENOTDIR':
        return [
          HRESULT_PATH_NOT_FOUND,
          false,
          `the folder of ${path} does not exist (create it, or set CertEnrollDirectory)`,
        ];
      case 'EACCES':
      case 'EPERM':
      case 'EROFS':
        return [E_ACCESSDENIED, false, `cannot create ${path}: ${why}`];
      case 'ENOSPC':
        return [HRESULT_DISK_FULL, true, `cannot write ${path}: the disk is full`];
      default:
        return [STG_E_WRITEFAULT, true, `cannot write ${path}: ${why}`];
    }
  })();
  return new CertexitError({ hresult, source: SAMPLE_PROGID, isRetryable, message, cause });
}

async function _holds(path: string, der: Uint8Array): Promise<boolean> {
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (!(await handle.stat()).isFile()) return false;
      return Buffer.from(der).equals(await handle.readFile());
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
