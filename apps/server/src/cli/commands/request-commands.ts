import { readFileSync } from 'node:fs';
import { PRINCIPALS } from '@certexit/engine';
import type { Command } from 'commander';
import { CallerDirectory } from '../../http/caller-directory';
import type { CliContext } from '../cli-context';
import { positiveInt, printRequestOutcome } from '../request-outcome-output';

/** `submit`, `resubmit`, `deny`: the request verbs of certreq and certutil. */
export function registerRequestCommands(program: Command, cli: CliContext): void {
  program
    .command('submit')
    .description('submit a PKCS#10 request, like certreq -submit')
    .argument('<request-file>', 'PEM, base64 or DER request')
    .argument('[cert-out]', 'write the issued certificate here (PEM)')
    .option(
      '--attrib <Name:Value>',
      'request attributes (repeatable; \\n separates pairs)',
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .option('--requester <DOMAIN\\user>', 'the requester (default: you, in the group Administrators)')
    .option(
      '--group <name>',
      "a group the requester is in, for template permissions (repeatable; a registered caller's groups count too)",
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .action(
      async (
        file: string,
        certOut: string | undefined,
        o: { attrib: string[]; requester?: string; group: string[] },
      ) => {
        const request = readFileSync(file);
        const outcome = await cli.withEngine((a) => {
          // The CLI runs with the CA folder's keys: its own requests are the CA administrators'. Another requester
          // named with --requester has its caller groups and the --group ones, as it would over HTTP.
          const groups = o.requester
            ? [...new CallerDirectory(a.ca.registry, a.ca.registryPath).groupsOf(o.requester), ...o.group]
            : [PRINCIPALS.administrators, ...o.group];
          return a.submit({ request, attributes: o.attrib, requesterName: o.requester, requesterGroups: groups });
        });
        printRequestOutcome(cli, outcome, certOut, { exitWithDisposition: true });
      },
    );

  program
    .command('retrieve')
    .description('retrieve a request and its certificate, like certreq -retrieve')
    .argument('<request-id>')
    .argument('[cert-out]', 'write the certificate here (PEM)')
    .action(async (id: string, certOut: string | undefined) => {
      const requestId = positiveInt(id, 'request id');
      printRequestOutcome(cli, await cli.withEngine((a) => a.retrieve(requestId)), certOut, {
        exitWithDisposition: true,
      });
    });

  for (const [name, description] of [
    ['resubmit', 'issue a pending request, like certutil -resubmit'],
    ['deny', 'deny a pending request, like certutil -deny'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<request-id>')
      .argument('[cert-out]', 'write the issued certificate here (PEM)')
      .action(async (id: string, certOut: string | undefined) => {
        const requestId = positiveInt(id, 'request id');
        const outcome = await cli.withEngine((a) => (name === 'resubmit' ? a.resubmit(requestId) : a.deny(requestId)));
        printRequestOutcome(cli, outcome, certOut, { exitWithDisposition: name === 'resubmit' });
      });
  }
}
