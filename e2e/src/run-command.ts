import { spawn, spawnSync } from 'node:child_process';

/** What a finished child process left behind. */
export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Throw (with the command's output) unless it exits 0. Default true. */
  check?: boolean;
  timeoutMs?: number;
}

/** Runs a program without a shell and returns its output; by default a non-zero exit throws with that output. */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions): CommandResult {
  const run = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 240_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.error) throw run.error;
  const result = { status: run.status, stdout: run.stdout, stderr: run.stderr };
  if ((options.check ?? true) && run.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited ${run.status}\n${_tail(run.stdout)}\n${_tail(run.stderr)}`,
    );
  }
  return result;
}

/**
 * {@link runCommand} without blocking the event loop, for a child that talks to a server in this process (the
 * registry stand-in).
 */
export function runCommandAsync(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 240_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => {
      if ((options.check ?? true) && status !== 0) {
        reject(
          new Error(
            `${command} ${args.join(' ')} (in ${options.cwd}) exited ${status}\n${_tail(stdout)}\n${_tail(stderr)}`,
          ),
        );
      } else resolve({ status, stdout, stderr });
    });
  });
}

/**
 * Runs the pnpm the repository pins, the way its scripts do (`scripts/lib/pnpm.sh`, sourced in `cwd`, which must be
 * a copy of the repository root).
 */
export function runPnpm(args: readonly string[], options: RunCommandOptions): CommandResult {
  return runCommand('sh', ['-c', PNPM_CMD, 'pnpm', ...args], options);
}

const PNPM_CMD = '. scripts/lib/pnpm.sh && pnpm_cmd "$@"';

/**
 * The environment without anything that could authenticate to npm or GitHub: the release test must pass without
 * credentials, and must not publish or call GitHub even if the developer running it has some.
 */
export function credentialFreeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(GITHUB_TOKEN|GH_TOKEN|NPM_TOKEN|NODE_AUTH_TOKEN|ACTIONS_ID_TOKEN_REQUEST_\w+)$/i.test(name)) continue;
    if (/^npm_config_(_|\/\/|.*auth|.*token|provenance)/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** {@link runPnpm} without blocking the event loop. */
export function runPnpmAsync(args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  return runCommandAsync('sh', ['-c', PNPM_CMD, 'pnpm', ...args], options);
}

function _tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}
