import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { CaInformation } from '@certexit/engine';
import { CrlScheduler, describeCa, openCa, openCaFolder } from '@certexit/engine';
import type { Command } from 'commander';
import { importExitModule } from '../../builtin-exit-modules';
import { findRunningServer } from '../../http/running-server-record';
import type { CliContext } from '../cli-context';
import { caStateName } from './ca-commands';

/** `cainfo`, `getconfig`, `ping` and `pulse`: what certutil answers about a CA. */
export function registerCaStatusCommands(program: Command, cli: CliContext): void {
  program
    .command('cainfo')
    .description(
      'the CA in full, like certutil -cainfo: names, type, certificates with indexes, states, validity and hashes, CRLs, CDP and AIA URLs, templates, exit modules',
    )
    .action(async () => {
      const info = await _describe(cli.dir());
      cli.print(
        {
          caName: info.sanitizedName,
          ...info,
          certificates: info.certificates.map((c) => ({
            ...c,
            certStateName: caStateName(c.certState),
            crlStateName: caStateName(c.crlState),
          })),
        },
        _cainfoLines(info),
      );
    });

  program
    .command('getconfig')
    .description('the CA configuration string, like certutil -getconfig: <host>\\<CA name>')
    .action(async () => {
      const ca = await openCaFolder(cli.dir(), { importModule: importExitModule });
      try {
        const config = `${ca.machineDnsName}\\${ca.commonName}`;
        cli.print({ config, folder: ca.folder.root }, [`Config String: "${config}"`]);
      } finally {
        await ca.store.close();
      }
    });

  program
    .command('ping')
    .description(
      'check that the CA answers, like certutil -ping: locally (its folder and database), or over the HTTP API with --url',
    )
    .option('--url <url>', 'the base URL of a certexit serve (https://host:port)')
    .option('--ca-file <file>', 'trust this CA certificate (PEM) for the server, besides the system roots')
    .option('--token-stdin', 'read the bearer token from standard input (else CERTEXIT_TOKEN)')
    .action(async (o: { url?: string; caFile?: string; tokenStdin?: boolean }) => {
      const started = performance.now();
      if (o.url) {
        const token = o.tokenStdin
          ? ((await (cli.io.stdin ?? _stdin)()).split(/\r?\n/)[0] ?? '')
          : (process.env.CERTEXIT_TOKEN ?? '');
        if (!token) throw new Error('ping --url needs a caller token: CERTEXIT_TOKEN, or --token-stdin');
        const answer = await _getJson(new URL('/v1/ca', o.url), token, o.caFile && readFileSync(o.caFile, 'utf8'));
        const ms = Math.round(performance.now() - started);
        const name = String(
          (answer as { commonName?: string; name?: string }).commonName ?? (answer as { name?: string }).name ?? '',
        );
        cli.print({ alive: true, url: o.url, ca: answer, ms }, [
          `Connecting to ${o.url} ...`,
          `Server "${name}" API interface is alive (${ms} ms)`,
        ]);
        return;
      }
      const ca = await openCaFolder(cli.dir(), { importModule: importExitModule });
      try {
        const rows = (await ca.store.viewRows({ table: 'requests', where: [], descending: true, limit: 1 })).rows;
        const running = findRunningServer(ca.folder.root);
        const ms = Math.round(performance.now() - started);
        cli.print(
          {
            alive: true,
            config: `${ca.machineDnsName}\\${ca.commonName}`,
            lastRequestId: Number(rows[0]?.RequestID ?? 0),
            serve: running ? { pid: running.pid, url: running.url } : null,
            ms,
          },
          [
            `Connecting to ${ca.machineDnsName}\\${ca.commonName} ...`,
            `Server "${ca.commonName}" database is alive (${ms} ms; newest RequestID ${Number(rows[0]?.RequestID ?? 0)})`,
            running
              ? `certexit serve runs on it: pid ${running.pid}, ${running.url}`
              : 'certexit serve does not run on it',
          ],
        );
      } finally {
        await ca.store.close();
      }
    });

  program
    .command('pulse')
    .description('run the CRL schedule now: publish the base or delta CRL that is due (as serve would), else say when')
    .action(async () => {
      const result = await cli.withEngine(async (authority) => {
        const scheduler = new CrlScheduler(authority.services, { logger: cli.logger() });
        const state = await scheduler.state();
        const publication = state.due ? await scheduler.runDue() : undefined;
        const after = await scheduler.state();
        return { due: state.due ?? null, published: publication?.crls ?? [], next: after.next };
      });
      cli.print(result, [
        ...(result.published.length
          ? result.published.map(
              (c) =>
                `Published ${c.isDelta ? 'delta' : 'base'} CRL ${c.crlNumber} (key ${c.keyIndex}, ${c.entries} entries)`,
            )
          : ['Nothing was due']),
        `Next publication: ${result.next.toISOString()}`,
      ]);
    });
}

