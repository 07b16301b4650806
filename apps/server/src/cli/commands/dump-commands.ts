import { readFileSync } from 'node:fs';
import { dumpObject } from '@certexit/x509';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';

/** `dump <file>`: certutil -dump. */
export function registerDumpCommands(program: Command, cli: CliContext): void {
  program
    .command('dump')
    .description('decode a certificate, certificate request, CRL or PKCS#7 (DER, PEM or base64), like certutil -dump')
    .argument('<file>', 'the file to decode')
    .action(async (file: string) => {
      const dumped = await dumpObject(readFileSync(file));
      cli.print({ file, ...dumped }, dumped.lines);
    });
}
