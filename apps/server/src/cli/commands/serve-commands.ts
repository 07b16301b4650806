import { readFileSync } from 'node:fs';
import { fromPem, parseCertificate } from '@certexit/x509';
import type { Command } from 'commander';
import { Option } from 'commander';
import { CALLER_ROLES, CallerDirectory } from '../../http/caller-directory';
import { parseListenAddress } from '../../http/listen-address';
import { preflightServe } from '../../http/preflight-serve';
import type { SignalSource } from '../../http/serve-until-signal';
import { serveUntilSignal } from '../../http/serve-until-signal';
import { DEFAULT_LISTEN, startServer } from '../../http/start-server';
import type { CliContext } from '../cli-context';

/** Options of {@link registerServeCommands}; tests pass their own signal source. */
export interface ServeCommandOptions {
  /** @default process */
  signals?: SignalSource;
}

/**
 * `serve` (the HTTP API, until SIGINT/SIGTERM) and `caller add|remove|list` (who may call it, with which role).
 * A caller's token is printed once by `caller add`; only its hash is kept.
 */
export function registerServeCommands(program: Command, cli: CliContext, options: ServeCommandOptions = {}): void {
  program
    .command('serve')
    .description('serve the HTTP API (HTTPS with --tls-cert/--tls-key) until SIGINT or SIGTERM')
    .option('--listen <host:port>', 'address and port; port 0 picks a free one', DEFAULT_LISTEN)
    .option('--tls-cert <file>', 'the server certificate (PEM, with its chain)')
    .option('--tls-key <file>', 'the server key (PEM)')
    .option(
      '--client-ca <file>',
      'also accept TLS client certificates of this CA (PEM) bound by caller add --certificate',
    )
    .option('--insecure-http', 'allow plain HTTP on a non-loopback address (tokens travel in clear text)')
    .option('--no-console', 'do not serve the Certification Authority console at /console/')
    .action(async (o: _ServeFlags) => {
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) {
        throw new Error('--tls-cert and --tls-key go together: give both or neither');
      }
      if (o.clientCa && !o.tlsCert) throw new Error('--client-ca needs HTTPS: give --tls-cert and --tls-key too');
      const tls =
        o.tlsCert && o.tlsKey
          ? {
              cert: _readPem(o.tlsCert, '--tls-cert'),
              key: _readPem(o.tlsKey, '--tls-key'),
              ...(o.clientCa && { clientCa: _readPem(o.clientCa, '--client-ca') }),
            }
          : undefined;
      // Fatal start-up errors (a certificate and key that do not match, a port in use) before anything starts.
      await preflightServe({
        listen: parseListenAddress(o.listen),
        ...(tls &&
          o.tlsCert &&
          o.tlsKey && {
            tls: {
              ...tls,
              certFile: o.tlsCert,
              keyFile: o.tlsKey,
              ...(o.clientCa && { clientCaFile: o.clientCa }),
            },
          }),
      });
      const logger = cli.serviceLogger();
      const server = await startServer({
        dir: cli.dir(),
        listen: o.listen,
        tls,
        insecureHttp: o.insecureHttp,
        logger,
        console: o.console,
      });
      const name = server.authority.ca.commonName;
      const consoleUrl = server.consoleServed ? `${server.url}/console/` : undefined;
      cli.print(
        {
          url: server.url,
          ca: name,
          openapi: `${server.url}/openapi.json`,
          ...(consoleUrl && { console: consoleUrl }),
        },
        [
          `certexit API for "${name}" listening on ${server.url} (OpenAPI: ${server.url}/openapi.json${consoleUrl ? `; console: ${consoleUrl}` : ''}); Ctrl+C stops`,
        ],
      );
      const signal = await serveUntilSignal(server, { signals: options.signals, logger });
      cli.print({ stopped: true, ...(signal && { signal }) }, [`stopped${signal ? ` (${signal})` : ''}`]);
    });

  const caller = program.command('caller').description('API callers: bearer tokens with a requester or manager role');
  caller
    .command('add')
    .description('add a caller and print its token (shown once)')
    .argument('<DOMAIN\\user>', 'the identity recorded as requester name or officer')
    .addOption(new Option('--role <role>', 'what the caller may do').choices([...CALLER_ROLES]).makeOptionMandatory())
    .option('--replace', 'replace an existing caller: a new token, the old one stops working')
    .option('--certificate <file>', 'also accept this TLS client certificate (PEM or DER) as the caller')
    .option(
      '--group <name>',
      'a group the caller is in, for template permissions (repeatable), e.g. "Domain Admins"',
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .action((identity: string, o: { role: string; replace?: boolean; certificate?: string; group: string[] }) =>
      cli.withCa(async (ca) => {
        const callers = new CallerDirectory(ca.registry, ca.registryPath);
        if (!o.replace && callers.list().some((c) => c.identity.toLowerCase() === identity.toLowerCase())) {
          throw new Error(
            `${identity} is already a caller; give --replace to issue a new token (the old one stops working)`,
          );
        }
        const certificate = o.certificate ? await _readCertificate(o.certificate) : undefined;
        const {
          caller: added,
          token,
          replaced,
        } = callers.add(identity, o.role, {
          certificate: certificate?.der,
          groups: o.group,
        });
        cli.print(
          {
            identity: added.identity,
            role: added.role,
            groups: added.groups,
            token,
            replaced,
            ...(certificate && { certificate: certificate.subjectDn }),
          },
          [
            `${added.identity} ${replaced ? 'now has a new token' : 'added'} as ${added.role}${added.groups.length ? ` in ${added.groups.join(', ')}` : ''}.`,
            `Token (shown only now; give it to the caller as "Authorization: Bearer <token>"):`,
            token,
            ...(certificate ? [`The TLS client certificate "${certificate.subjectDn}" also authenticates it.`] : []),
          ],
        );
      }),
    );
  caller
    .command('groups')
    .description("show or edit a caller's groups: +Group adds, -Group removes, bare names replace the list")
    .argument('<DOMAIN\\user>')
    .argument('[edits...]')
    .allowUnknownOption()
    .action((identity: string, edits: string[]) =>
      cli.withCa(async (ca) => {
        const callers = new CallerDirectory(ca.registry, ca.registryPath);
        const groups = edits.length > 0 ? callers.editGroups(identity, edits) : callers.groupsOf(identity);
        if (edits.length === 0 && !callers.list().some((c) => c.identity.toLowerCase() === identity.toLowerCase()))
          throw new Error(`${identity} is not a caller (see "certexit caller list")`);
        cli.print({ identity, groups }, [`${identity}: ${groups.length ? groups.join(', ') : '(no groups)'}`]);
      }),
    );
  caller
    .command('remove')
    .description('remove a caller; its token stops working at once')
    .argument('<DOMAIN\\user>')
    .action((identity: string) =>
      cli.withCa(async (ca) => {
        if (!new CallerDirectory(ca.registry, ca.registryPath).remove(identity)) {
          throw new Error(`${identity} is not a caller (see "certexit caller list")`);
        }
        cli.print({ identity, removed: true }, [`${identity} removed`]);
      }),
    );
  caller
    .command('list')
    .description('the callers and their roles (never their tokens)')
    .action(() =>
      cli.withCa(async (ca) => {
        const callers = new CallerDirectory(ca.registry, ca.registryPath).list();
        cli.print(
          { callers },
          callers.length === 0
            ? ['no callers; add one with "certexit caller add <DOMAIN\\user> --role manager"']
            : callers.map(
                (c) =>
                  `${c.identity}  ${c.role}${c.groups.length ? `  groups ${c.groups.join(', ')}` : ''}${c.created ? `  added ${c.created}` : ''}${c.certificateSha256 ? `  certificate sha256:${c.certificateSha256}` : ''}`,
              ),
        );
      }),
    );
}

/** The flags of `serve`. */
interface _ServeFlags {
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  insecureHttp?: boolean;
  console: boolean;
}

function _readPem(file: string, option: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${option} ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (!text.includes('-----BEGIN ')) throw new Error(`${option} ${file} is not PEM`);
  return text;
}

/** A certificate file, PEM or DER, checked to be a certificate. */
async function _readCertificate(file: string): Promise<{ der: Uint8Array; subjectDn: string }> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`--certificate ${file}: ${(error as Error).message}`, { cause: error });
  }
  const text = bytes.toString('latin1');
  try {
    const certificate = await parseCertificate(
      text.includes('-----BEGIN ') ? fromPem(text).der : new Uint8Array(bytes),
    );
    return { der: certificate.der, subjectDn: certificate.subjectDn };
  } catch (error) {
    throw new Error(`--certificate ${file} is not an X.509 certificate: ${(error as Error).message}`, { cause: error });
  }
}
