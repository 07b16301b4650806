import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import type {
  ExitModuleServices,
  HostedExitModuleV1,
  ICertExit,
  ICertExit2,
  ICertManageModule,
  Logger,
} from '@certexit/core';
import {
  CO_E_SERVER_EXEC_FAILURE,
  DISP_E_MEMBERNOTFOUND,
  HRESULT_RPC_CALL_FAILED,
  HRESULT_TIMEOUT,
  RPC_E_DISCONNECTED,
  RPC_E_INVALID_DATAPACKET,
} from '@certexit/core';
import { hostDirectModule } from '@certexit/direct';
import { createAutomationServices } from './automation-services';
import { createDispatch } from './create-dispatch';
import { dispatchToCertExit } from './dispatch-exit-module';
import type { ModuleProcessFault } from './module-process-error';
import { ModuleProcessError } from './module-process-error';
import { VT_BSTR, VT_DISPATCH } from './variant';
import type { WireFrame } from './wire-frame';
import { DEFAULT_MAX_FRAME_BYTES, WIRE_PROTOCOL, WIRE_PROTOCOL_VERSION } from './wire-frame';
import { WirePeer } from './wire-peer';

/** Restart policy of {@link hostOutOfProcessModule}: exponential backoff after each fault. */
export interface ModuleRestartOptions {
  /** Delay before the first restart after a fault. @default 100 */
  initialDelayMs?: number;
  /** The longest delay. @default 30000 */
  maxDelayMs?: number;
  /** Growth of the delay per consecutive fault. @default 2 */
  factor?: number;
  /** A process that ran this long before its fault counts as healthy: the backoff starts over. @default 60000 */
  resetAfterMs?: number;
  /** Give up (calls fail with `RPC_E_DISCONNECTED`) after this many consecutive faults. @default Infinity */
  maxConsecutiveFaults?: number;
}

/** Options of {@link hostOutOfProcessModule}. */
export interface OutOfProcessModuleOptions {
  /** The program, run without a shell. Without a `/` it is looked up on the host's `PATH`. */
  command: string;
  /** Its arguments. @default [] */
  args?: readonly string[];
  /**
   * The module's whole environment: nothing of the host's is inherited (no secrets leak by default).
   * Pass `PATH` yourself if the module needs it. @default {}
   */
  env?: Readonly<Record<string, string>>;
  /** Working directory. @default the host's */
  cwd?: string;
  /** The module's ProgID or name, used in every error and log line. @default the command */
  source?: string;
  /** Deadline of each call into the process (and of its `hello`); a late process is killed as hung. @default 30000 */
  callTimeoutMs?: number;
  /** The largest frame either way, in bytes. @default 4 MiB */
  maxFrameBytes?: number;
  /** The most bytes per second on stdout and stderr together before the process is killed as flooding. @default 64 MiB */
  maxOutputBytesPerSecond?: number;
  /** The most host objects (server-exit handles) the process may hold at once. @default 4096 */
  maxHandles?: number;
  /** Restart policy. */
  restart?: ModuleRestartOptions;
  /**
   * Where the host's own records about the process go (faults, restarts). The module's `log` frames and stderr lines
   * go to `services.logger`, which a host keeps in a namespace of its own (`createModuleLogger`). @default services.logger
   */
  hostLogger?: Logger;
}

/** A fault the host saw, kept for status pages and tests. */
export interface ModuleFaultRecord {
  readonly fault: ModuleProcessFault;
  readonly message: string;
  readonly pid: number | undefined;
  readonly at: Date;
}

