import { constants } from 'node:fs';
import { open, realpath, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { ICertServerExit, Logger } from '@certexit/core';
import { PROPTYPE_BINARY, PROPTYPE_LONG, readOptional } from '@certexit/core';
import type { FileSettings } from './default-exit-settings';
import type { FilePublishErrorCode } from './file-publish-error';
import { FILE_PUBLISH_ERROR_CODES, FILE_PUBLISH_HRESULTS, FilePublishError } from './file-publish-error';

/** The request attribute that asks for file publication (`wszPROPEXITCERTFILE`). */
export const CERT_FILE_ATTRIBUTE = 'CertFile';

/** What {@link publishToFile} needs. */
export interface PublishToFileOptions {
  /** A callback object already set to the request's context. */
  server: ICertServerExit;
  files: FileSettings;
  logger: Logger;
}

/** What {@link publishToFile} did. */
export type FilePublishOutcome =
  | { readonly status: 'skipped'; readonly reason: 'no-cert-file-attribute' | 'no-certificate' }
  | { readonly status: 'written'; readonly path: string; readonly bytes: number }
  /** The file holds exactly this certificate already (an earlier attempt wrote it and was cut short). */
  | { readonly status: 'already-written'; readonly path: string; readonly bytes: number };

/**
 * Writes the issued certificate (DER) to a file when the request carries a `CertFile` attribute (the caller checks
 * `EXITPUB_FILE`). The attribute comes from the requester, so:
 *
 * - an absolute path is used only when, after resolving `.`/`..` and the symbolic links of its directory, it lies
 *   inside one of the allowed directories (`CertFileDirectories`, by default the CertEnroll folder);
 * - a value without any path separator (`1`, `yes`: "publish me", as the SDK sample reads it) writes
 *   `<CertEnroll>/<RequestID>.cer`;
 * - relative paths with separators, UNC paths (`\\host\share`), drive letters, NUL and control characters fail;
 * - the file is created with `wx` (`O_CREAT|O_EXCL`): an existing file, or a symbolic link in its place, is never
 *   written through, and a short write removes the partial file; an existing regular file that holds exactly this
 *   certificate is what an earlier attempt of the same notification wrote, and counts as written.
 *
 * @throws a {@link FilePublishError} with a clear message; the certificate stays issued (event 46).
 */
export async function publishToFile(options: PublishToFileOptions): Promise<FilePublishOutcome> {
  const { server, files, logger } = options;
  const value = await readOptional(() => server.GetRequestAttribute(CERT_FILE_ATTRIBUTE));
  if (value === undefined) return { status: 'skipped', reason: 'no-cert-file-attribute' };
  const requestId = await readOptional(() => server.GetRequestProperty('RequestID', PROPTYPE_LONG));
  const der = await readOptional(() => server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY));
  if (der === undefined || der.length === 0) {
    logger.warn({ requestId }, 'the request has a CertFile attribute but no RawCertificate; nothing to write');
    return { status: 'skipped', reason: 'no-certificate' };
  }
  const shown = JSON.stringify(value);
  const fail = (
    code: FilePublishErrorCode,
    hresult: number,
    why: string,
    path?: string,
    cause?: unknown,
    isRetryable?: boolean,
  ) =>
    new FilePublishError({
      code,
      hresult,
      path,
      cause,
      ...(isRetryable !== undefined && { isRetryable }),
      message: `cannot write the certificate of request ${requestId ?? '?'} to the file named by CertFile ${shown}: ${why}`,
    });

  const allowed = await _allowedDirectories(files.directories);
  if (allowed.length === 0) {
    throw fail(
      FILE_PUBLISH_ERROR_CODES.NO_DIRECTORY,
      FILE_PUBLISH_HRESULTS.BAD_CONFIGURATION,
      'no directory allows file publication (configure CertFileDirectories or the CertEnroll folder)',
    );
  }
  const text = value.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw fail(
      FILE_PUBLISH_ERROR_CODES.INVALID_PATH,
      FILE_PUBLISH_HRESULTS.INVALID_NAME,
      'it contains NUL or control characters',
    );
  }
  if (/^[\\/]{2}/.test(text)) {
    throw fail(
      FILE_PUBLISH_ERROR_CODES.UNC_PATH,
      FILE_PUBLISH_HRESULTS.INVALID_NAME,
      'UNC paths (\\\\host\\share) are not written by this host; name a file inside an allowed directory',
    );
  }
  if (/^[A-Za-z]:/.test(text)) {
    throw fail(
      FILE_PUBLISH_ERROR_CODES.INVALID_PATH,
      FILE_PUBLISH_HRESULTS.INVALID_NAME,
      'drive-letter paths are not paths on this host',
    );
  }

  let target: string;
  if (!/[\\/]/.test(text)) {
    if (files.certEnroll === undefined) {
      throw fail(
        FILE_PUBLISH_ERROR_CODES.NO_DIRECTORY,
        FILE_PUBLISH_HRESULTS.BAD_CONFIGURATION,
        'it names no path and the CertEnroll folder (for <RequestID>.cer) is not configured',
      );
    }
    if (requestId === undefined) {
      throw fail(
        FILE_PUBLISH_ERROR_CODES.INVALID_PATH,
        FILE_PUBLISH_HRESULTS.INVALID_NAME,
        'the request has no RequestID for <RequestID>.cer',
      );
    }
    target = join(files.certEnroll, `${requestId}.cer`);
  } else if (isAbsolute(text) && !text.includes('\\')) {
    target = resolve(text);
  } else {
    throw fail(
      FILE_PUBLISH_ERROR_CODES.INVALID_PATH,
      FILE_PUBLISH_HRESULTS.INVALID_NAME,
      'only absolute paths inside the allowed directories are accepted',
    );
  }

  const name = basename(target);
  if (name === '' || name === '.' || name === '..') {
    throw fail(FILE_PUBLISH_ERROR_CODES.INVALID_PATH, FILE_PUBLISH_HRESULTS.INVALID_NAME, 'it names no file', target);
  }
  let directory: string;
  try {
    directory = await realpath(dirname(target));
  } catch (error) {
    throw fail(
      FILE_PUBLISH_ERROR_CODES.DIRECTORY_NOT_FOUND,
      FILE_PUBLISH_HRESULTS.PATH_NOT_FOUND,
      `its directory ${dirname(target)} does not exist`,
      target,
      error,
    );
  }
  if (!allowed.some((root) => directory === root || directory.startsWith(root.endsWith(sep) ? root : root + sep))) {
    throw fail(
      FILE_PUBLISH_ERROR_CODES.OUTSIDE_ALLOWED_DIRECTORIES,
      FILE_PUBLISH_HRESULTS.ACCESS_DENIED,
      `${directory} (after resolving links) is outside the allowed directories ${allowed.join(', ')}`,
      target,
    );
  }

  const path = join(directory, name);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx', 0o644);
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    if (exists && (await _holds(path, der))) {
      logger.info({ requestId, path }, 'the file holds this certificate already (an earlier attempt wrote it)');
      return { status: 'already-written', path, bytes: der.length };
    }
    throw fail(
      exists ? FILE_PUBLISH_ERROR_CODES.FILE_EXISTS : FILE_PUBLISH_ERROR_CODES.WRITE_FAILED,
      exists ? FILE_PUBLISH_HRESULTS.FILE_EXISTS : FILE_PUBLISH_HRESULTS.ACCESS_DENIED,
      exists ? `${path} exists already and is never overwritten` : `cannot create ${path}: ${(error as Error).message}`,
      path,
      error,
      exists ? false : _transientErrno(error),
    );
  }
  try {
    const { bytesWritten } = await handle.write(der, 0, der.length, 0);
    if (bytesWritten !== der.length) throw new Error(`wrote ${bytesWritten} of ${der.length} bytes`);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw fail(
      FILE_PUBLISH_ERROR_CODES.WRITE_FAILED,
      FILE_PUBLISH_HRESULTS.WRITE_FAULT,
      `writing ${path} failed: ${(error as Error).message}`,
      path,
      error,
      _transientErrno(error),
    );
  }
  await handle.close();
  logger.info({ requestId, path, bytes: der.length }, 'wrote the certificate to a file (EXITPUB_FILE)');
  return { status: 'written', path, bytes: der.length };
}

/** True when `path` is a regular file (never followed through a link) holding exactly `der`. */
async function _holds(path: string, der: Uint8Array): Promise<boolean> {
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (!(await handle.stat()).isFile()) return false;
      const existing = await handle.readFile();
      return Buffer.compare(existing, Buffer.from(der.buffer, der.byteOffset, der.byteLength)) === 0;
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/**
 * Whether a failed create or write may pass later: a full disk, an I/O error or too many open files may; a
 * permission, a read-only file system or a name that cannot be created does not.
 */
function _transientErrno(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return !(
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code === 'ENAMETOOLONG' ||
    code === 'ENOTDIR' ||
    code === 'EISDIR' ||
    code === 'ELOOP'
  );
}

/** The allowed directories with their links resolved; a missing one allows nothing. */
async function _allowedDirectories(directories: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const directory of directories) {
    try {
      out.push(await realpath(directory));
    } catch {
      // A configured directory that does not exist allows nothing.
    }
  }
  return out;
}
