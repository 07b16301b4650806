import { isAbsolute, resolve } from 'node:path';
import type { RegistryKey } from '@certexit/core';
import { CertexitError, HRESULT_BAD_CONFIGURATION } from '@certexit/core';
import {
  SAMPLE_CONFIG_CERT_ENROLL_DIRECTORY,
  SAMPLE_CONFIG_CRL_COPY_DIRECTORY,
  SAMPLE_CONFIG_PUBLISH_CERT_FLAGS,
  SAMPLE_PROGID,
} from './sample-constants';

/** The sample's settings, from its key (`HKLM\<ModuleRegistryLocation>`). */
export interface SampleSettings {
  /** `PublishCertFlags`; 0 when absent (the sample's default). */
  readonly publishCertFlags: number;
  /** Where `<RequestID>.cer` goes, absolute; `undefined` when neither the key nor the host names a folder. */
  readonly certEnrollDirectory: string | undefined;
  /** Where the CRL loop copies CRLs, absolute; `undefined`: read and log only. */
  readonly crlCopyDirectory: string | undefined;
}

/**
 * exit.cpp `Initialize`, the registry part: opens the module's key and reads `PublishCertFlags` (0 if that fails),
 * plus certexit's two folder values.
 * @throws {CertexitError} `HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION)` naming a value of the wrong type or a
 *   relative folder (the sample would have failed its `RegQueryValueEx` type check the same way).
 */
export function readSampleSettings(key: RegistryKey, hostCertEnroll: string | undefined): SampleSettings {
  const flags = key.getValue(SAMPLE_CONFIG_PUBLISH_CERT_FLAGS);
  if (flags !== undefined && typeof flags !== 'number')
    throw _bad(key, SAMPLE_CONFIG_PUBLISH_CERT_FLAGS, 'must be a REG_DWORD');
  return {
    publishCertFlags: (flags ?? 0) >>> 0,
    certEnrollDirectory: _folder(key, SAMPLE_CONFIG_CERT_ENROLL_DIRECTORY) ?? hostCertEnroll,
    crlCopyDirectory: _folder(key, SAMPLE_CONFIG_CRL_COPY_DIRECTORY),
  };
}

function _folder(key: RegistryKey, name: string): string | undefined {
  const value = key.getValue(name);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw _bad(key, name, 'must be a REG_SZ folder');
  if (!isAbsolute(value) || value.includes('\0'))
    throw _bad(key, name, `${JSON.stringify(value)} is not an absolute folder path`);
  return resolve(value);
}

function _bad(key: RegistryKey, name: string, why: string): CertexitError {
  return new CertexitError({
    hresult: HRESULT_BAD_CONFIGURATION,
    source: SAMPLE_PROGID,
    isRetryable: false,
    message: `${key.path}\\${name} ${why}`,
  });
}
