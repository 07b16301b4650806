import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const DIST = resolve(import.meta.dirname, '../../dist');
const ENGINE = resolve(import.meta.dirname, '../../../../packages/engine/dist/index.js');

const work = mkdtempSync(join(tmpdir(), 'certexit-footprint-'));
let scripts = 0;

/** Runs `script` as an ES module in a fresh Node.js process. */
function runModule(script: string): string {
  const file = join(work, `script-${++scripts}.mjs`);
  writeFileSync(file, script);
  return execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
}

/** What a fresh Node.js process holds after `script` (an ES module): whether undici was loaded, and which packages. */
function footprint(script: string): { undici: boolean; packages: string[] } {
  const report = `
    const { createRequire } = await import('node:module');
    const loaded = Object.keys(createRequire(import.meta.url).cache)
      .map((f) => /node_modules\\/(?:\\.pnpm\\/[^/]+\\/node_modules\\/)?((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1])
      .filter(Boolean);
    console.log(JSON.stringify({
      undici: process.moduleLoadList.some((m) => m.includes('undici')),
      packages: [...new Set(loaded)].sort(),
    }));`;
  return JSON.parse(runModule(`${script}\n${report}`).trim().split('\n').at(-1) ?? '{}');
}

/**
 * What `certexit serve`'s threads load decides most of its memory: each thread holds the source and code of what it
 * imported. The exit-module thread loads the modules (not the HTTP server, the CLI and the console); mail, template
 * validation and undici are loaded when used, not at import.
 */
describe("the server's threads load what they use", { timeout: 60_000 }, () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("the exit-module thread's entry holds the modules without the server beside them", () => {
    const entry = join(DIST, 'builtin-exit-modules.js');
    expect(existsSync(entry), `${entry} is missing: build first (pnpm build)`).toBe(true);
    const thread = footprint(`await import(${JSON.stringify(pathToFileURL(entry).href)});`);
    expect(thread.undici).toBe(false);
    for (const name of ['fastify', 'commander', 'pino', 'prom-client', 'nodemailer', 'zod'])
      expect(thread.packages).not.toContain(name);
    // The whole bundle, for comparison: the HTTP server is in it (so the check above can fail), undici still is not.
    const server = footprint(`await import(${JSON.stringify(pathToFileURL(join(DIST, 'index.js')).href)});`);
    expect(server.packages).toContain('fastify');
    expect(server.undici).toBe(false);
    expect(server.packages).not.toContain('nodemailer');
  });

  it('a CA opened with its templates read at first use loads their validator only then', () => {
    const engine = JSON.stringify(pathToFileURL(ENGINE).href);
    const dir = JSON.stringify(join(work, 'ca'));
    footprint(`const { setupCa } = await import(${engine});
      await setupCa({ dir: ${dir}, commonName: 'Footprint CA', type: 'standalone-root', exitModules: [] });`);
    const zod = `Object.keys((await import('node:module')).createRequire(import.meta.url).cache).some((f) => f.includes('/zod/'))`;
    const opened = (templates: string) =>
      runModule(`const { openCa } = await import(${engine});
        const ca = await openCa(${dir}, { templates: '${templates}' });
        const atOpen = ${zod};
        const names = ca.templates.map((t) => t.name);
        console.log(JSON.stringify({ atOpen, afterList: ${zod}, names }));
        await ca.store.close();`);
    const parse = (out: string) => JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
    const lazy = parse(opened('first-use'));
    expect(lazy).toMatchObject({ atOpen: false, afterList: true });
    expect(lazy.names).toContain('WebServer');
    // Read at open (the default): an invalid file refuses the CA at once, so the validator is loaded by then.
    expect(parse(opened('open'))).toMatchObject({ atOpen: true, afterList: true });
  });
});
