import { readFileSync } from 'node:fs';
import {
  CA_DISP_ERROR,
  CA_DISP_INCOMPLETE,
  CA_DISP_INVALID,
  CA_DISP_REVOKED,
  CA_DISP_UNDER_SUBMISSION,
  CA_DISP_VALID,
} from '@certexit/core';
import type { CaSetupType, ParentCa } from '@certexit/engine';
import {
  CA_SETUP_TYPES,
  CertificateAuthority,
  installCaCertificate,
  localParentCa,
  renewCa,
  setupCa,
} from '@certexit/engine';
import { isKeyAlgorithmName, KEY_ALGORITHM_NAMES } from '@certexit/x509';
import type { Command } from 'commander';
import { Option } from 'commander';
import { builtinExitModules, importExitModule } from '../../builtin-exit-modules';
import type { CliContext } from '../cli-context';
import { positiveInt } from '../request-outcome-output';
import { addStoreTargetOptions, storeTarget } from '../store-target';

/**
 * The CA's own certificate, as AD CS administrators manage it: `setup` (root or subordinate), `installcert` (the
 * certificate a parent issued for a subordinate, like the snap-in's "Install CA Certificate" or
 * `certutil -installcert`), `renew [--new-key]` (`certutil -renewcert [ReuseKeys]`) and `cainfo` (the indexes and
 * states, like `certutil -cainfo`).
 */
export function registerCaCommands(program: Command, cli: CliContext): void {
  addStoreTargetOptions(program.command('setup'))
    .description('set up a CA in the folder: a root, or a subordinate that writes a request for its parent CA')
    .requiredOption('--name <common name>', "the CA's common name")
    .addOption(new Option('--type <type>', 'CA type').choices(Object.keys(CA_SETUP_TYPES)).default('enterprise-root'))
    .option('--key <algorithm>', KEY_ALGORITHM_NAMES.join(', '), 'ECDSA_P256')
    .option('--dns <fqdn>', "the CA host's DNS name (%1)", 'localhost')
    .option('--domain-dn <dn>', 'the directory domain DN (%5)')
    .option('--config-dn <dn>', 'the directory configuration DN (%6)')
    .option('--validity-years <n>', 'a root CA certificate validity', '10')
    .option(
      '--parent-dir <folder>',
      "a subordinate's parent CA folder: send the request to it at once (template SubCA)",
    )
    .option(
      '--store <store>',
      "the CA's database: sqlite (certexit.db in the folder) or postgres://user@host:port/database (no password in it)",
      'sqlite',
    )
    .action(async (o: Record<string, string | undefined>) => {
      if (!isKeyAlgorithmName(o.key)) throw new Error(`--key ${o.key} is not one of ${KEY_ALGORITHM_NAMES.join(', ')}`);
      const type = o.type as CaSetupType;
      if (o.parentDir && !type.endsWith('-sub')) throw new Error('--parent-dir is for a subordinate CA (--type *-sub)');
      const keyAlgorithm = o.key;
      const result = await _withParent(cli, o.parentDir, (parent) =>
        setupCa({
          dir: cli.dir(),
          commonName: o.name!,
          type,
          keyAlgorithm,
          machineDnsName: o.dns,
          domainDn: o.domainDn,
          configDn: o.configDn,
          validityYears: positiveInt(o.validityYears!, '--validity-years'),
          ...(parent && { parent }),
          store: storeTarget(o.store ?? 'sqlite', o),
          importModule: importExitModule,
        }),
      );
      cli.print({ ...result, stateName: caStateName(result.state) }, [
        `CA "${result.sanitizedName}" set up in ${result.folder}`,
        ..._requestLines(cli, result),
        ...result.files.map((f) => `CA certificate published to ${f}`),
      ]);
    });

  program
    .command('installcert')
    .description("install the CA certificate a parent CA issued for this subordinate CA's request")
    .argument('<certificate-file>', 'the certificate: DER, PEM or a PKCS#7 chain (.p7b)')
    .option(
      '--parent <file>',
      'a parent CA certificate up to the root, to verify the chain (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .action(async (file: string, o: { parent: string[] }) => {
      const parentCertificates = o.parent.map((f) => _readFile(f, 'parent certificate'));
      const installed = await installCaCertificate(cli.dir(), file, {
        importModule: importExitModule,
        ...(parentCertificates.length > 0 && { parentCertificates }),
      });
      cli.print(installed, [
        `Installed CA certificate ${installed.certIndex} (key index ${installed.keyIndex}): "${installed.subject}"`,
        `  issued by "${installed.issuer}", serial ${installed.serialNumber}, expires ${installed.notAfter.toISOString()}`,
        ...(parentCertificates.length > 0 ? ['  chain verified to the given root'] : []),
        ...installed.files.map((f) => `CA certificate published to ${f}`),
      ]);
    });

  program
    .command('renew')
    .description('renew the CA certificate, like certutil -renewcert (the same key unless --new-key)')
    .option('--new-key', 'renew with a new key (a new CRL/key index)')
    .option('--validity-years <n>', 'a root CA certificate validity (default: as the current certificate)')
    .option('--parent-dir <folder>', "a subordinate's parent CA folder: send the renewal request to it at once")
    .action(async (o: { newKey?: boolean; validityYears?: string; parentDir?: string }) => {
      const result = await _withParent(cli, o.parentDir, (parent) =>
        renewCa(cli.dir(), {
          importModule: importExitModule,
          newKey: o.newKey === true,
          ...(o.validityYears !== undefined && { validityYears: positiveInt(o.validityYears, '--validity-years') }),
          ...(parent && { parent }),
        }),
      );
      cli.print({ ...result, stateName: caStateName(result.state) }, [
        `CA certificate ${result.certIndex} (key index ${result.keyIndex}, ${result.newKey ? 'new key' : 'same key'}): ${caStateName(result.state)}`,
        ..._requestLines(cli, result),
        ...result.files.map((f) => `CA certificate published to ${f}`),
      ]);
    });
}

