import type { Command } from 'commander';
import { Option } from 'commander';
import { setupCa } from '../../ca/setup-ca';
import { isKeyAlgorithmName } from '../../x509';
import type { CliContext } from '../cli-context';
import { positiveInt } from '../request-outcome-output';

/** `certexit setup`: a root CA in the folder. */
export function registerSetupCommand(program: Command, cli: CliContext): void {
  program
    .command('setup')
    .description('set up a root CA in the folder')
    .requiredOption('--name <common name>', "the CA's common name")
    .addOption(
      new Option('--type <type>', 'CA type').choices(['enterprise-root', 'standalone-root']).default('enterprise-root'),
    )
    .option('--key <algorithm>', 'ECDSA_P256, ECDSA_P384, RSA_2048, RSA_3072 or RSA_4096', 'ECDSA_P256')
    .option('--dns <fqdn>', "the CA host's DNS name (%1)", 'localhost')
    .option('--domain-dn <dn>', 'the directory domain DN (%5)')
    .option('--config-dn <dn>', 'the directory configuration DN (%6)')
    .option('--validity-years <n>', 'CA certificate validity', '10')
    .action(async (o: Record<string, string>) => {
      if (!isKeyAlgorithmName(o.key))
        throw new Error(`--key ${o.key} is not one of ECDSA_P256, ECDSA_P384, RSA_2048, RSA_3072, RSA_4096`);
      const result = await setupCa({
        dir: cli.dir(),
        commonName: o.name!,
        type: o.type as 'enterprise-root',
        keyAlgorithm: o.key,
        machineDnsName: o.dns,
        domainDn: o.domainDn,
        configDn: o.configDn,
        validityYears: positiveInt(o.validityYears!, '--validity-years'),
      });
      cli.print(result, [`CA "${result.sanitizedName}" set up in ${result.folder}`]);
    });
}
