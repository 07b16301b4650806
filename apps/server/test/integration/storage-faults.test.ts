import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_ISSUED } from '@certexit/core';
import { setupCa } from '@certexit/engine';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeenEvent } from '../../../../packages/engine/test/support/recording-module';
import { recordingModule } from '../../../../packages/engine/test/support/recording-module';
import { eventually } from '../../../../tooling/test/eventually';
import { runCli } from '../../src/cli/main';
import type { RunningServer } from '../../src/http/start-server';
import { startServer } from '../../src/http/start-server';

/**
 * Issue 12, Faults: "a full disk killed serve ('cannot rollback - no transaction is active'), and a CLI submit crashed
 * the same way". The CA folder lives on a small tmpfs this test mounts (as root, as CI runs); the disk is filled
 * under a running server: each request fails with a 503 naming the folder and the cause, the server keeps running and
 * answering, a CLI submit fails with one line, and once space returns everything works again. Nothing acknowledged is
 * lost, and no RequestID is skipped or reused.
 */
describe('a full disk under the CA database', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-full-'));
  const mount = join(work, 'small');
  const dir = join(mount, 'ca');
  const filler = join(mount, 'filler');
  const seen: SeenEvent[] = [];
  let mounted = false;
  let server: RunningServer | undefined;
  let token: string;
  let request: string;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) {
      throw new Error('this test mounts a tmpfs and needs root (CI runs as root): run it as root');
    }
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', mount]);
    mounted = true;
    await setupCa({ dir, commonName: 'Full Disk CA', type: 'enterprise-root', exitModules: ['Test_Full.Exit'] });
    // The requester is a web administrator: WebServer takes the subject from the request, and the CA offers it.
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const printed: string[] = [];
    const cli = (...args: string[]) =>
      runCli(['--dir', dir, ...args], { out: (l) => printed.push(l), err: (l) => printed.push(l), logger: quiet });
    expect(await cli('catemplates', '+WebServer')).toBe(0);
    expect(
      await cli('--json', 'caller', 'add', 'CERTEXIT\\filler', '--role', 'requester', '--group', 'Domain Admins'),
    ).toBe(0);
    token = (JSON.parse(printed.at(-1)!) as { token: string }).token;
    server = await startServer({
      dir,
      listen: '127.0.0.1:0',
      logger: (await import('pino')).default({ level: 'silent' }),
      builtins: { 'Test_Full.Exit': recordingModule({ progId: 'Test_Full.Exit', seen }) },
      processMetrics: false,
    });
    const keyPair = await generateKeyPair('ECDSA_P256');
    request = toPem(
      await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: 'CN=full' }),
      'CERTIFICATE REQUEST',
    );
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    if (mounted) execFileSync('umount', [mount]);
    rmSync(work, { recursive: true, force: true });
  });

  const submit = async () => {
    const response = await fetch(`${server!.url}/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ request, attributes: ['CertificateTemplate:WebServer'] }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  /** Fills the file system to the last byte. */
  const fill = () => {
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    // What tmpfs still rounds up, to the byte.
    const fd2 = openSync(filler, 'a');
    try {
      for (;;) writeSync(fd2, Buffer.alloc(512));
    } catch {
      // full
    } finally {
      closeSync(fd2);
    }
  };

  it('fails the requests in hand with 503 naming the folder, keeps serving, and recovers when space returns', async () => {
    const acknowledged: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await submit();
      expect(ok.status).toBe(201);
      acknowledged.push(Number(ok.json.requestId));
    }
    fill();
    for (let i = 0; i < 5; i++) {
      const full = await submit();
      expect(full.status).toBe(503);
      expect(full.json).toMatchObject({ error: 'unavailable' });
      expect(String(full.json.message)).toContain(dir);
      expect(String(full.json.message)).toMatch(/disk is full/);
    }
    // Still running: reads answer, and a CLI command fails with one clear line instead of a crash.
    expect((await fetch(`${server!.url}/healthz`)).status).toBe(200);
    const lines: string[] = [];
    writeFileSync(join(work, 'full.pem'), request);
    const code = await runCli(
      ['--dir', dir, 'submit', '--attrib', 'CertificateTemplate:WebServer', join(work, 'full.pem')],
      {
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      },
    );
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^certexit: .*disk is full.*\/small\/ca/);

    rmSync(filler);
    for (let i = 0; i < 3; i++) {
      const ok = await submit();
      expect(ok.status).toBe(201);
      acknowledged.push(Number(ok.json.requestId));
    }
    // Nothing acknowledged is lost, and the failed requests left no hole and took no RequestID.
    expect(acknowledged).toEqual([1, 2, 3, 4, 5, 6]);
    const rows = await server!.authority.ca.store.listRequests({ dispositions: [DB_DISP_ISSUED] });
    expect(rows.map((r) => r.RequestID).sort((a, b) => a - b)).toEqual(acknowledged);
    // And each of them reaches the module.
    await eventually(() =>
      expect(new Set(seen.filter((e) => e.event === 0x1).map((e) => e.context))).toEqual(new Set(acknowledged)),
    );
    expect(statSync(dir).isDirectory()).toBe(true);
  }, 60_000);
});