/** The word `certutil -cainfo` prints for a `CA_DISP_*` state. */
export function caStateName(state: number): string {
  switch (state) {
    case CA_DISP_INCOMPLETE:
      return 'Incomplete';
    case CA_DISP_ERROR:
      return 'Error';
    case CA_DISP_REVOKED:
      return 'Revoked';
    case CA_DISP_VALID:
      return 'Valid';
    case CA_DISP_INVALID:
      return 'Expired';
    case CA_DISP_UNDER_SUBMISSION:
      return 'Under Submission';
    default:
      return `State ${state}`;
  }
}

/** Runs work with the parent CA of `--parent-dir` opened (its exit modules see the submission), or without one. */
async function _withParent<T>(
  cli: CliContext,
  parentDir: string | undefined,
  work: (parent: ParentCa | undefined) => Promise<T>,
): Promise<T> {
  if (!parentDir) return work(undefined);
  const authority = await CertificateAuthority.open({
    dir: parentDir,
    builtins: builtinExitModules(),
    importModule: importExitModule,
    logger: cli.logger(),
  });
  try {
    return await work(localParentCa(authority));
  } finally {
    await authority.stop({ sendShutdownEvent: false });
  }
}

function _requestLines(
  cli: CliContext,
  result: { state: number; requestFile?: string; parentRequestId?: number },
): string[] {
  if (!result.requestFile) return [];
  if (result.state === CA_DISP_VALID)
    return [`Request ${result.requestFile} was issued by the parent CA and installed`];
  if (result.state === CA_DISP_UNDER_SUBMISSION) {
    return [
      `Request ${result.requestFile} is pending at the parent CA (request ID ${result.parentRequestId}).`,
      `When it is issued, run: certexit --dir ${cli.dir()} installcert <certificate file>`,
    ];
  }
  return [
    `Certificate request written to ${result.requestFile}`,
    'Submit it to the parent CA (template SubCA), then run:',
    `  certexit --dir ${cli.dir()} installcert <certificate file>`,
  ];
}

function _readFile(file: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new Error(`cannot read the ${what} ${file}: ${(error as Error).message}`, { cause: error });
  }
}
