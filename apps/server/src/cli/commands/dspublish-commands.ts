import { readFileSync } from 'node:fs';
import type { CaContext, DirectoryPublicationResult, DsPublishCertificateKind } from '@certexit/engine';
import { dsPublishCertificateUrl, dsPublishCrlUrl, publishToCaDirectory } from '@certexit/engine';
import { parseCertificate, parseCrl } from '@certexit/x509';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';

const _KINDS: Record<string, DsPublishCertificateKind> = { aia: 'AIA', ntauthca: 'NTAuthCA', rootca: 'RootCA' };
/** The CA Version extension (`keyIndex << 16 | certIndex`), which names the CRL's key. */
const _OID_CA_VERSION = '1.3.6.1.4.1.311.21.1';

/**
 * `dspublish`, like `certutil -dspublish`: a CA certificate to AIA, NTAuthCertificates or Certification
 * Authorities (its value is added: the others stay), or a CRL to its CDP object (replaced), through the directory
 * of `CA\Directory`.
 */
export function registerDsPublishCommands(program: Command, cli: CliContext): void {
  program
    .command('dspublish')
    .description('publish a CA certificate or a CRL to the directory, like certutil -dspublish')
    .argument('<file>', 'a certificate or CRL, DER or PEM')
    .argument(
      '[where]',
      'for a certificate: AIA, NTAuthCA or RootCA; for a CRL: the CN suffix of its CDP object ("(1)" for key 1; default from the CRL)',
    )
    .option('--container <name>', 'for a CRL: the CDP container, CN=<name>,CN=CDP (default: the CA host short name)')
    .option('--config-dn <dn>', "the configuration partition (default: the CA's DSConfigDN)")
    .action(async (file: string, where: string | undefined, o: { container?: string; configDn?: string }) => {
      const bytes = readFileSync(file);
      const text = bytes.toString('latin1');
      const der = /-----BEGIN /.test(text) ? undefined : new Uint8Array(bytes);
      const crl = /-----BEGIN X509 CRL-----/.test(text) ? parseCrl(text) : der && _tryCrl(der);
      const result = await cli.withCa(async (ca) => {
        const configDn = o.configDn ?? ca.configDn;
        if (!configDn) {
          throw new Error(
            'dspublish needs the configuration partition: set up the CA with --config-dn, or pass --config-dn',
          );
        }
        if (crl) {
          const isDelta = crl.deltaBaseCrlNumber !== undefined;
          const location = dsPublishCrlUrl({
            issuerDn: crl.issuerDn,
            suffix: where ?? _keySuffix(crl.extensions.find((e) => e.oid === _OID_CA_VERSION)?.value),
            container: o.container ?? (ca.machineDnsName.split('.')[0] || ca.machineDnsName),
            configDn,
            isDelta,
          });
          return { kind: isDelta ? 'delta CRL' : 'CRL', ...(await _publish(ca, location, crl.der, 'replace')) };
        }
        const kind = _KINDS[(where ?? '').toLowerCase()];
        if (!kind) {
          throw new Error(`dspublish <certificate> needs AIA, NTAuthCA or RootCA, not ${JSON.stringify(where ?? '')}`);
        }
        const certificate = await parseCertificate(der ?? text);
        const location = dsPublishCertificateUrl(kind, certificate.subjectDn, configDn);
        return { kind, ...(await _publish(ca, location, certificate.der, 'add')) };
      });
      if ('error' in result.result)
        throw new Error(`dspublish to ${result.result.location} failed: ${result.result.error}`);
      cli.print({ kind: result.kind, ...result.result }, [
        `${result.kind} published to ${result.result.dn} on ${result.result.server} (${result.result.status})`,
      ]);
    });
}

async function _publish(
  ca: CaContext,
  location: string,
  der: Uint8Array,
  mode: 'add' | 'replace',
): Promise<{ result: DirectoryPublicationResult }> {
  const results = await publishToCaDirectory(ca, [{ location, der, mode }]);
  if (results === undefined) throw new Error('dspublish needs a directory: set CA\\Directory\\LdapServers');
  return { result: results[0]! };
}

function _tryCrl(der: Uint8Array): ReturnType<typeof parseCrl> | undefined {
  try {
    return parseCrl(der);
  } catch {
    return undefined;
  }
}

/** `%8` from a CA Version extension value (DER INTEGER): `""` for key 0, `"(n)"` otherwise. */
function _keySuffix(value: Uint8Array | undefined): string {
  if (value?.[0] !== 0x02) return '';
  let version = 0;
  for (const byte of value.subarray(2, 2 + (value[1] ?? 0))) version = version * 256 + byte;
  const keyIndex = Math.floor(version / 0x10000);
  return keyIndex === 0 ? '' : `(${keyIndex})`;
}
