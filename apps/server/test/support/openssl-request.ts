import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A PKCS#10 request made by the real `openssl req` (EC P-256, a new key), as a client would bring it.
 * @returns the paths of the request (PEM) and its key, both in `dir`.
 */
export function opensslRequest(dir: string, name: string, subject = `/CN=${name}`): { csr: string; key: string } {
  const csr = join(dir, `${name}.csr`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-subj',
      subject,
      '-out',
      csr,
    ],
    { stdio: 'pipe' },
  );
  return { csr, key };
}
