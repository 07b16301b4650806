import type { CaContext } from '../ca/ca-context';
import { issueCrls } from './issue-crls';
import { writeCrlFiles } from './write-crl-files';

/**
 * The first CRLs of a new CA, published at setup so that `CertEnroll` and `RawCRL.0` have them before anything is
 * revoked. No exit module runs during setup, so no `EXITEVENT_CRLISSUED` is recorded; the CRL schedule publishes
 * the next ones with the event.
 * @returns the files written
 */
export async function publishInitialCrls(ca: CaContext, now: Date): Promise<string[]> {
  const issued = await ca.store.transaction((tx) => issueCrls(ca, tx, { now }));
  const files: string[] = [];
  for (const crl of issued) {
    const written = writeCrlFiles(crl.der, crl.files, ca.folder.root);
    if (written.failures.length > 0) {
      throw new Error(
        `the first CRL could not be written: ${written.failures.map((f) => `${f.file}: ${f.error}`).join('; ')}`,
      );
    }
    files.push(...written.written);
  }
  return files;
}
