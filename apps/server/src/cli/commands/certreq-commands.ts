import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { createRequestFromPolicy, parseRequestPolicyInf, readCertificateBundle, toPem } from '@certexit/x509';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';

/**
 * `new <policy.inf> [<request-out>]` and `accept <certificate>`: certreq's -new and -accept, client side. The key
 * stays in a PKCS#8 PEM file (0600) beside the request, as there is no key store; `accept` writes the issued
 * certificate beside the key it matches.
 */
export function registerCertreqCommands(program: Command, cli: CliContext): void {
  program
    .command('new')
    .description('make a key and a PKCS#10 request from a certreq policy file (.inf), like certreq -new')
    .argument(
      '<policy.inf>',
      '[NewRequest] Subject, KeyAlgorithm, KeyLength, Exportable; [Extensions] SANs, EKUs; [RequestAttributes]',
    )
    .argument('[request-out]', 'the request file (PEM); default: the policy file with .req')
    .option('--key <file>', 'where the private key goes (PKCS#8 PEM, mode 0600); default: the request file with .key')
    .option('--force', 'overwrite an existing request or key file')
    .action(async (inf: string, out: string | undefined, o: { key?: string; force?: boolean }) => {
      const policy = parseRequestPolicyInf(readFileSync(inf, 'utf8'));
      const requestFile = out ?? join(dirname(inf), `${basename(inf, extname(inf))}.req`);
      const keyFile = o.key ?? join(dirname(requestFile), `${basename(requestFile, extname(requestFile))}.key`);
      for (const file of [requestFile, keyFile])
        if (existsSync(file) && !o.force) throw new Error(`${file} exists: choose another name, or --force`);
      const { request, keyPem } = await createRequestFromPolicy(policy);
      writeFileSync(keyFile, keyPem, { mode: 0o600 });
      writeFileSync(requestFile, toPem(request, 'NEW CERTIFICATE REQUEST'));
      cli.print(
        {
          request: requestFile,
          key: keyFile,
          subject: policy.subject,
          keyAlgorithm: policy.keyAlgorithm,
          attributes: policy.requestAttributes,
        },
        [
          `Request: ${requestFile}`,
          `Key: ${keyFile} (${policy.keyAlgorithm}, mode 0600${policy.exportable ? '' : '; Exportable=FALSE has no key store to honour it: keep the file safe'})`,
          `Submit it: certexit submit ${requestFile} <certificate-out>`,
        ],
      );
    });

  program
    .command('accept')
    .description(
      'install an issued certificate beside the key it belongs to, checking that they match, like certreq -accept',
    )
    .argument('<certificate>', 'the issued certificate (DER, PEM or .p7b: the first certificate)')
    .option(
      '--key <file>',
      'the private key; default: the .key file beside the certificate or in this folder that matches it',
    )
    .action((file: string, o: { key?: string }) => {
      const der = readCertificateBundle(readFileSync(file))[0]!;
      const certificate = new X509Certificate(der);
      const spki = (pem: string) => createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
      const wanted = certificate.publicKey.export({ type: 'spki', format: 'der' });
      const candidates = o.key
        ? [o.key]
        : [...new Set([dirname(file), '.'])].flatMap((d) =>
            readdirSync(d)
              .filter((n) => n.endsWith('.key'))
              .map((n) => join(d, n)),
          );
      const match = candidates.find((k) => {
        try {
          return spki(readFileSync(k, 'utf8')).equals(wanted);
        } catch {
          return false;
        }
      });
      if (!match)
        throw new Error(
          o.key
            ? `${o.key} is not the key of this certificate ("${certificate.subject.replace(/\n/g, ', ')}"): nothing was installed`
            : `no .key file beside ${file} or here matches this certificate: give --key`,
        );
      const installed = join(dirname(match), `${basename(match, extname(match))}.crt`);
      writeFileSync(installed, toPem(der, 'CERTIFICATE'));
      cli.print(
        { certificate: installed, key: match, subject: certificate.subject, serialNumber: certificate.serialNumber },
        [
          `Installed Certificate: ${installed}`,
          `  Subject: ${certificate.subject.replace(/\n/g, ', ')}`,
          `  Serial Number: ${certificate.serialNumber.toLowerCase()}`,
          `  Key: ${match}`,
        ],
      );
    });
}
