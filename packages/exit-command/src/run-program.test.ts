import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProgram } from './run-program';

let dir: string;
const started: number[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certexit-run-program-'));
});

afterEach(async () => {
  // Processes a test made escape on purpose are stopped by their own PIDs.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  await rm(dir, { recursive: true, force: true });
});

/** A real sh script, written by the test. */
async function script(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

const base = { env: { PATH: '/usr/bin:/bin' }, timeoutMs: 10_000, maxOutputBytes: 4096 };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return !alive(pid);
}

async function pidIn(file: string): Promise<number> {
  const pid = Number((await readFile(file, 'utf8')).trim());
  expect(pid).toBeGreaterThan(1);
  return pid;
}

describe('runProgram', () => {
  it('runs without a shell, with only the given environment, and reports the exit code and output', async () => {
    process.env.CERTEXIT_TEST_HOST_SECRET = 'do-not-pass';
    try {
      const program = await script('echo.sh', 'printf "%s|" "$@"; env; echo oops >&2; exit 3');
      const marker = join(dir, 'injected');
      const result = await runProgram({
        ...base,
        program,
        args: ['a b', `$(touch ${marker})`, ';', '*'],
        cwd: dir,
        env: { ...base.env, ONLY: 'this' },
      });
      expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false });
      expect(result.stdout.text.startsWith(`a b|$(touch ${marker})|;|*|`)).toBe(true);
      expect(result.stdout.text).toContain('ONLY=this');
      expect(result.stdout.text).not.toContain('CERTEXIT_TEST_HOST_SECRET');
      expect(result.stderr).toEqual({ text: 'oops\n', bytes: 5, truncated: false });
      await expect(readFile(marker)).rejects.toThrow(/ENOENT/);
    } finally {
      delete process.env.CERTEXIT_TEST_HOST_SECRET;
    }
  });

  it('kills the program and the child it forked, as one process group, on timeout', async () => {
    const pidFile = join(dir, 'child.pid');
    const program = await script('hang.sh', `sleep 300 &\necho $! > "${pidFile}"\nsleep 300`);
    const result = await runProgram({ ...base, program, args: [], cwd: dir, timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(await gone(await pidIn(pidFile))).toBe(true);
  });

  it('keeps only the last MaxOutputBytes of a huge output, reading it all so the program never blocks', async () => {
    const program = await script('flood.sh', 'head -c 30000000 /dev/zero | tr "\\0" x; echo END');
    const result = await runProgram({ ...base, program, args: [], cwd: dir, maxOutputBytes: 1000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.bytes).toBe(30_000_004);
    expect(result.stdout.truncated).toBe(true);
    expect(result.stdout.text).toHaveLength(1000);
    expect(result.stdout.text.endsWith('xxxEND\n')).toBe(true);
  });

  it('ends a child the program forked and left running (holding its output) when the program exits', async () => {
    const pidFile = join(dir, 'child.pid');
    const program = await script('fork.sh', `(sleep 300; echo late) &\necho $! > "${pidFile}"\necho done\nexit 0`);
    const result = await runProgram({ ...base, program, args: [], cwd: dir });
    expect(result).toMatchObject({ exitCode: 0, killedLeftovers: true, timedOut: false });
    expect(result.stdout.text).toBe('done\n');
    expect(await gone(await pidIn(pidFile))).toBe(true);
  });

  it('does not wait for ever on a process that left the group and still holds the output', async () => {
    const pidFile = join(dir, 'escaped.pid');
    const program = await script('escape.sh', `setsid sleep 300 &\necho $! > "${pidFile}"\nexit 0`);
    const result = await runProgram({ ...base, program, args: [], cwd: dir, closeGraceMs: 300 });
    started.push(await pidIn(pidFile));
    expect(result.exitCode).toBe(0);
  });

  it('kills the group when the host stops', async () => {
    const controller = new AbortController();
    const program = await script('wait.sh', 'sleep 300');
    const running = runProgram({ ...base, program, args: [], cwd: dir, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    expect(await running).toMatchObject({ aborted: true, exitCode: null, signal: 'SIGKILL' });
  });

  it('rejects with the spawn error when the program cannot start', async () => {
    await expect(runProgram({ ...base, program: join(dir, 'missing'), args: [], cwd: dir })).rejects.toMatchObject({
      code: 'ENOENT',
    });
    const notExecutable = join(dir, 'plain.txt');
    await writeFile(notExecutable, 'x');
    await expect(runProgram({ ...base, program: notExecutable, args: [], cwd: dir })).rejects.toMatchObject({
      code: 'EACCES',
    });
  });
});
