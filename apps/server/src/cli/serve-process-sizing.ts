/**
 * How `certexit serve` sizes its own process. Node.js sizes V8's young generation and glibc its malloc arenas for
 * throughput on a large machine: the young generation grows to two semi-spaces of tens of megabytes each, and every
 * thread that allocates gets an arena of its own. A CA server's requests are small and short-lived, so neither
 * buys it speed, and both stay resident after a burst. The entry point imports only this file, so the process
 * can still start over with other settings before anything is loaded.
 */

/**
 * The young generation's semi-space of a server: large enough that the objects of the requests in flight rarely
 * survive a scavenge, an eighth of what V8 grows it to on a large host.
 */
export const SERVE_SEMI_SPACE_MB = 4;
/**
 * The old generation's limit of a server. V8 lets the old generation grow by up to four times what survived the
 * last full collection when its limit is in gigabytes (a quarter of the host's memory by default), and by less the
 * lower its limit is (1.4 times at 512 MB). 512 MB is still far above what the server holds (about 30 MB live after a
 * burst, a CRL of tens of megabytes), and the headroom, which stays resident, goes from up to three times the live
 * heap to 0.4 times it. An operator's `--max-old-space-size` stands.
 */
export const SERVE_MAX_OLD_SPACE_MB = 512;
/** glibc's malloc arenas of a server (its default is eight per core). */
export const SERVE_MALLOC_ARENAS = 2;

/** What the process starts over with: V8 flags before the script, and the environment. */
export interface ServeProcessSizing {
  execArgv: string[];
  env: Record<string, string | undefined>;
}

/**
 * The settings `certexit serve` starts over with, or `undefined` when it runs as it is: another command, a server
 * already sized, or one whose operator chose these settings (`--max-semi-space-size` on the command line or in
 * `NODE_OPTIONS`, likewise `--max-old-space-size`, `MALLOC_ARENA_MAX` in the environment), whose choice stands.
 * @param args the arguments after the script (`process.argv.slice(2)`)
 */
export function serveProcessSizing(
  args: readonly string[],
  execArgv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ServeProcessSizing | undefined {
  if (_command(args) !== 'serve') return undefined;
  const flags = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  const semiSpaceChosen = flags.some((flag) => /^--max[-_]semi[-_]space[-_]size\b/.test(flag));
  const oldSpaceChosen = flags.some((flag) => /^--max[-_]old[-_]space[-_]size\b/.test(flag));
  const arenasChosen = env.MALLOC_ARENA_MAX !== undefined && env.MALLOC_ARENA_MAX !== '';
  if (semiSpaceChosen && oldSpaceChosen && arenasChosen) return undefined;
  return {
    execArgv: [
      ...(semiSpaceChosen ? [] : [`--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`]),
      ...(oldSpaceChosen ? [] : [`--max-old-space-size=${SERVE_MAX_OLD_SPACE_MB}`]),
      ...execArgv,
    ],
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
