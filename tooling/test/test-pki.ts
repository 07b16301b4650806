/**
 * The test PKI of every package's tests, made by the real `openssl` binary: what a client, a foreign CA, a directory
 * server or a TLS peer would bring, and the runner the tests check our DER with from the outside. Test-only; it
 * imports nothing but Node, so any package's tests can use it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Outcome of one openssl invocation (stdout and stderr kept apart, exit status). */
export interface OpensslResult {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout + stderr, for assertions that don't care where OpenSSL printed. */
  output: string;
}

/**
 * Runs openssl with an argument array (no shell), without a configuration file; never throws on a non-zero exit.
 * spawnSync rather than execFileSync: OpenSSL reports some successes ("verify OK") on stderr, which execFileSync
 * drops when the exit status is 0.
 */
export function openssl(args: readonly string[], cwd?: string): OpensslResult {
  const r = spawnSync('openssl', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OPENSSL_CONF: '/dev/null' },
  });
  if (r.error) throw r.error;
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { status: r.status ?? -1, stdout, stderr, output: `${stdout}${stderr}` };
}

/** Like {@link openssl} but throws with OpenSSL's output when it fails; returns stdout. */
export function opensslOk(args: readonly string[], cwd?: string): string {
  const r = openssl(args, cwd);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status}):\n${r.output}`);
  return r.stdout;
}

/** A scratch directory with small file helpers; call `remove()` in afterAll. */
export interface TempDir {
  path: string;
  file(name: string): string;
  write(name: string, data: string | Uint8Array): string;
  read(name: string): string;
  remove(): void;
}

export function makeTempDir(prefix = 'certexit-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file: (name) => join(path, name),
    write(name, data) {
      const p = join(path, name);
      writeFileSync(p, data);
      return p;
    },
    read: (name) => readFileSync(join(path, name), 'utf8'),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** A new EC P-256 key, as `openssl req` makes it (the arguments of `req -newkey`). */
const _NEW_P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/**
 * A PKCS#10 request made by `openssl req` (EC P-256, a new key), as a client would bring it.
 * @returns the paths of the request (PEM) and its key, both in `dir`.
 */
export function opensslRequest(dir: string, name: string, subject = `/CN=${name}`): { csr: string; key: string } {
  const csr = join(dir, `${name}.csr`);
  const key = join(dir, `${name}.key`);
  opensslOk(['req', '-new', ..._NEW_P256_KEY, '-keyout', key, '-subj', subject, '-out', csr]);
  return { csr, key };
}

/** Options of {@link opensslSelfSigned}. */
export interface SelfSignedOptions {
  /** @default `/CN=<name>` */
  subject?: string;
  /** `-addext` values, e.g. `basicConstraints=critical,CA:TRUE`. */
  addext?: readonly string[];
  /** @default 'PEM' */
  format?: 'PEM' | 'DER';
  /** @default 2 */
  days?: number;
}

/**
 * A self-signed EC P-256 certificate made by `openssl req -x509` in `dir` (a new key beside it, `<name>.key`), as a
 * foreign CA or a stranger would bring it.
 * @returns the path of the certificate file (`<name>.pem` or `<name>.der`).
 */
export function opensslSelfSigned(dir: string, name: string, options: SelfSignedOptions = {}): string {
  const format = options.format ?? 'PEM';
  const out = join(dir, `${name}.${format.toLowerCase()}`);
  opensslOk([
    'req',
    '-x509',
    ..._NEW_P256_KEY,
    '-keyout',
    join(dir, `${name}.key`),
    '-subj',
    options.subject ?? `/CN=${name}`,
    '-days',
    String(options.days ?? 2),
    ...(options.addext ?? []).flatMap((e) => ['-addext', e]),
    '-outform',
    format,
    '-out',
    out,
  ]);
  return out;
}

/** {@link opensslSelfSigned}, as DER bytes. */
export function opensslSelfSignedDer(
  dir: string,
  name: string,
  options: Omit<SelfSignedOptions, 'format'> = {},
): Uint8Array {
  return new Uint8Array(readFileSync(opensslSelfSigned(dir, name, { ...options, format: 'DER' })));
}

/** A CA made by OpenSSL for a test: its files and its certificate (DER). */
export interface TestCa {
  readonly name: string;
  /** The key file (PEM). */
  readonly key: string;
  /** The certificate file (PEM). */
  readonly pem: string;
  readonly der: Uint8Array;
}

/** Makes a self-signed CA `CN=<name>` in `dir` (basicConstraints CA, keyCertSign and cRLSign), valid for `days`. */
export function makeTestCa(dir: string, name: string, options: { days?: number } = {}): TestCa {
  const pem = opensslSelfSigned(dir, `${name}.ca`, {
    subject: `/CN=${name}`,
    days: options.days ?? 30,
    addext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'],
  });
  return { name, key: join(dir, `${name}.ca.key`), pem, der: _derOf(pem) };
}

/** Options of {@link issueTestCertificate}. */
export interface TestCertificateOptions {
  cn: string;
  /** The base name of its files in `dir`. @default the CN, with anything but letters, digits and `-` as `_` */
  name?: string;
  /** Valid for this many days from now. */
  days: number;
  /** Adds the V2 template extension (1.3.6.1.4.1.311.21.7) naming this template OID. */
  templateOid?: string;
  /** Extended key usages, e.g. `serverAuth`, `clientAuth`. */
  extendedKeyUsage?: readonly string[];
  /** subjectAltName entries, e.g. `IP:127.0.0.1`, `DNS:localhost`. */
  subjectAltName?: readonly string[];
}

/** A certificate {@link issueTestCertificate} issued: its DER, serial, and the PEM files of it and its key. */
export interface TestCertificate {
  readonly der: Uint8Array;
  /** Upper-case hex, without leading zeros. */
  readonly serialNumber: string;
  readonly pem: string;
  readonly key: string;
}

/** Issues `CN=<cn>` (a new P-256 key) from `ca` with `openssl x509 -req`, as an end-entity certificate. */
export function issueTestCertificate(dir: string, ca: TestCa, options: TestCertificateOptions): TestCertificate {
  const name = options.name ?? options.cn.replace(/[^A-Za-z0-9-]/g, '_');
  const base = join(dir, name);
  const { csr, key } = opensslRequest(dir, name, `/CN=${options.cn}`);
  const ext = [
    '[ext]',
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
  ];
  if (options.extendedKeyUsage) ext.push(`extendedKeyUsage=${options.extendedKeyUsage.join(',')}`);
  if (options.subjectAltName) ext.push(`subjectAltName=${options.subjectAltName.join(',')}`);
  if (options.templateOid) {
    ext.push(
      '1.3.6.1.4.1.311.21.7=ASN1:SEQUENCE:template',
      '[template]',
      `id=OID:${options.templateOid}`,
      'major=INT:100',
      'minor=INT:0',
    );
  }
  writeFileSync(`${base}.ext`, `${ext.join('\n')}\n`);
  const pem = `${base}.pem`;
  opensslOk([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.pem,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-CAserial',
    join(dir, `${ca.name}.srl`),
    '-days',
    String(options.days),
    '-sha256',
    '-extfile',
    `${base}.ext`,
    '-extensions',
    'ext',
    '-out',
    pem,
  ]);
  const serial = opensslOk(['x509', '-in', pem, '-noout', '-serial']);
  return {
    der: _derOf(pem),
    serialNumber: serial
      .replace(/^serial=/, '')
      .trim()
      .toUpperCase()
      .replace(/^0+(?=.)/, ''),
    pem,
    key,
  };
}

/** A TLS test CA and a server certificate it issued, made by `openssl`. */
export interface TestPki {
  /** The test CA certificate (PEM): what clients trust. */
  caPem: string;
  /** The server certificate for 127.0.0.1 and localhost (PEM). */
  certPem: string;
  keyPem: string;
  /** Files of the above, for CLI options. */
  files: { ca: string; cert: string; key: string };
  /** Issues a TLS client certificate (`clientAuth`) from the test CA. */
  issueClientCertificate(commonName: string): { certPem: string; keyPem: string };
  remove(): void;
}

/**
 * Makes a P-256 TLS test CA and a server certificate for `IP:127.0.0.1, DNS:localhost` it issued, in a temporary
 * folder.
 */
export function createTestPki(name = 'certexit HTTP Test CA'): TestPki {
  const dir = makeTempDir('certexit-tls-');
  const ca = makeTestCa(dir.path, name, { days: 2 });
  const server = issueTestCertificate(dir.path, ca, {
    cn: '127.0.0.1',
    days: 2,
    extendedKeyUsage: ['serverAuth'],
    subjectAltName: ['IP:127.0.0.1', 'DNS:localhost'],
  });
  let clients = 0;
  return {
    caPem: readFileSync(ca.pem, 'utf8'),
    certPem: readFileSync(server.pem, 'utf8'),
    keyPem: readFileSync(server.key, 'utf8'),
    files: { ca: ca.pem, cert: server.pem, key: server.key },
    issueClientCertificate(commonName) {
      const client = issueTestCertificate(dir.path, ca, {
        cn: commonName,
        name: `client-${++clients}`,
        days: 2,
        extendedKeyUsage: ['clientAuth'],
      });
      return { certPem: readFileSync(client.pem, 'utf8'), keyPem: readFileSync(client.key, 'utf8') };
    },
    remove: dir.remove,
  };
}

/** The DER of a PEM certificate file, through `openssl x509 -outform DER` (written beside it). */
function _derOf(pem: string): Uint8Array {
  const der = pem.replace(/\.pem$/, '.der');
  opensslOk(['x509', '-in', pem, '-outform', 'DER', '-out', der]);
  return new Uint8Array(readFileSync(der));
}
