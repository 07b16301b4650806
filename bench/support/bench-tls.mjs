// The TLS material of bench/http-issuance.bench.mjs, made by the real `openssl` binary: a P-256 CA the load
// generator trusts, and a server certificate for 127.0.0.1 it issued (as tooling/test/test-pki.ts makes them for
// the tests; the benchmarks run as plain .mjs and cannot import it).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function openssl(args) {
  const r = spawnSync('openssl', args, { encoding: 'utf8', env: { ...process.env, OPENSSL_CONF: '/dev/null' } });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/**
 * A TLS CA and a server certificate for `IP:127.0.0.1` in `dir`.
 * @returns the CA certificate (PEM text) and the files of the server certificate and key
 */
export function makeBenchTls(dir) {
  const ca = join(dir, 'tls-ca.pem');
  const caKey = join(dir, 'tls-ca.key');
  openssl(['req', '-x509', ...P256, '-keyout', caKey, '-out', ca, '-days', '2', '-subj', '/CN=certexit bench TLS CA']);
  const csr = join(dir, 'tls-server.csr');
  const key = join(dir, 'tls-server.key');
  openssl(['req', '-new', ...P256, '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1']);
  const ext = join(dir, 'tls-server.ext');
  writeFileSync(
    ext,
    '[ext]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n',
  );
  const cert = join(dir, 'tls-server.pem');
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-CAserial',
    join(dir, 'tls-ca.srl'),
    '-days',
    '2',
    '-sha256',
    '-extfile',
    ext,
    '-extensions',
    'ext',
    '-out',
    cert,
  ]);
  return { caPem: readFileSync(ca, 'utf8'), cert, key };
}
