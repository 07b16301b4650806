import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caFolder, createPkiUrlFetcher } from '@certexit/engine';
import { readCertificateBundle, verifyCertificateChain } from '@certexit/x509';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { CLI_EXIT_CODES } from '../cli-exit-codes';

const _repeat = (v: string, p: string[]) => [...p, v];

/** `verify <cert> [--urlfetch]`: certutil -verify [-urlfetch]. */
export function registerVerifyCommands(program: Command, cli: CliContext): void {
  program
    .command('verify')
    .description(
      'build and check a certificate chain and its revocation, like certutil -verify; --urlfetch fetches AIA and CDP URLs (http, file, ldap)',
    )
    .argument('<certificate>', 'the certificate (DER, PEM)')
    .option('--urlfetch', 'fetch the AIA caIssuers and the CDP (base and delta CRL) URLs')
    .option(
      '--trust <file>',
      "a trusted root (repeatable); default: the roots among the CA folder's certificates",
      _repeat,
      [],
    )
    .option('--cert <file>', 'an intermediate certificate or .p7b (repeatable)', _repeat, [])
    .option('--crl <file>', 'a CRL to use before fetching (repeatable)', _repeat, [])
    .option('--ldap-server <url>', 'where ldap:/// URLs (no host) are read: ldap://host:port or ldaps://')
    .option('--ca-file <file>', 'a CA certificate (PEM) trusted for https: and ldaps:')
    .action(
      async (
        file: string,
        o: { urlfetch?: boolean; trust: string[]; cert: string[]; crl: string[]; ldapServer?: string; caFile?: string },
      ) => {
        const leaf = readCertificateBundle(readFileSync(file))[0]!;
        const local = _caFolderCertificates(cli.dir());
        const trusted = o.trust.length ? o.trust.flatMap((f) => readCertificateBundle(readFileSync(f))) : local.roots;
        if (trusted.length === 0)
          throw new Error('verify: no trusted root: give --trust <root.crt>, or --dir a CA folder whose root it is');
        const result = await verifyCertificateChain(leaf, {
          trusted,
          intermediates: [...o.cert.flatMap((f) => readCertificateBundle(readFileSync(f))), ...local.others],
          crls: o.crl.map((f) => _der(readFileSync(f))),
          ...(o.urlfetch && {
            fetch: createPkiUrlFetcher({
              ...(o.ldapServer && { ldapServer: o.ldapServer }),
              ...(o.caFile && { caPem: readFileSync(o.caFile, 'utf8') }),
            }),
          }),
        });
        const revoked = result.chain.some((c) => c.revocation === 'revoked');
        if (!result.ok) cli.setExitCode(revoked ? CLI_EXIT_CODES.REVOKED : CLI_EXIT_CODES.NOT_VERIFIED);
        cli.print(
          result,
          [
            ...result.chain.flatMap((c, i) => [
              `Certificate ${i}: ${c.subject}`,
              `  Issuer: ${c.issuer}`,
              `  Serial Number: ${c.serialNumber}`,
              `  NotAfter: ${c.notAfter.toISOString()}`,
              `  Revocation: ${c.revocation}${c.reason !== undefined ? ` (reason ${c.reason})` : ''}${c.crlNumber !== undefined ? ` (base CRL ${c.crlNumber}${c.deltaCrlNumber !== undefined ? `, delta CRL ${c.deltaCrlNumber}` : ''})` : ''}`,
            ]),
            ...result.fetched.map(
              (f) => `${f.kind} ${f.ok ? 'Verified' : 'Failed'} "${f.url}"${f.error ? `: ${f.error}` : ''}`,
            ),
            ...result.errors.map((e) => `ERROR: ${e}`),
            result.ok
              ? 'Leaf certificate revocation check passed\nCertUtil: -verify command completed successfully.'
              : 'The certificate does not verify',
          ].flatMap((l) => l.split('\n')),
        );
      },
    );
}

/** The CA folder's certificates (CertEnroll/*.crt): self-signed ones are roots, the others intermediates. */
function _caFolderCertificates(dir: string): { roots: Uint8Array[]; others: Uint8Array[] } {
  const certEnroll = caFolder(dir).certEnroll;
  const roots: Uint8Array[] = [];
  const others: Uint8Array[] = [];
  if (!existsSync(certEnroll)) return { roots, others };
  for (const name of readdirSync(certEnroll).filter((n) => n.endsWith('.crt'))) {
    try {
      for (const der of readCertificateBundle(readFileSync(join(certEnroll, name)))) {
        const cert = new X509Certificate(der);
        (cert.checkIssued(cert) && cert.verify(cert.publicKey) ? roots : others).push(der);
      }
    } catch {
      // Not a certificate: skipped.
    }
  }
  return { roots, others };
}

function _der(bytes: Buffer): Uint8Array {
  const text = bytes.toString('latin1');
  const pem = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END/.exec(text);
  return pem ? new Uint8Array(Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64')) : new Uint8Array(bytes);
}
