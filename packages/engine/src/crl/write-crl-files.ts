import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { caFileMode } from '../ca/restrict-ca-folder';

/**
 * Writes a CRL to each file: first to a temporary file beside it, then renamed into place, so a reader (a web
 * server serving CertEnroll) never sees half a CRL. A failure at one location does not stop the others.
 * @returns the files written and the failures, each with its reason
 */
export function writeCrlFiles(
  der: Uint8Array,
  files: readonly string[],
  /** The CA folder: files inside it are the CA's alone (0600); elsewhere (a web server's folder) the default mode. */
  caRoot?: string,
): { written: string[]; failures: Array<{ file: string; error: string }> } {
  const written: string[] = [];
  const failures: Array<{ file: string; error: string }> = [];
  for (const file of files) {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      const mode = caRoot === undefined ? undefined : caFileMode(caRoot, file);
      writeFileSync(temporary, der, mode === undefined ? {} : { mode });
      renameSync(temporary, file);
      written.push(file);
    } catch (error) {
      rmSync(temporary, { force: true });
      failures.push({ file, error: (error as Error).message });
    }
  }
  return { written, failures };
}
