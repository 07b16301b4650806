import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E_FAIL, EXITEVENT_SHUTDOWN } from '@certexit/core';
import { setupCa } from '@certexit/engine';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { SeenEvent } from '../../../../packages/engine/test/support/recording-module';
import { recordingModule } from '../../../../packages/engine/test/support/recording-module';
import { serveUntilSignal } from '../../src/http/serve-until-signal';
import { startServer } from '../../src/http/start-server';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function newCa(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-http-life-'));
  dirs.push(dir);
  await setupCa({ dir, commonName: 'certexit Lifecycle CA', type: 'standalone-root', exitModules: ['Test_Life.Exit'] });
  return dir;
}

/** Starting and stopping the server: plain HTTP on loopback, SIGTERM-style stop, a database that goes away. */
describe('HTTP server lifecycle', () => {
  it('serves plain HTTP on loopback and, on SIGTERM, stops listening and sends EXITEVENT_SHUTDOWN last', async () => {
    const seen: SeenEvent[] = [];
    const server = await startServer({
      dir: await newCa(),
      listen: '127.0.0.1:0',
      logger: pino({ level: 'silent' }),
      builtins: { 'Test_Life.Exit': recordingModule({ progId: 'Test_Life.Exit', seen }) },
      processMetrics: false,
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const signals = new EventEmitter();
    const stopped = serveUntilSignal(server, { signals });
    expect(seen.map((e) => e.event)).not.toContain(EXITEVENT_SHUTDOWN);
    signals.emit('SIGTERM');
    expect(await stopped).toBe('SIGTERM');
    expect(seen.at(-1)).toMatchObject({ event: EXITEVENT_SHUTDOWN, context: 0 });
    expect(seen.filter((e) => e.event === EXITEVENT_SHUTDOWN)).toHaveLength(1);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await server.close(); // a second close is a no-op
    expect(seen.filter((e) => e.event === EXITEVENT_SHUTDOWN)).toHaveLength(1);
  });

  it('fails clearly when the port is taken, and stops the engine it opened (EXITEVENT_SHUTDOWN)', async () => {
    const dir = await newCa();
    const first = await startServer({
      dir,
      listen: '127.0.0.1:0',
      logger: pino({ level: 'silent' }),
      builtins: { 'Test_Life.Exit': recordingModule({ progId: 'Test_Life.Exit', seen: [] }) },
      processMetrics: false,
    });
    const seen: SeenEvent[] = [];
    try {
      await expect(
        startServer({
          dir,
          listen: { host: '127.0.0.1', port: first.address.port },
          logger: pino({ level: 'silent' }),
          builtins: { 'Test_Life.Exit': recordingModule({ progId: 'Test_Life.Exit', seen }) },
          processMetrics: false,
        }),
      ).rejects.toThrow(
        `cannot listen on 127.0.0.1:${first.address.port}: the port is in use (another server listens on it)`,
      );
      expect(seen.map((e) => e.event)).toEqual([EXITEVENT_SHUTDOWN]);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    } finally {
      await first.close();
    }
  });

  it('answers 503 from /healthz and a 500 that leaks nothing when the database is gone', async () => {
    const lines: string[] = [];
    const server = await startServer({
      dir: await newCa(),
      listen: '127.0.0.1:0',
      logger: pino({ level: 'info' }, { write: (l: string) => lines.push(l) }),
      builtins: { 'Test_Life.Exit': recordingModule({ progId: 'Test_Life.Exit', seen: [] }) },
      processMetrics: false,
    });
    const { token } = server.callers.add('CERTEXIT\\officer', 'manager');
    await server.authority.ca.store.close();

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      error: 'unavailable',
      message: expect.stringMatching(/the CA database cannot be read/),
    });

    const list = await fetch(`${server.url}/v1/requests`, { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(500);
    const body = (await list.json()) as { error: string; message: string };
    const requestId = list.headers.get('x-request-id');
    expect(body).toEqual({
      error: 'internal_error',
      hresult: E_FAIL,
      message: `internal error; the server log has the details under request id ${requestId}`,
    });
    // The details are in the log, under that request id, and only there.
    const logged = lines.map((l) => JSON.parse(l) as { reqId?: string; err?: { stack?: string }; msg: string });
    expect(logged.find((l) => l.reqId === requestId && l.msg === 'request failed')?.err?.stack).toMatch(/\n\s+at /);

    await server.close().catch(() => undefined); // the store is already closed
  });
});