/** What {@link hostOutOfProcessModule} returns: a hosted module plus process control. */
export interface OutOfProcessHostedModule extends HostedExitModuleV1 {
  /** The pid of the live process, if one runs. */
  readonly pid: number | undefined;
  /** How many processes were started. */
  readonly starts: number;
  /** The faults seen, oldest first (the last 50). */
  readonly faults: readonly ModuleFaultRecord[];
  /** Stops the process (closes its stdin, then kills it after `graceMs`) and refuses further calls. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Hosts an exit module that runs as its own process, in any language, speaking the wire protocol of `PROTOCOL.md`
 * (newline-delimited JSON over stdin/stdout). The host calls the module's `Initialize`/`Notify`/`GetDescription`/
 * `GetManageModule` late-bound; the module calls back `CreateObject("CertificateAuthority.ServerExit")` and the
 * server-exit methods, each handle backed by its own `services.createServerExit()`.
 *
 * Containment: the module runs as the leader of a process group of its own, and the whole group (the children it
 * started included) is killed whenever the host ends it. A process that crashes, hangs past `callTimeoutMs`, floods
 * its output, sends a malformed or oversized frame, or calls an unknown DISPID or handle is killed; the calls in flight fail with a {@link ModuleProcessError}
 * naming the module, the pid and what it did (retryable, so the outbox delivers the event again), and a new process
 * is started after an exponential backoff and initialized again with the same CA name. The CA and other modules
 * never see an exception: like every hosted module, each `do` call resolves to a `CallOutcome`.
 *
 * @example
 * ```ts
 * const hosted = hostOutOfProcessModule(
 *   { command: '/opt/exits/inventory.py', env: { PATH: '/usr/bin:/bin', INVENTORY_FILE: '/var/lib/inv.log' } },
 *   services,
 * );
 * await hosted.doInitialize('Contoso Issuing CA');
 * ```
 */
export function hostOutOfProcessModule(
  options: OutOfProcessModuleOptions,
  services: ExitModuleServices,
): OutOfProcessHostedModule {
  const supervisor = new _Supervisor(options, services);
  const source = supervisor.source;
  const exit: ICertExit2 = {
    Initialize: async (caName) => {
      const mask = await (await supervisor.exit()).Initialize(caName);
      supervisor.initializedWith = caName;
      return mask;
    },
    Notify: async (event, context) => (await supervisor.exit()).Notify(event, context),
    GetDescription: async () => (await supervisor.exit()).GetDescription(),
    GetManageModule: async () => {
      const e = await supervisor.exit();
      return ('GetManageModule' in e ? await e.GetManageModule() : undefined) as ICertManageModule;
    },
  };
  // The direct host contains every call; its deadline only backs up ours (which kills the process first).
  const outer = supervisor.callTimeoutMs * 2 + 1000;
  const hosted = hostDirectModule(exit, {
    source,
    callTimeoutMs: outer,
    notifyTimeoutMs: outer,
    binding: 'automation',
  });
  return {
    ...hosted,
    get pid() {
      return supervisor.live?.child.pid;
    },
    get starts() {
      return supervisor.starts;
    },
    get faults() {
      return supervisor.faults;
    },
    close: (graceMs) => supervisor.close(graceMs),
  };
}

interface _Connection {
  readonly child: ChildProcessWithoutNullStreams;
  readonly peer: WirePeer;
  readonly startedAt: number;
  exit?: ICertExit | ICertExit2;
  dead: boolean;
  stderrTail: string;
  /** Rejects when the process faults, so that start-up steps stop waiting. */
  readonly died: Promise<never>;
  rejectDied: (error: Error) => void;
}

class _Supervisor {
  readonly source: string;
  readonly callTimeoutMs: number;
  readonly faults: ModuleFaultRecord[] = [];
  live: _Connection | undefined;
  starts = 0;
  initializedWith: string | undefined;
  private starting: Promise<ICertExit | ICertExit2> | undefined;
  private consecutiveFaults = 0;
  private nextStartAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly restart: Required<ModuleRestartOptions>;
  private readonly hostRoot;
  private readonly hostLogger: Logger;

  constructor(
    private readonly options: OutOfProcessModuleOptions,
    private readonly services: ExitModuleServices,
  ) {
    this.source = options.source ?? options.command;
    this.hostLogger = options.hostLogger ?? services.logger;
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.restart = {
      initialDelayMs: 100,
      maxDelayMs: 30_000,
      factor: 2,
      resetAfterMs: 60_000,
      maxConsecutiveFaults: Number.POSITIVE_INFINITY,
      ...options.restart,
    };
    // Handle 0 on the host side: the object whose CreateObject gives a script its ServerExit.
    const automation = createAutomationServices(services);
    this.hostRoot = createDispatch(
      { CreateObject: (progId: string) => automation.CreateObject(progId) },
      { methods: { CreateObject: { params: [VT_BSTR], returns: VT_DISPATCH } }, source: 'certexit' },
    );
    services.signal.addEventListener('abort', () => void this.close(), { once: true });
  }

  /** The module's ICertExit over a live, initialized process: starting one (after the backoff) if needed. */
  exit(): Promise<ICertExit | ICertExit2> {
    if (this.closed) return Promise.reject(this.error('unavailable', undefined, 'is closed', RPC_E_DISCONNECTED));
    if (this.live?.exit && !this.live.dead) return Promise.resolve(this.live.exit);
    if (!this.starting) {
      const wait = this.nextStartAt - Date.now();
      if (this.consecutiveFaults >= this.restart.maxConsecutiveFaults) {
        const last = this.faults.at(-1)?.message ?? 'none';
        return Promise.reject(
          this.error(
            'unavailable',
            undefined,
            `was given up after ${this.consecutiveFaults} faults; last: ${last}`,
            RPC_E_DISCONNECTED,
          ),
        );
      }
      if (wait > this.callTimeoutMs) {
        return Promise.reject(
          this.error('unavailable', undefined, `is restarting in ${wait} ms after a fault`, RPC_E_DISCONNECTED),
        );
      }
      const attempt = _sleep(Math.max(0, wait)).then(() => this.start());
      this.starting = attempt;
      attempt.then(
        () => {
          if (this.starting === attempt) this.starting = undefined;
        },
        () => {
          if (this.starting === attempt) this.starting = undefined;
        },
      );
    }
    return this.starting;
  }

