import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { opensslOk } from '../../../../../tooling/test/test-pki';
import { runCliInProcess } from '../../../test/support/run-cli-in-process';
import { startServer } from '../../http/start-server';

const work = mkdtempSync(join(tmpdir(), 'certexit-cli-status-'));
const dir = join(work, 'ca');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = (args: string[], stdin = '') => runCliInProcess(dir, args, stdin);

describe('certexit ping, pulse', () => {
  it('pings the CA locally and over the HTTP API with a token; pulse publishes the overdue CRL', {
    timeout: 60_000,
  }, async () => {
    expect((await cli(['setup', '--name', 'Status CA'])).code).toBe(0);
    const local = await cli(['ping']);
    expect(local.code, local.err.join('\n')).toBe(0);
    expect(local.out[0]).toBe('Connecting to localhost\\Status CA ...');
    expect(local.out[1]).toMatch(/^Server "Status CA" database is alive \(\d+ ms; newest RequestID 0\)$/);
    expect(local.out[2]).toBe('certexit serve does not run on it');

    const server = await startServer({
      dir,
      listen: '127.0.0.1:0',
      logger: pino({ level: 'silent' }),
      builtins: {},
      processMetrics: false,
    });
    try {
      const token = server.callers.add('CERTEXIT\\ops', 'requester').token;
      const remote = await cli(['--json', 'ping', '--url', server.url, '--token-stdin'], `${token}\n`);
      expect(remote.code, remote.err.join('\n')).toBe(0);
      expect(remote.json).toMatchObject({ alive: true, url: server.url });
      const refused = await cli(['ping', '--url', server.url, '--token-stdin'], 'not-a-token\n');
      expect(refused.code).toBe(1);
      expect(refused.err.join()).toMatch(/answered 401/);
      expect((await cli(['ping', '--url', 'http://127.0.0.1:1', '--token-stdin'], 'x\n')).err.join()).toMatch(
        /cannot reach http:\/\/127\.0\.0\.1:1/,
      );
    } finally {
      await server.close();
    }

    const idle = await cli(['pulse']);
    expect(idle.out[0]).toBe('Nothing was due');
    // The CA was down past its Next CRL Publish: the schedule publishes the base CRL (and its delta) now.
    const db = new DatabaseSync(join(dir, 'certexit.db'));
    const before = Number(db.prepare('SELECT MAX(crl_number) AS n FROM crls').get()?.n);
    db.prepare('UPDATE crls SET next_publish = 1').run();
    db.close();
    const due = await cli(['--json', 'pulse']);
    expect(due.code, due.err.join('\n')).toBe(0);
    expect(due.json.due).toBe('base');
    expect(due.json.published.map((c: { crlNumber: number }) => c.crlNumber)).toContain(before + 1);
    const text = opensslOk([
      'crl',
      '-inform',
      'DER',
      '-in',
      join(dir, 'CertEnroll', 'Status CA.crl'),
      '-noout',
      '-crlnumber',
    ]);
    expect(BigInt(text.trim().split('=')[1]!)).toBe(BigInt(before + 1));
  });
});
