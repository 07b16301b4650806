import {
  E_ACCESSDENIED,
  HRESULT_BAD_CONFIGURATION,
  HRESULT_FILE_EXISTS,
  HRESULT_INVALID_NAME,
  HRESULT_PATH_NOT_FOUND,
  STG_E_WRITEFAULT,
} from '@certexit/core';
import type { DefaultExitErrorOptions } from './default-exit-error';
import { DefaultExitError, hasErrorMarker } from './default-exit-error';

const _name = 'CertexitFilePublishError';
const _symbol = Symbol.for(`certexit.error.${_name}`);

/** Why `EXITPUB_FILE` did not write the certificate. */
export const FILE_PUBLISH_ERROR_CODES = {
  /** The `CertFile` value is not a path the module accepts (relative, NUL or control characters, a drive letter). */
  INVALID_PATH: 'INVALID_PATH',
  /** The `CertFile` value is a UNC path (`\\host\share\...`); this host writes local directories only. */
  UNC_PATH: 'UNC_PATH',
  /** The path (after resolving `..` and symbolic links) is outside every `CertFileDirectories` entry. */
  OUTSIDE_ALLOWED_DIRECTORIES: 'OUTSIDE_ALLOWED_DIRECTORIES',
  /** No directory is allowed (no `CertFileDirectories`, no CertEnroll folder). */
  NO_DIRECTORY: 'NO_DIRECTORY',
  /** The file exists already; it is never overwritten. */
  FILE_EXISTS: 'FILE_EXISTS',
  /** The directory does not exist. */
  DIRECTORY_NOT_FOUND: 'DIRECTORY_NOT_FOUND',
  /** Creating or writing the file failed (permissions, disk full, short write). */
  WRITE_FAILED: 'WRITE_FAILED',
} as const;
export type FilePublishErrorCode = (typeof FILE_PUBLISH_ERROR_CODES)[keyof typeof FILE_PUBLISH_ERROR_CODES];

/**
 * Whether retrying can help, by code, when the thrower does not say: a path the requester or the policy got wrong,
 * or a file that exists, stays that way (dead-lettered at once); `WRITE_FAILED` depends on the cause (a full disk
 * or an I/O error may pass, a permission does not) and is said explicitly.
 */
export const FILE_PUBLISH_RETRYABLE: Readonly<Record<FilePublishErrorCode, boolean>> = {
  INVALID_PATH: false,
  UNC_PATH: false,
  OUTSIDE_ALLOWED_DIRECTORIES: false,
  NO_DIRECTORY: false,
  FILE_EXISTS: false,
  DIRECTORY_NOT_FOUND: false,
  WRITE_FAILED: true,
};

/** HRESULTs of {@link FilePublishError}, as Windows reports the same failures. */
export const FILE_PUBLISH_HRESULTS = {
  /** `HRESULT_FROM_WIN32(ERROR_INVALID_NAME)`. */
  INVALID_NAME: HRESULT_INVALID_NAME,
  /** `E_ACCESSDENIED`. */
  ACCESS_DENIED: E_ACCESSDENIED,
  /** `HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION)`. */
  BAD_CONFIGURATION: HRESULT_BAD_CONFIGURATION,
  /** `HRESULT_FROM_WIN32(ERROR_FILE_EXISTS)`: what `CREATE_NEW` fails with in the SDK sample. */
  FILE_EXISTS: HRESULT_FILE_EXISTS,
  /** `HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)`. */
  PATH_NOT_FOUND: HRESULT_PATH_NOT_FOUND,
  /** `STG_E_WRITEFAULT`: the SDK sample's answer to a short write. */
  WRITE_FAULT: STG_E_WRITEFAULT,
} as const;

/**
 * `EXITPUB_FILE` could not write the issued certificate. The message names the request, the `CertFile` value (as
 * the requester sent it, JSON-quoted so control characters show) and the allowed directories.
 */
export class FilePublishError extends DefaultExitError<FilePublishErrorCode> {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker isInstance reads through the symbol
  private readonly [_symbol] = true;
  /** The path the module resolved, when it got that far. */
  readonly path: string | undefined;

  constructor(options: DefaultExitErrorOptions<FilePublishErrorCode> & { path?: string }) {
    super(_name, options, FILE_PUBLISH_RETRYABLE[options.code]);
    this.path = options.path;
  }

  static override isInstance(error: unknown): error is FilePublishError {
    return hasErrorMarker(error, _symbol);
  }
}
