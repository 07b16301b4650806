import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A TLS test CA and a server certificate it issued, made by the real `openssl`. */
export interface TestPki {
  /** The test CA certificate (PEM): what clients trust. */
  caPem: string;
  /** The server certificate for 127.0.0.1 and localhost (PEM). */
  certPem: string;
  keyPem: string;
  /** Files of the above, for CLI options. */
  files: { ca: string; cert: string; key: string };
  /** Issues a TLS client certificate (`clientAuth`) from the test CA, with `openssl x509 -req`. */
  issueClientCertificate(commonName: string): { certPem: string; keyPem: string };
  remove(): void;
}

/**
 * Makes a P-256 test CA with `openssl req -x509` and a server certificate for `IP:127.0.0.1, DNS:localhost` signed
 * by it with `openssl x509 -req`, in a temporary folder.
 */
export function createTestPki(name = 'certexit HTTP Test CA'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-tls-'));
  const file = (f: string) => join(dir, f);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-sha256',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    'ca.pem',
  );
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key');
  openssl('req', '-new', '-key', 'server.key', '-subj', '/CN=127.0.0.1', '-out', 'server.csr');
  writeFileSync(
    file('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    'server.ext',
    '-out',
    'server.pem',
  );
  let clients = 0;
  return {
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    certPem: readFileSync(file('server.pem'), 'utf8'),
    keyPem: readFileSync(file('server.key'), 'utf8'),
    files: { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') },
    issueClientCertificate(commonName) {
      const name = `client-${++clients}`;
      openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
      openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${commonName}`, '-out', `${name}.csr`);
      writeFileSync(
        file(`${name}.ext`),
        'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n',
      );
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-sha256',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      );
      return { certPem: readFileSync(file(`${name}.pem`), 'utf8'), keyPem: readFileSync(file(`${name}.key`), 'utf8') };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
