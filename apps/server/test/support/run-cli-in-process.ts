import { expect } from 'vitest';
import { runCli } from '../../src/cli/main';

/** The CLI tests read what the CLI prints, not its logs. */
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** What one run of the CLI printed, line by line, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
  /** stdout as one string. */
  readonly text: string;
  /** stdout parsed, when `--json` came first in the arguments and something was printed; else undefined. */
  // biome-ignore lint/suspicious/noExplicitAny: whatever the command printed; each test asserts the shape it expects.
  readonly json: any;
}

/**
 * Runs `certexit --dir <dir> <args>` in this process (`runCli`), capturing what it prints; `stdin`, when given, is
 * what the command reads from standard input (`--password-stdin`, `--token-stdin`).
 */
export async function runCliInProcess(dir: string, args: readonly string[], stdin?: string): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['--dir', dir, ...args], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    logger: silent,
    ...(stdin !== undefined && { stdin: async () => stdin }),
  });
  const text = out.join('\n');
  return { code, out, err, text, json: args[0] === '--json' && out.length > 0 ? JSON.parse(text) : undefined };
}

/**
 * The CLI on one CA folder: `cli(...args)` runs it; `json(...args)` runs it with `--json`, expects exit code 0 (the
 * failure message is what it printed on stderr) and returns the JSON it printed.
 */
export function cliOnFolder(dir: string) {
  return {
    cli: (...args: string[]) => runCliInProcess(dir, args),
    async json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
      const run = await runCliInProcess(dir, ['--json', ...args]);
      expect(run.code, run.err.join('\n')).toBe(0);
      return JSON.parse(run.out.join('\n')) as T;
    },
  };
}
