import { dirname } from 'node:path';
import { CertexitError, E_ACCESSDENIED, E_FAIL, HRESULT_PATH_NOT_FOUND } from '@certexit/core';
import { INVENTORY_PROGID } from './inventory-constants';
import type { AppendFileFunction } from './inventory-exit-module-options';
import type { InventoryRecord } from './inventory-record';

/**
 * Appends `record` as one JSON line with a single `appendFile` call (`flag: 'a'`, O_APPEND): every line is one
 * write at the end of the file, so lines from concurrent `Notify` calls (and other processes) never interleave.
 * The file is created when missing; its directory is not, so that a typo in `OutputFile` fails loudly instead of
 * growing a tree somewhere unexpected.
 * @throws {CertexitError} `HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)` naming the directory when it does not exist,
 *   `E_ACCESSDENIED` when it cannot be written, `E_FAIL` otherwise; the original error is the `cause`.
 */
export async function appendRecordLine(
  file: string,
  record: InventoryRecord,
  appendFile: AppendFileFunction,
): Promise<void> {
  const line = `${JSON.stringify(record)}\n`;
  try {
    await appendFile(file, line, { flag: 'a', encoding: 'utf8' });
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') {
      throw new CertexitError({
        hresult: HRESULT_PATH_NOT_FOUND,
        source: INVENTORY_PROGID,
        message: `cannot append to ${JSON.stringify(file)}: the directory ${JSON.stringify(dirname(file))} does not exist (create it; the module never creates directories)`,
        cause,
      });
    }
    const denied = code === 'EACCES' || code === 'EPERM';
    throw new CertexitError({
      hresult: denied ? E_ACCESSDENIED : E_FAIL,
      source: INVENTORY_PROGID,
      message: `cannot append to ${JSON.stringify(file)}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
  }
}
