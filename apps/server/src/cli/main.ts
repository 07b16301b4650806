import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from '@certexit/core';
import {
  CertexitError,
  DB_DISP_DENIED,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  exitEventMaskNames,
  exitEventName,
  hresultName,
  isRegistrySubtree,
} from '@certexit/core';
import { Command, CommanderError, Option } from 'commander';
import { builtinExitModules } from '../builtin-exit-modules';
import { openCa } from '../ca/open-ca';
import { setupCa } from '../ca/setup-ca';
import { runDemo } from '../demo/run-demo';
import type { RequestOutcome } from '../engine/certificate-authority';
import { CertificateAuthority } from '../engine/certificate-authority';
import { ModuleRegistrations } from '../hosting/module-registrations';
import { createLogger } from '../logging/create-logger';
import { isKeyAlgorithmName, toPem } from '../x509';
import { resolveRegistryPath } from './registry-path';
import { editRegistryValue, formatRegistryValue } from './registry-value-edit';

/** Where the CLI writes; tests capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  logger?: Logger;
}

const _stdio: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/**
 * `certexit`: the administrator's command line, shaped like certreq and certutil. Returns the exit code; errors
 * are printed as one clear line, never as a stack trace.
 */
export async function runCli(argv: readonly string[], io: CliIo = _stdio): Promise<number> {
  const program = new Command('certexit')
    .description('certexit: a certificate authority that notifies exit modules, AD CS style')
    .option('--dir <folder>', 'the CA folder', process.env.CERTEXIT_DIR ?? './ca')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const dir = () => program.opts<{ dir: string }>().dir;
  const logger = () => io.logger ?? createLogger();
  const withCa = async <T>(work: (authority: CertificateAuthority) => Promise<T>): Promise<T> => {
    const authority = await CertificateAuthority.open({ dir: dir(), builtins: builtinExitModules(), logger: logger() });
    try {
      return await work(authority);
    } finally {
      // One-shot commands are not the service stopping: no EXITEVENT_SHUTDOWN.
      await authority.stop({ sendShutdownEvent: false });
    }
  };

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
        dir: dir(),
        commonName: o.name!,
        type: o.type as 'enterprise-root',
        keyAlgorithm: o.key,
        machineDnsName: o.dns,
        domainDn: o.domainDn,
        configDn: o.configDn,
        validityYears: _positiveInt(o.validityYears!, '--validity-years'),
      });
      io.out(`CA "${result.sanitizedName}" set up in ${result.folder}`);
    });

  program
    .command('submit')
    .description('submit a PKCS#10 request, like certreq -submit')
    .argument('<request-file>', 'PEM, base64 or DER request')
    .option('--attrib <Name:Value>', 'request attributes (repeatable; \\n separates pairs)', _collect, [] as string[])
    .option('--requester <DOMAIN\\user>', 'the requester name recorded for the request')
    .option('--out <file>', 'write the issued certificate here (PEM)')
    .action(async (file: string, o: { attrib: string[]; requester?: string; out?: string }) => {
      const request = readFileSync(file);
      const outcome = await withCa((a) => a.submit({ request, attributes: o.attrib, requesterName: o.requester }));
      _printOutcome(io, outcome, o.out);
    });

  for (const [name, description] of [
    ['resubmit', 'issue a pending request, like certutil -resubmit'],
    ['deny', 'deny a pending request, like certutil -deny'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<request-id>')
      .option('--out <file>', 'write the issued certificate here (PEM)')
      .action(async (id: string, o: { out?: string }) => {
        const requestId = _positiveInt(id, 'request id');
        const outcome = await withCa((a) => (name === 'resubmit' ? a.resubmit(requestId) : a.deny(requestId)));
        _printOutcome(io, outcome, o.out);
      });
  }

  program
    .command('getreg')
    .description('show configuration, like certutil -getreg (CA\\…, exit\\…, policy\\…)')
    .argument('[path]', 'key or value path', 'CA')
    .action(async (path: string) => {
      const ca = await openCa(dir());
      try {
        const full = resolveRegistryPath(ca, path);
        const value = ca.registry.getValue(full);
        if (value !== undefined) {
          io.out(formatRegistryValue(full.split('\\').at(-1)!, value));
          return;
        }
        const key = ca.registry.getKey(full);
        if (!key) throw new Error(`${full} does not exist`);
        io.out(`HKLM\\${full}:`);
        for (const [k, v] of Object.entries(key)) io.out(isRegistrySubtree(v) ? `  ${k}\\` : formatRegistryValue(k, v));
      } finally {
        await ca.store.close();
      }
    });

  program
    .command('setreg')
    .description('change configuration, like certutil -setreg (+X/-X edit flags and lists)')
    .argument('<path>', 'value path, e.g. exit\\PublishCertFlags')
    .argument('<value>', 'number, text, a\\nb for a list, or +X / -X')
    .action(async (path: string, input: string) => {
      const ca = await openCa(dir());
      try {
        const full = resolveRegistryPath(ca, path);
        const old = ca.registry.getValue(full);
        const next = editRegistryValue(old, input);
        ca.registry.setValue(full, next);
        if (old !== undefined) io.out(`Old value:\n${formatRegistryValue(full.split('\\').at(-1)!, old)}`);
        io.out(`New value:\n${formatRegistryValue(full.split('\\').at(-1)!, next)}`);
        io.out('The exit modules see it on their next read; restart the service for ExitModules\\Active changes.');
      } finally {
        await ca.store.close();
      }
    });

  const module = program.command('module').description('register, list and remove exit modules');
  module
    .command('register')
    .argument('<ProgID>', 'e.g. Contoso_Inventory.Exit')
    .argument('<package-or-path>', 'an npm package name, or a file (absolute or relative to the current folder)')
    .option('--inactive', 'register without adding to ExitModules\\Active')
    .action(async (progId: string, source: string, o: { inactive?: boolean }) => {
      const ca = await openCa(dir());
      try {
        const stored = source.startsWith('.') || isAbsolute(source) ? resolve(source) : source;
        new ModuleRegistrations(ca.registry, ca.sanitizedName).register(progId, stored, { activate: !o.inactive });
        io.out(
          `${progId} registered (${stored})${o.inactive ? '' : ' and added to ExitModules\\Active'}; restart the service to load it`,
        );
      } finally {
        await ca.store.close();
      }
    });
  module
    .command('unregister')
    .argument('<ProgID>')
    .action(async (progId: string) => {
      const ca = await openCa(dir());
      try {
        const removed = new ModuleRegistrations(ca.registry, ca.sanitizedName).unregister(progId);
        io.out(
          removed ? `${progId} unregistered` : `${progId} was not registered; removed from Active if it was there`,
        );
      } finally {
        await ca.store.close();
      }
    });
  module
    .command('list')
    .description('registered and active modules; with --load, also what each answers to Initialize')
    .option('--load', 'load the active modules and show description and events')
    .action(async (o: { load?: boolean }) => {
      if (o.load) {
        await withCa(async (a) => {
          for (const m of a.modules) {
            io.out(
              `${m.progId}  [${m.hosted.binding}]  "${m.description}"  ${exitEventMaskNames(m.mask).join('|') || 'EXITEVENT_INVALID'}`,
            );
          }
        });
        return;
      }
      const ca = await openCa(dir());
      try {
        const rows = new ModuleRegistrations(ca.registry, ca.sanitizedName).list(Object.keys(builtinExitModules()));
        for (const r of rows) io.out(`${r.active ? '*' : ' '} ${r.progId}  ${r.source}`);
        io.out('(* = in ExitModules\\Active, in notification order)');
      } finally {
        await ca.store.close();
      }
    });

  program
    .command('demo')
    .description('set up a demo CA, issue certificates from CSRs and show the exit modules being notified')
    .action(async () => {
      await runDemo({ dir: program.opts<{ dir: string }>().dir, io, logger: io.logger });
    });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof Error ? error.message : String(error);
    io.err(`certexit: ${message}${CertexitError.isInstance(error) ? '' : ''}`);
    return 1;
  }
}

function _printOutcome(io: CliIo, outcome: RequestOutcome, out: string | undefined): void {
  io.out(`RequestId: ${outcome.requestId}`);
  const state =
    outcome.disposition === DB_DISP_ISSUED
      ? 'Issued'
      : outcome.disposition === DB_DISP_PENDING
        ? 'Pending'
        : outcome.disposition === DB_DISP_DENIED
          ? 'Denied'
          : `Disposition ${outcome.disposition}`;
  io.out(`${state}: ${outcome.message}${outcome.statusCode ? ` (${hresultName(outcome.statusCode)})` : ''}`);
  for (const d of outcome.deliveries) {
    io.out(`  ${exitEventName(d.event)} -> ${d.progId}: ${hresultName(d.hresult)} (${d.ms.toFixed(1)} ms)`);
  }
  if (outcome.certificate && out) {
    writeFileSync(out, toPem(outcome.certificate, 'CERTIFICATE'));
    io.out(`Certificate written to ${out}`);
  }
}

function _collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function _positiveInt(text: string, what: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1)
    throw new Error(`${what} must be a positive whole number, not ${JSON.stringify(text)}`);
  return Number(text);
}