async function _describe(dir: string): Promise<CaInformation> {
  // The templates decide the default CATemplates list; a subordinate without its certificate cannot open fully.
  try {
    const ca = await openCa(dir, { importModule: importExitModule });
    try {
      return await describeCa(ca, { templates: ca.templates });
    } finally {
      await ca.store.close();
    }
  } catch (error) {
    const ca = await openCaFolder(dir, { importModule: importExitModule });
    try {
      return await describeCa(ca);
    } finally {
      await ca.store.close();
    }
    void error;
  }
}

function _cainfoLines(info: CaInformation): string[] {
  return [
    `CA name: ${info.sanitizedName}`,
    `Sanitized CA short name (DS name): ${info.shortName}`,
    `DNS Name: ${info.machineDnsName}`,
    `Config String: ${info.config}`,
    `CA type: ${info.caType} -- ${info.caTypeName}`,
    `CA cert count: ${info.certCount}`,
    `KRA cert count: 0`,
    `Key count: ${info.keyCount}`,
    ...info.certificates.flatMap((c) => [
      `CA cert[${c.certIndex}]: ${c.certState} -- ${caStateName(c.certState)} (key index ${c.keyIndex})`,
      ...(c.subject
        ? [
            `  Subject: ${c.subject}`,
            `  Issuer: ${c.issuer}`,
            `  Serial Number: ${c.serialNumber}`,
            `  NotBefore: ${c.notBefore?.toISOString()}`,
            `  NotAfter: ${c.notAfter?.toISOString()}`,
            `  Cert Hash(sha1): ${c.sha1}`,
            `  Cert Hash(sha256): ${c.sha256}`,
          ]
        : []),
      `CRL[${c.certIndex}]: ${c.crlState} -- ${caStateName(c.crlState)}`,
      ...(c.crl
        ? [
            `  Base CRL ${c.crl.crlNumber}: ThisUpdate ${c.crl.thisUpdate.toISOString()}, NextUpdate ${c.crl.nextUpdate.toISOString()}`,
          ]
        : []),
      ...(c.deltaCrl
        ? [
            `  Delta CRL ${c.deltaCrl.crlNumber}: ThisUpdate ${c.deltaCrl.thisUpdate.toISOString()}, NextUpdate ${c.deltaCrl.nextUpdate.toISOString()}`,
          ]
        : []),
    ]),
    'CRL Distribution Points (CRLPublicationURLs):',
    ...info.crlUrls.map((u) => `  ${u.flags}: ${u.url}`),
    'Authority Information Access (CACertPublicationURLs):',
    ...info.aiaUrls.map((u) => `  ${u.flags}: ${u.url}`),
    `Templates: ${info.templates.join(', ') || '(none)'}`,
    `Exit modules: ${info.exitModules.join(', ') || '(none)'}`,
  ];
}

function _getJson(url: URL, token: string, ca: string | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : _httpRequest())(
      url,
      { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, ...(ca && { ca }) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200)
            return reject(new Error(`${url.origin} answered ${response.statusCode}: ${text.slice(0, 200)}`));
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new Error(`${url.origin} did not answer JSON`));
          }
        });
      },
    );
    request.setTimeout(10_000, () => request.destroy(new Error(`${url.origin} did not answer within 10 s`)));
    request.on('error', (e) => reject(new Error(`cannot reach ${url.origin}: ${e.message}`)));
    request.end();
  });
}

async function _stdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * node:http's `request`, taken with `process.getBuiltinModule` rather than imported: Node.js evaluates every export of
 * a built-in imported as ESM, and node:http's WebSocket exports then load undici (about 3 MB of heap in each thread).
 */
function _httpRequest(): typeof import('node:http').request {
  return process.getBuiltinModule('node:http').request;
}
