import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A CA made by OpenSSL for a test: its files and its certificate (DER). */
export interface TestCa {
  readonly name: string;
  readonly key: string;
  readonly pem: string;
  readonly der: Uint8Array;
}

/** Makes a self-signed CA `CN=<name>` in `dir`. */
export function makeTestCa(dir: string, name: string): TestCa {
  const key = join(dir, `${name}.ca.key`);
  const pem = join(dir, `${name}.ca.pem`);
  _openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-subj',
    `/CN=${name}`,
    '-days',
    '30',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    pem,
  ]);
  const derFile = join(dir, `${name}.ca.der`);
  _openssl(['x509', '-in', pem, '-outform', 'DER', '-out', derFile]);
  return { name, key, pem, der: new Uint8Array(readFileSync(derFile)) };
}

/**
 * Issues `CN=<cn>` from `ca`, valid for `days` days from now, with the V2 template extension
 * (1.3.6.1.4.1.311.21.7) naming `templateOid` when given.
 * @returns the DER and the serial number (upper-case hex).
 */
export function issueTestCertificate(
  dir: string,
  ca: TestCa,
  options: { cn: string; days: number; templateOid?: string },
): { der: Uint8Array; serialNumber: string } {
  const base = join(dir, options.cn.replace(/[^A-Za-z0-9-]/g, '_'));
  _openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${base}.key`,
    '-subj',
    `/CN=${options.cn}`,
    '-out',
    `${base}.csr`,
  ]);
  const ext = [
    '[ext]',
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
  ];
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
  _openssl([
    'x509',
    '-req',
    '-in',
    `${base}.csr`,
    '-CA',
    ca.pem,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-CAserial',
    join(dir, `${ca.name}.srl`),
    '-days',
    String(options.days),
    '-extfile',
    `${base}.ext`,
    '-extensions',
    'ext',
    '-outform',
    'DER',
    '-out',
    `${base}.der`,
  ]);
  const der = new Uint8Array(readFileSync(`${base}.der`));
  const serial = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', `${base}.der`, '-noout', '-serial'], {
    encoding: 'utf8',
  });
  return {
    der,
    serialNumber: serial
      .replace(/^serial=/, '')
      .trim()
      .toUpperCase()
      .replace(/^0+(?=.)/, ''),
  };
}

function _openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}
