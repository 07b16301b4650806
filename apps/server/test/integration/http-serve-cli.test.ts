import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXITEVENT_CERTISSUED, EXITEVENT_SHUTDOWN } from '@certexit/core';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki } from '../../../../tooling/test/test-pki';
import { createCliContext } from '../../src/cli/cli-context';
import { registerServeCommands } from '../../src/cli/commands/serve-commands';
import { runCli } from '../../src/cli/main';
import { httpsCall } from '../support/https-test-client';

/** An exit module loaded from a file by ProgID registration; it appends every event it gets to events.log. */
const FILE_MODULE = `import { appendFileSync } from 'node:fs';
const log = new URL('./events.log', import.meta.url);
export default {
  specificationVersion: 'v1',
  progId: 'Test_File.Exit',
  version: '0.0.0',
  create: () => ({
    Initialize: () => 0x27f,
    GetDescription: () => 'appends events to a file',
    Notify(event, context) { appendFileSync(log, event + ' ' + context + '\\n'); },
  }),
};
`;

/**
 * `certexit caller add|remove|list` and `certexit serve` as an administrator runs them: HTTPS from files, callers
 * added and removed while the server runs, and SIGTERM stopping it with EXITEVENT_SHUTDOWN to a file-loaded module.
 */
describe('certexit serve and caller (CLI)', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-serve-'));
  const dir = join(work, 'ca');
  let pki: TestPki;
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
  const cli = async (...args: string[]) => {
    const from = lines.length;
    const code = await runCli(['--dir', dir, ...args], io);
    return { code, out: lines.slice(from) };
  };

  beforeAll(async () => {
    pki = createTestPki();
    const setup = await cli('setup', '--name', 'certexit Serve Test CA', '--type', 'enterprise-root');
    expect(setup.code, setup.out.join('\n')).toBe(0);
    writeFileSync(join(dir, 'file-module.mjs'), FILE_MODULE);
    expect((await cli('module', 'register', 'Test_File.Exit', join(dir, 'file-module.mjs'))).code).toBe(0);
    // WebServer is off a new CA's list (the enrollee supplies its subject): the administrator offers it.
    expect((await cli('catemplates', '+WebServer')).code).toBe(0);
  });

  afterAll(() => {
    pki?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('adds a caller and prints its token once; lists callers without secrets; refuses a duplicate', async () => {
    const added = await cli('--json', 'caller', 'add', 'CERTEXIT\\carol', '--role', 'requester');
    expect(added.code).toBe(0);
    const result = JSON.parse(added.out[0]!);
    expect(result).toMatchObject({ identity: 'CERTEXIT\\carol', role: 'requester', replaced: false });
    expect(result.token).toMatch(/^cxt_[A-Za-z0-9_-]{43}$/);

    const text = await cli('caller', 'add', 'CERTEXIT\\dave', '--role', 'manager');
    expect(text.out[0]).toBe('CERTEXIT\\dave added as manager.');
    expect(text.out[2]).toMatch(/^cxt_/);

    const listed = await cli('caller', 'list');
    expect(listed.out.join('\n')).toMatch(/CERTEXIT\\carol {2}requester/);
    expect(listed.out.join('\n')).not.toMatch(/cxt_|sha256/);
    const registry = readFileSync(join(dir, 'registry.json'), 'utf8');
    expect(registry).not.toContain(result.token);
    expect(registry).toMatch(/"TokenHash": "sha256:[0-9a-f]{64}"/);

    const duplicate = await cli('caller', 'add', 'certexit\\CAROL', '--role', 'manager');
    expect(duplicate.code).toBe(1);
    expect(duplicate.out.at(-1)).toMatch(/already a caller; give --replace/);
    expect((await cli('caller', 'add', 'not-a-domain-user', '--role', 'requester')).out.at(-1)).toMatch(
      /is not DOMAIN\\user/,
    );
    expect((await cli('caller', 'add', 'CERTEXIT\\x', '--role', 'admin')).code).not.toBe(0);

    // Groups: given at add, edited certutil-style (-X is a value, not an option), listed.
    expect((await cli('caller', 'groups', 'CERTEXIT\\carol', '+Domain Admins', '+PKI Web')).out).toEqual([
      'CERTEXIT\\carol: Domain Admins, PKI Web',
    ]);
    expect((await cli('caller', 'groups', 'CERTEXIT\\carol', '-Domain Admins')).out).toEqual([
      'CERTEXIT\\carol: PKI Web',
    ]);
    expect((await cli('caller', 'list')).out.join('\n')).toMatch(/CERTEXIT\\carol {2}requester {2}groups PKI Web/);
    expect((await cli('caller', 'groups', 'CERTEXIT\\nobody')).out.at(-1)).toMatch(/is not a caller/);
  });

  it('refuses plain HTTP on a non-loopback address, and a certificate without its key', async () => {
    const plain = await cli('serve', '--listen', '0.0.0.0:0', '--log-level', 'silent');
    expect(plain.code).toBe(1);
    expect(plain.out.at(-1)).toMatch(/refusing plain HTTP on 0\.0\.0\.0.*--insecure-http/);
    const half = await cli('serve', '--tls-cert', pki.files.cert);
    expect(half.out.at(-1)).toMatch(/--tls-cert and --tls-key go together/);
  });

  it('serves HTTPS, sees callers the CLI adds and removes while it runs, and stops on SIGTERM with EXITEVENT_SHUTDOWN', async () => {
    const signals = new EventEmitter();
    const out: string[] = [];
    const program = new Command('certexit')
      .option('--dir <folder>')
      .option('--json')
      .option('--log-level <level>')
      .exitOverride();
    const context = createCliContext({ out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`) }, () =>
      program.opts<{ dir: string; json?: boolean; logLevel?: string }>(),
    );
    registerServeCommands(program, context, { signals });
    const serving = program.parseAsync(
      [
        '--dir',
        dir,
        '--json',
        'serve',
        '--listen',
        '127.0.0.1:0',
        '--tls-cert',
        pki.files.cert,
        '--tls-key',
        pki.files.key,
        '--log-level',
        'silent',
      ],
      { from: 'user' },
    );
    const deadline = Date.now() + 10_000;
    while (out.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const { url } = JSON.parse(out[0]!) as { url: string };
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(signals.listenerCount('SIGTERM')).toBe(1);

    const erin = JSON.parse(
      (await cli('--json', 'caller', 'add', 'CERTEXIT\\erin', '--role', 'requester', '--group', 'Domain Admins'))
        .out[0]!,
    ).token;
    const keyPair = await generateKeyPair('ECDSA_P256');
    const request = toPem(
      await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: 'CN=erin' }),
      'CERTIFICATE REQUEST',
    );
    const issued = await httpsCall(`${url}/v1/requests`, {
      ca: pki.caPem,
      token: erin,
      body: { request, attributes: ['CertificateTemplate:WebServer'] },
    });
    expect(issued.status).toBe(201);
    expect(issued.json.dispositionText).toBe('Issued');
    // serve delivers in the background: the module's file below shows the delivery.
    expect(issued.json.deliveries).toEqual([]);

    expect((await cli('caller', 'remove', 'CERTEXIT\\erin')).code).toBe(0);
    expect((await httpsCall(`${url}/v1/ca`, { ca: pki.caPem, token: erin })).status).toBe(401);
    expect((await cli('caller', 'remove', 'CERTEXIT\\erin')).out.at(-1)).toMatch(/is not a caller/);

    signals.emit('SIGTERM');
    await serving;
    expect(JSON.parse(out.at(-1)!)).toEqual({ stopped: true, signal: 'SIGTERM' });
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    const events = readFileSync(join(dir, 'events.log'), 'utf8').trim().split('\n');
    expect(events).toContain(`${EXITEVENT_CERTISSUED} ${issued.json.requestId}`);
    expect(events.at(-1)).toBe(`${EXITEVENT_SHUTDOWN} 0`);
    await expect(httpsCall(`${url}/healthz`, { ca: pki.caPem })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