  private async start(): Promise<ICertExit | ICertExit2> {
    if (this.closed) throw this.error('unavailable', undefined, 'is closed', RPC_E_DISCONNECTED);
    clearTimeout(this.restartTimer);
    const maxFrameBytes = this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    const child = spawn(this.options.command, [...(this.options.args ?? [])], {
      env: { ...(this.options.env ?? {}) },
      cwd: this.options.cwd,
      shell: false,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      // Its own process group (and session): what it starts is killed with it, and a terminal's Ctrl+C reaches the
      // host, which stops the module itself.
      detached: process.platform !== 'win32',
    });
    this.starts++;
    let hello: (frame: WireFrame) => void = () => undefined;
    const helloFrame = new Promise<WireFrame>((resolve) => {
      hello = resolve;
    });
    let rejectDied: (error: Error) => void = () => undefined;
    const died = new Promise<never>((_, reject) => {
      rejectDied = reject;
    });
    died.catch(() => undefined);
    const connection: _Connection = {
      child,
      died,
      rejectDied,
      dead: false,
      startedAt: Date.now(),
      stderrTail: '',
      peer: new WirePeer({
        write: (line) => {
          if (!connection.dead) child.stdin.write(`${line}\n`);
        },
        root: this.hostRoot,
        maxFrameBytes,
        callTimeoutMs: this.callTimeoutMs,
        maxHandles: this.options.maxHandles,
        source: 'CertificateAuthority.ServerExit',
        onFault: ({ fault, detail }) => this.fault(connection, fault, detail),
        onFrame: (frame) => {
          if (frame.t === 'hello') hello(frame);
          else if (frame.t === 'log') this.log(connection, frame);
        },
      }),
    };
    this.live = connection;
    this.watch(connection, maxFrameBytes);

    // hello both ways, then the names, then Initialize again if the host had initialized an earlier process.
    connection.peer.send({
      t: 'hello',
      protocol: WIRE_PROTOCOL,
      version: WIRE_PROTOCOL_VERSION,
      role: 'host',
      module: this.source,
      maxFrameBytes,
    });
    const timer = setTimeout(
      () => this.fault(connection, 'hung', `did not send its hello within ${this.callTimeoutMs} ms`),
      this.callTimeoutMs,
    );
    const frame = await Promise.race([helloFrame, died]).finally(() => clearTimeout(timer));
    if (frame.protocol !== WIRE_PROTOCOL || frame.version !== WIRE_PROTOCOL_VERSION) {
      this.fault(
        connection,
        'protocol-mismatch',
        `said hello with ${JSON.stringify(frame.protocol)} version ${JSON.stringify(frame.version)}`,
      );
      return died;
    }
    const maxInFlight = frame.maxInFlight;
    connection.peer.maxInFlight =
      Number.isSafeInteger(maxInFlight) && (maxInFlight as number) > 0 ? (maxInFlight as number) : 1;
    const exit = await Promise.race([dispatchToCertExit(connection.peer.remote(0)), died]);
    if (this.initializedWith !== undefined) await Promise.race([exit.Initialize(this.initializedWith), died]);
    connection.exit = exit;
    return exit;
  }

