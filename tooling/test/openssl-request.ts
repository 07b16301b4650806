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

/**
 * A self-signed EC P-256 certificate made by the real `openssl req -x509` in `dir` (a new key beside it), as a
 * foreign CA or a stranger would bring it.
 * @returns the path of the certificate file (`<name>.pem` or `<name>.der`).
 */
export function opensslSelfSigned(
  dir: string,
  name: string,
  options: { subject?: string; addext?: readonly string[]; format?: 'PEM' | 'DER' } = {},
): string {
  const format = options.format ?? 'PEM';
  const out = join(dir, `${name}.${format.toLowerCase()}`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, `${name}.key`),
      '-subj',
      options.subject ?? `/CN=${name}`,
      '-days',
      '2',
      ...(options.addext ?? []).flatMap((e) => ['-addext', e]),
      '-outform',
      format,
      '-out',
      out,
    ],
    { stdio: 'pipe' },
  );
  return out;
}
