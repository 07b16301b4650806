import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExitModuleServices, ICertServerExit, Logger } from '@certexit/core';
import {
  CA_DISP_VALID,
  CertexitError,
  HRESULT_FILE_NOT_FOUND,
  HRESULT_PATH_NOT_FOUND,
  PROPTYPE_BINARY,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  readEventId,
  readOptional,
  runOnce,
  sameHResult,
} from '@certexit/core';
import type { SampleSettings } from './read-sample-settings';
import { SAMPLE_PROGID } from './sample-constants';

/** One CRL the loop read: CA certificate index N, and the sizes of its base and delta CRLs. */
export interface SampleCrl {
  readonly index: number;
  readonly baseBytes: number;
  /** `undefined` when delta CRLs are disabled. */
  readonly deltaBytes: number | undefined;
  /** Where they were copied, with `CrlCopyDirectory`. */
  readonly copiedTo?: readonly string[];
}

/**
 * exit.cpp `_NotifyCRLIssued`: sets the callback to the event's context, then for each CA certificate
 * `i = 0 .. CertCount-1` skips `i` unless `CRLState.i` is `CA_DISP_VALID` (its key still publishes CRLs), reads
 * `RawCRL.i`, then `RawDeltaCRL.i`, accepting `HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)` for the delta only when
 * `fDeltaCRLsDisabled` is set. The sample stops there ("publish" is a stub); with `CrlCopyDirectory` this port
 * copies each CRL to `<SanitizedCAName><CRLSuffix>.crl` (and `...+.crl` for the delta), the CertEnroll names.
 *
 * Unlike the sample, `CertCount` is read here rather than kept from `Initialize`: a renewal then needs no restart.
 */
export async function notifyCrlIssued(
  services: ExitModuleServices,
  context: number,
  settings: SampleSettings,
  logger: Logger,
): Promise<readonly SampleCrl[]> {
  const server = services.createServerExit();
  await server.SetContext(context);
  const long = (name: string) => readOptional(() => server.GetCertificateProperty(name, PROPTYPE_LONG));

  const certCount = (await long('CertCount')) ?? 0;
  const deltaDisabled = (await long('fDeltaCRLsDisabled')) === 1;
  const read: Array<{ index: number; base: Uint8Array; delta: Uint8Array | undefined }> = [];
  for (let i = 0; i < certCount; i++) {
    if ((await long(`CRLState.${i}`)) !== CA_DISP_VALID) continue;
    const base = await server.GetCertificateProperty(`RawCRL.${i}`, PROPTYPE_BINARY);
    let delta: Uint8Array | undefined;
    try {
      delta = await server.GetCertificateProperty(`RawDeltaCRL.${i}`, PROPTYPE_BINARY);
    } catch (error) {
      if (!(deltaDisabled && sameHResult(CertexitError.hresultOf(error), HRESULT_FILE_NOT_FOUND))) throw error;
    }
    read.push({ index: i, base, delta });
  }

  const out: SampleCrl[] = [];
  const directory = settings.crlCopyDirectory;
  for (const crl of read) {
    const entry = { index: crl.index, baseBytes: crl.base.length, deltaBytes: crl.delta?.length };
    if (directory === undefined) {
      logger.info(entry, 'CRL read (publishing is a stub in the sample; set CrlCopyDirectory to copy it)');
      out.push(entry);
      continue;
    }
    const copiedTo = await _copy(server, services, directory, crl);
    logger.info({ ...entry, copiedTo }, 'CRL copied');
    out.push({ ...entry, copiedTo });
  }
  return out;
}

/**
 * Writes the CRLs of one index under the CertEnroll names, each replacing the last one atomically (a temporary file
 * renamed over it), so a reader never sees half a CRL; once per notification and index.
 */
async function _copy(
  server: ICertServerExit,
  services: ExitModuleServices,
  directory: string,
  crl: { index: number; base: Uint8Array; delta: Uint8Array | undefined },
): Promise<string[]> {
  const name = await server.GetCertificateProperty('SanitizedCAName', PROPTYPE_STRING);
  const suffix =
    (await readOptional(() => server.GetCertificateProperty(`CRLSuffix.${crl.index}`, PROPTYPE_STRING))) ?? '';
  const files: Array<[string, Uint8Array]> = [[join(directory, `${_fileName(name)}${suffix}.crl`), crl.base]];
  if (crl.delta) files.push([join(directory, `${_fileName(name)}${suffix}+.crl`), crl.delta]);
  const copy = async () => {
    for (const [path, der] of files) await _replace(path, der);
    return files.map(([path]) => path);
  };
  const eventId = await readEventId(server);
  if (eventId === undefined) return copy();
  const once = await runOnce(services.idempotency, { eventId, action: `crl-copy:${crl.index}` }, copy);
  return once.status === 'ran' ? once.value : files.map(([path]) => path);
}

async function _replace(path: string, der: Uint8Array): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, der, { mode: 0o600, flag: 'wx', flush: true });
    await rename(temporary, path);
  } catch (cause) {
    await unlink(temporary).catch(() => undefined);
    const code = (cause as NodeJS.ErrnoException).code;
    throw new CertexitError({
      hresult: code === 'ENOENT' ? HRESULT_PATH_NOT_FOUND : CertexitError.hresultOf(cause),
      source: SAMPLE_PROGID,
      isRetryable: !(code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS'),
      message: `cannot copy the CRL to ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
  }
}

/** The sanitized CA name as a file name: it has no `\` or `/` by construction, but a path must not come from data. */
function _fileName(name: string): string {
  return name.replace(/[\\/\0]/g, '_');
}
