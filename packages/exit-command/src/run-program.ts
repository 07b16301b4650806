import { spawn } from 'node:child_process';

/** What {@link runProgram} runs, and within which limits. */
export interface RunProgramOptions {
  /** An absolute path: no shell, no `PATH` lookup. */
  readonly program: string;
  readonly args: readonly string[];
  /** The whole environment of the program: nothing of the host's is inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** After this long the program and everything in its process group are killed (SIGKILL). */
  readonly timeoutMs: number;
  /** Output kept per stream (the last bytes); the rest is read and dropped, so the program never blocks on a pipe. */
  readonly maxOutputBytes: number;
  /** Aborting kills the process group (the host is stopping). */
  readonly signal?: AbortSignal;
  /**
   * How long to wait, after the program exits and its group is killed, for its output pipes to close (a process
   * that left the group may hold them) before giving up on the rest of the output. @default 2000
   */
  readonly closeGraceMs?: number;
}

/** One output stream as kept. */
export interface ProgramOutput {
  /** The last `maxOutputBytes` bytes, as UTF-8. */
  readonly text: string;
  /** Every byte the program wrote to the stream. */
  readonly bytes: number;
  readonly truncated: boolean;
}

/** How the program ended. */
export interface ProgramResult {
  /** The exit code, or `null` when a signal ended it. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Killed, with its group, after `timeoutMs`. */
  readonly timedOut: boolean;
  /** Killed, with its group, because `signal` was aborted. */
  readonly aborted: boolean;
  /** Processes of its group were still running when it exited, and were killed. */
  readonly killedLeftovers: boolean;
  readonly stdout: ProgramOutput;
  readonly stderr: ProgramOutput;
  readonly durationMs: number;
}

/**
 * Runs a program the way a CA should run someone else's code: `spawn` with an argument list (no shell), only the
 * given environment, stdin closed, in a process group of its own (`detached`), so that a timeout or a stop kills it
 * together with everything it started (`kill(-pgid, SIGKILL)`); and when it exits, whatever it left running in its
 * group is killed too, so nothing outlives the notification. Output is read as it comes and only the last
 * `maxOutputBytes` of each stream are kept.
 * @throws the spawn error (`ENOENT`, `EACCES`, ...) when the program cannot be started.
 */
export function runProgram(options: RunProgramOptions): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(options.program, [...options.args], {
      env: { ...options.env },
      cwd: options.cwd,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const stdout = _capture(options.maxOutputBytes);
    const stderr = _capture(options.maxOutputBytes);
    child.stdout.on('data', stdout.push);
    child.stderr.on('data', stderr.push);

    let timedOut = false;
    let aborted = false;
    let killedLeftovers = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const killGroup = (): boolean => {
      const pid = child.pid;
      if (pid === undefined) return false;
      let alive = false;
      if (process.platform !== 'win32') {
        try {
          process.kill(-pid, 0);
          alive = true;
          process.kill(-pid, 'SIGKILL');
        } catch {
          // ESRCH: nothing is left in the group.
        }
      }
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return alive;
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        reject(error);
        return;
      }
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        aborted,
        killedLeftovers,
        stdout: stdout.result(),
        stderr: stderr.result(),
        durationMs: Math.round(performance.now() - started),
      });
    };

    child.once('error', (error) => {
      // Spawning failed (no such program, not executable); a kill error cannot happen with SIGKILL to a child.
      if (exit === undefined) finish(error);
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // What it started and left behind (a background job holding our pipes) ends with it.
      if (!timedOut && !aborted) killedLeftovers = killGroup();
      graceTimer = setTimeout(() => {
        // A process that left the group still holds the pipes: stop reading and report what we have.
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, options.closeGraceMs ?? 2000);
    });
    child.once('close', () => finish());
  });
}

function _capture(max: number) {
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  return {
    push: (chunk: Buffer) => {
      total += chunk.length;
      if (max <= 0) return;
      chunks.push(chunk);
      kept += chunk.length;
      while (kept > max && chunks.length > 0) {
        const first = chunks[0] as Buffer;
        const excess = kept - max;
        if (first.length <= excess) {
          chunks.shift();
          kept -= first.length;
        } else {
          chunks[0] = first.subarray(excess);
          kept -= excess;
        }
      }
    },
    result: (): ProgramOutput => ({
      text: Buffer.concat(chunks).toString('utf8'),
      bytes: total,
      truncated: total > kept,
    }),
  };
}
