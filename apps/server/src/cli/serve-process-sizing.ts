/**
 * How `certexit serve` sizes its own process. Node.js sizes V8's heaps and glibc its malloc arenas for throughput
 * on a large machine: the young generation grows to two semi-spaces of tens of megabytes each, the old generation
 * grows well ahead of what is live, and every thread that allocates gets an arena of its own; each isolate (the
 * engine's and its threads') does so on its own. A CA server spends its time in native signing, TLS and SQLite, and
 * its requests are small and short-lived: that headroom buys it no speed and stays resident after a burst. V8's
 * `--optimize-for-size` keeps every isolate's heaps close to what they hold. The entry point imports only this
 * file, so the process can still start over with other settings before anything is loaded.
 */

/** The young generation's semi-space of a server: enough for a request's garbage to die young. */
export const SERVE_SEMI_SPACE_MB = 2;
/** glibc's malloc arenas of a server (its default is eight per core). */
export const SERVE_MALLOC_ARENAS = 2;
/** V8's mode that favours memory over speed (growth of the heaps, code kept); `--no-optimize-for-size` opts out. */
export const SERVE_V8_MODE = '--optimize-for-size';

/** What the process starts over with: V8 flags before the script, and the environment. */
export interface ServeProcessSizing {
  execArgv: string[];
  env: Record<string, string | undefined>;
}

/**
 * The settings `certexit serve` starts over with, or `undefined` when it runs as it is: another command, a server
 * already sized, or one whose operator chose these settings (`--max-semi-space-size` and `--[no-]optimize-for-size`
 * on the command line, the former also in `NODE_OPTIONS`; `MALLOC_ARENA_MAX` in the environment), whose choice
 * stands.
 * @param args the arguments after the script (`process.argv.slice(2)`)
 */
export function serveProcessSizing(
  args: readonly string[],
  execArgv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ServeProcessSizing | undefined {
  if (_command(args) !== 'serve') return undefined;
  const flags = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  const chosen = (pattern: RegExp) => flags.some((flag) => pattern.test(flag));
  const added = [
    ...(chosen(/^--max[-_]semi[-_]space[-_]size\b/) ? [] : [`--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`]),
    ...(chosen(/^--(no[-_])?optimize[-_]for[-_]size$/) ? [] : [SERVE_V8_MODE]),
  ];
  const arenasChosen = env.MALLOC_ARENA_MAX !== undefined && env.MALLOC_ARENA_MAX !== '';
  if (added.length === 0 && arenasChosen) return undefined;
  return {
    execArgv: [...added, ...execArgv],
    env: arenasChosen ? { ...env } : { ...env, MALLOC_ARENA_MAX: String(SERVE_MALLOC_ARENAS) },
  };
}

/**
 * Starts `certexit serve` over in the same process (same PID, so a service manager still watches it) with
 * {@link serveProcessSizing}'s settings; returns without doing anything when there are none, or where the platform
 * cannot replace a process (Windows), where the server runs with Node.js's defaults.
 */
export function sizeServeProcess(): void {
  const sizing = serveProcessSizing(process.argv.slice(2), process.execArgv, process.env);
  if (!sizing || typeof process.execve !== 'function') return;
  const env = Object.fromEntries(
    Object.entries(sizing.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  try {
    process.execve(process.execPath, [process.execPath, ...sizing.execArgv, ...process.argv.slice(1)], env);
  } catch {
    // Not replaced (a sandbox that forbids exec, say): the server runs with Node.js's defaults.
  }
}

/** The command word of a `certexit` command line: the first argument that is not a global option or its value. */
function _command(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--dir') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