  private watch(connection: _Connection, maxFrameBytes: number): void {
    const { child, peer } = connection;
    const limit = this.options.maxOutputBytesPerSecond ?? 64 * 1024 * 1024;
    let windowStart = Date.now();
    let windowBytes = 0;
    const count = (bytes: number): boolean => {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        windowBytes = 0;
      }
      windowBytes += bytes;
      if (windowBytes <= limit) return true;
      this.fault(connection, 'flooded-output', `wrote more than ${limit} bytes within one second`);
      return false;
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (!connection.dead && count(chunk.length)) peer.push(chunk);
    });
    let line = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (connection.dead || !count(chunk.length)) return;
      connection.stderrTail = (connection.stderrTail + chunk.toString('utf8')).slice(-2048);
      line += chunk.toString('utf8');
      const lines = line.split('\n');
      line = (lines.pop() ?? '').slice(-maxFrameBytes);
      for (const text of lines) {
        if (text) this.services.logger.info({ pid: child.pid, stderr: text.slice(0, 4096) }, 'module stderr');
      }
    });
    child.stdin.on('error', () => undefined); // EPIPE when it died: the exit event reports it.
    child.on('error', (error) =>
      this.fault(connection, 'spawn-failed', `could not be started (${this.options.command}): ${error.message}`),
    );
    child.on('exit', (code, signal) => {
      const tail = connection.stderrTail.trim().split('\n').slice(-3).join(' | ');
      this.fault(
        connection,
        'crashed',
        `exited${signal ? ` on ${signal}` : ` with code ${code}`}${tail ? `; stderr: ${tail}` : ''}`,
      );
    });
  }

  private fault(connection: _Connection, fault: ModuleProcessFault, detail: string): void {
    if (connection.dead) return;
    connection.dead = true;
    const expected = this.closed && fault === 'crashed';
    const pid = connection.child.pid;
    // The whole group: a module's children must not outlive it (a crash of the leader leaves them running).
    _killGroup(connection.child);
    const hresult = _HRESULTS[fault];
    connection.peer.close((what) =>
      this.error(fault, pid, `${detail}${what === 'a call' ? '' : ` during ${what}`}`, hresult),
    );
    connection.rejectDied(this.error(fault, pid, `${detail} while starting`, hresult));
    if (this.live === connection) this.live = undefined;
    if (expected) return;
    const message = this.error(fault, pid, detail, hresult).message;
    this.faults.push({ fault, message, pid, at: new Date() });
    if (this.faults.length > 50) this.faults.shift();
    if (Date.now() - connection.startedAt >= this.restart.resetAfterMs) this.consecutiveFaults = 0;
    this.consecutiveFaults++;
    const delay = Math.min(
      this.restart.maxDelayMs,
      this.restart.initialDelayMs * this.restart.factor ** (this.consecutiveFaults - 1),
    );
    this.nextStartAt = Date.now() + delay;
    this.hostLogger.error({ module: this.source, pid, fault, restartInMs: delay }, message);
    // Restart eagerly, so the next event finds a process; a start that fails is a fault of its own.
    clearTimeout(this.restartTimer);
    if (this.consecutiveFaults < this.restart.maxConsecutiveFaults && !this.closed) {
      this.restartTimer = setTimeout(() => void this.exit().catch(() => undefined), delay);
      this.restartTimer.unref?.();
    }
  }

  private log(connection: _Connection, frame: WireFrame): void {
    const level = frame.level === 'debug' || frame.level === 'warn' || frame.level === 'error' ? frame.level : 'info';
    const fields =
      typeof frame.fields === 'object' && frame.fields !== null && !Array.isArray(frame.fields) ? frame.fields : {};
    // The module's fields stay its own: services.logger keeps them apart from the host's (createModuleLogger); the
    // pid is the host's word, set last.
    this.services.logger[level]({ ...fields, pid: connection.child.pid }, String(frame.msg ?? ''));
  }

  error(fault: ModuleProcessFault, pid: number | undefined, detail: string, hresult: number): ModuleProcessError {
    const who = pid === undefined ? 'module process' : `module process (pid ${pid})`;
    return new ModuleProcessError({ fault, module: this.source, pid, hresult, message: `${who} ${detail}` });
  }

  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const connection = this.live;
    if (!connection || connection.dead) return;
    const { child } = connection;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.stdin.end();
    const timer = setTimeout(() => _killGroup(child), graceMs);
    await exited;
    clearTimeout(timer);
    // What the module started and left behind goes with it.
    _killGroup(child);
  }
}

const _HRESULTS: Record<ModuleProcessFault, number> = {
  'spawn-failed': CO_E_SERVER_EXEC_FAILURE,
  crashed: HRESULT_RPC_CALL_FAILED,
  hung: HRESULT_TIMEOUT,
  'flooded-output': RPC_E_INVALID_DATAPACKET,
  'malformed-frame': RPC_E_INVALID_DATAPACKET,
  'oversized-frame': RPC_E_INVALID_DATAPACKET,
  'unknown-dispid': DISP_E_MEMBERNOTFOUND,
  'unknown-handle': RPC_E_INVALID_DATAPACKET,
  'protocol-mismatch': RPC_E_INVALID_DATAPACKET,
  unavailable: RPC_E_DISCONNECTED,
};

/**
 * SIGKILL to the module's process group (its own, see `spawn`'s `detached`), which reaches the children it started
 * even after the leader has exited; the process alone where there are no groups.
 */
function _killGroup(child: ChildProcessWithoutNullStreams): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform !== 'win32') {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is gone (every member exited).
    }
  }
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function _sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
