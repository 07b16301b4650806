import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { eventually } from '../../../../tooling/test/eventually';
import type { TestPki } from '../../../../tooling/test/test-pki';
import type { HttpsAnswer } from './https-test-client';
import { httpsCall } from './https-test-client';

/** The built `certexit` binary the served-CA tests run. */
export const BUILT_CLI = resolve(import.meta.dirname, '../../dist/cli.js');

/** Fails a suite's set-up, saying what to do, when the binary the test runs is not built. */
export function assertBuiltCli(): void {
  if (!existsSync(BUILT_CLI))
    throw new Error(`${BUILT_CLI} is missing: build first (turbo run build --filter=certexit...)`);
}

/** Runs the built CLI on `dir` and returns its stdout; throws (with its stderr) when it exits non-zero. */
export function runBuiltCli(dir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [BUILT_CLI, '--dir', dir, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}

/** A running `certexit serve` of the built binary, once it has printed the URL it listens on. */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>`, or `https://…` when it serves TLS. */
  readonly url: string;
  /** What it wrote to stdout and stderr so far, interleaved as it came. */
  output(): string;
  /** What it wrote to stderr so far (pino JSON lines). */
  stderr(): string;
  /** Resolves once the process has exited (at once when it already has). */
  exited(): Promise<void>;
}

/**
 * Starts the built `certexit --dir <dir> serve --listen 127.0.0.1:0 <args>` and waits up to 30 s for its URL. The
 * child goes on `children` as soon as it is spawned, so that the test's clean-up kills it even when it never printed a
 * URL (and when it did not, it is killed here before the error is thrown).
 */
export async function startServe(options: {
  dir: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  children?: ChildProcess[];
}): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [BUILT_CLI, '--dir', options.dir, 'serve', '--listen', '127.0.0.1:0', ...(options.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  options.children?.push(child);
  let output = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  const exited = () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : gone);
  try {
    const url = await eventually(() => {
      const found = /https?:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
      if (!found) throw new Error(`serve printed no URL yet: ${output}`);
      return found;
    }, 30_000);
    return { child, url, output: () => output, stderr: () => stderr, exited };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** An exit module loaded from a file: it appends `<event> <context>` to events.log beside it. */
const FILE_MODULE = `import { appendFileSync } from 'node:fs';
const log = new URL('./events.log', import.meta.url);
export default {
  specificationVersion: 'v1',
  progId: 'Test_Events.Exit',
  version: '0.0.0',
  create: () => ({
    Initialize: () => 0x27f,
    GetDescription: () => 'appends events to a file',
    Notify(event, context) { appendFileSync(log, event + ' ' + context + '\\n'); },
  }),
};
`;

/** A CA folder run by the built `certexit serve` over HTTPS, and the built CLI on the same folder. */
export interface ServedCa {
  readonly dir: string;
  readonly url: string;
  /** The built CLI on the folder (`--json`), parsed. */
  cli(...args: string[]): Record<string, unknown>;
  /** The built CLI on the folder (`--json`) when it may exit non-zero (submit: 2 denied, 3 failed, 4 pending). */
  cliOutcome(...args: string[]): { status: number | null; json: Record<string, unknown>; stderr: string };
  /** An HTTPS call trusting the test PKI. */
  call(path: string, options?: { token?: string; method?: string; body?: unknown }): Promise<HttpsAnswer>;
  /** Everything the server wrote to stderr (pino JSON lines). */
  log(): string;
  /** Lines of the events module's log: `[event, context]`. */
  events(): Array<[number, number]>;
  stop(): Promise<void>;
}

/**
 * Sets up a CA folder with the built CLI (`setup` with `setupArgs`), registers a file module that records every
 * event, runs `prepare` (more CLI commands before the server starts), then starts the built `certexit serve` on
 * 127.0.0.1 with the test PKI's certificate.
 */
export async function serveCa(options: {
  dir: string;
  pki: TestPki;
  setupArgs: string[];
  prepare?: (cli: ServedCa['cli']) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<ServedCa> {
  assertBuiltCli();
  const cli = (...args: string[]) => {
    const out = runBuiltCli(options.dir, '--json', ...args);
    return out.trim() === '' ? {} : (JSON.parse(out) as Record<string, unknown>);
  };
  const cliOutcome = (...args: string[]) => {
    const run = spawnSync(process.execPath, [BUILT_CLI, '--dir', options.dir, '--json', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const json = run.stdout.trim() === '' ? {} : (JSON.parse(run.stdout) as Record<string, unknown>);
    return { status: run.status, json, stderr: run.stderr };
  };
  cli('setup', ...options.setupArgs);
  writeFileSync(join(options.dir, 'events-module.mjs'), FILE_MODULE);
  cli('module', 'register', 'Test_Events.Exit', join(options.dir, 'events-module.mjs'));
  options.prepare?.(cli);
  const served = await startServe({
    dir: options.dir,
    args: ['--tls-cert', options.pki.files.cert, '--tls-key', options.pki.files.key, '--log-level', 'info'],
    env: options.env,
  });
  const { child, url } = served;
  const readEvents = () => {
    const file = join(options.dir, 'events.log');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(' ').map(Number) as [number, number]);
  };
  return {
    dir: options.dir,
    url,
    cli,
    cliOutcome,
    call: (path, o = {}) => httpsCall(`${url}${path}`, { ca: options.pki.caPem, ...o }),
    log: served.stderr,
    events: readEvents,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([served.exited(), new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
