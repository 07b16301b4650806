import { DISP_E_MEMBERNOTFOUND, DISP_E_UNKNOWNNAME, E_FAIL, E_OUTOFMEMORY, FAILED } from '@certexit/core';
import type { IDispatch } from './dispatch';
import { DISPATCH_METHOD, isDispatch } from './dispatch';
import type { ExcepInfo } from './dispatch-error';
import { DispatchError } from './dispatch-error';
import type { ModuleProcessFault } from './module-process-error';
import type { Variant } from './variant';
import type { WireFrame } from './wire-frame';
import { FrameSplitter } from './wire-frame';
import { variantFromWire, variantToWire } from './wire-variant';

/** A protocol violation by the peer, reported to {@link WirePeerOptions.onFault}. */
export interface WireFault {
  readonly fault: ModuleProcessFault;
  readonly detail: string;
}

/** Options of {@link WirePeer}. */
export interface WirePeerOptions {
  /** Writes one frame (already serialized, without the newline). */
  readonly write: (line: string) => void;
  /** The local object at handle 0, which the peer may call. */
  readonly root?: IDispatch;
  /** The largest frame accepted, in bytes. */
  readonly maxFrameBytes: number;
  /** The peer broke the protocol; the peer object is unusable afterwards. */
  readonly onFault: (fault: WireFault) => void;
  /** Frames other than calls and answers: `hello`, `log`. */
  readonly onFrame?: (frame: WireFrame) => void;
  /** Deadline of each outgoing call; when it passes, `onFault` reports `hung`. */
  readonly callTimeoutMs?: number;
  /** The most exported objects at once. @default 4096 */
  readonly maxHandles?: number;
  /** The `EXCEPINFO` source of errors thrown by local objects. @default 'certexit' */
  readonly source?: string;
}

interface _Pending {
  readonly what: string;
  readonly resolve: (frame: WireFrame) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/**
 * One end of the out-of-process protocol (`PROTOCOL.md`), symmetric: it sends calls to the peer's objects through
 * proxies ({@link WirePeer.remote}), answers the peer's calls on its exported objects, pipelines (up to the peer's
 * `maxInFlight` calls are outstanding, the rest queue) and reports every protocol violation as a fault.
 * Not exported from the package: the host and `serveExitModuleOverStdio` are its users.
 */
export class WirePeer {
  private readonly splitter: FrameSplitter;
  private readonly pending = new Map<number, _Pending>();
  private readonly queue: (() => void)[] = [];
  private readonly exported = new Map<number, IDispatch>();
  private readonly handles = new WeakMap<IDispatch, number>();
  private readonly proxies = new Map<number, IDispatch>();
  private readonly proxyHandles = new WeakMap<IDispatch, number>();
  private readonly memberNames = new Map<string, string>();
  private nextId = 1;
  private nextHandle = 1;
  private inFlight = 0;
  private closedWith: Error | undefined;
  /** The most calls the peer accepts at once (from its `hello`). */
  maxInFlight = Number.POSITIVE_INFINITY;

  constructor(private readonly options: WirePeerOptions) {
    if (options.root) this.exported.set(0, options.root);
    this.splitter = new FrameSplitter(
      options.maxFrameBytes,
      (line) => this.receive(line),
      (bytes) =>
        this.fault('oversized-frame', `sent a frame of more than ${bytes} bytes (limit ${options.maxFrameBytes})`),
    );
  }

  /** Feeds bytes read from the peer. */
  push(chunk: Buffer): void {
    if (!this.closedWith) this.splitter.push(chunk);
  }

  /** Sends one frame as is (e.g. `hello`, `log`). */
  send(frame: WireFrame): void {
    if (!this.closedWith) this.options.write(JSON.stringify(frame));
  }

  /** Fails every outstanding and queued call with `error`; later calls fail with it too. */
  close(error: (what: string) => Error): void {
    if (this.closedWith) return;
    this.closedWith = error('a call');
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      this.pending.delete(id);
      call.reject(error(call.what));
    }
    for (const start of this.queue.splice(0)) start();
  }

  /** The number of outgoing calls sent and not answered yet. */
  get outstanding(): number {
    return this.pending.size;
  }

  /** The `IDispatch` proxy of the peer's object `handle` (0 is its root object). */
  remote(handle: number): IDispatch {
    let proxy = this.proxies.get(handle);
    if (!proxy) {
      proxy = {
        GetIDsOfNames: async (names) => {
          const frame = await this.call(`GetIDsOfNames(${JSON.stringify(names[0])})`, {
            t: 'call',
            id: 0,
            handle,
            op: 'names',
            names,
          });
          const ids = frame.dispids;
          if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) {
            throw new DispatchError({ hresult: DISP_E_UNKNOWNNAME, message: 'GetIDsOfNames answered no DISPIDs' });
          }
          for (const [i, name] of names.entries()) this.memberNames.set(`${handle}:${ids[i]}`, name);
          return ids as number[];
        },
        Invoke: async (dispId, flags, args) => {
          const wireArgs = args.map((arg) => variantToWire(arg, (disp) => this.exportObject(disp)));
          const what = this.memberNames.get(`${handle}:${dispId}`) ?? `DISPID ${dispId}`;
          const frame = await this.call(what, {
            t: 'call',
            id: 0,
            handle,
            op: 'invoke',
            dispid: dispId,
            flags,
            args: wireArgs,
          });
          return variantFromWire(frame.value, (h) => this.remote(h));
        },
      };
      this.proxies.set(handle, proxy);
      this.proxyHandles.set(proxy, handle);
    }
    return proxy;
  }

  /** The handle of a proxy made by {@link WirePeer.remote}. */
  handleOf(proxy: IDispatch): number | undefined {
    return this.proxyHandles.get(proxy);
  }

  /** Tells the peer it may forget its object `handle`. */
  release(handle: number): void {
    this.proxies.delete(handle);
    this.send({ t: 'release', handle });
  }

  /** Offers a local object to the peer; the same object keeps its handle. */
  exportObject(disp: IDispatch): number {
    const known = this.handles.get(disp);
    if (known !== undefined) return known;
    if (this.exported.size >= (this.options.maxHandles ?? 4096)) {
      throw new DispatchError({ hresult: E_OUTOFMEMORY, message: 'too many objects handed to the peer' });
    }
    const handle = this.nextHandle++;
    this.exported.set(handle, disp);
    this.handles.set(disp, handle);
    return handle;
  }

  private call(what: string, frame: Record<string, unknown> & { t: 'call' }): Promise<WireFrame> {
    return new Promise<WireFrame>((resolve, reject) => {
      const start = () => {
        if (this.closedWith) {
          reject(this.closedWith);
          return;
        }
        const id = this.nextId++;
        const call: _Pending = {
          what,
          resolve: (answer) => {
            this.done();
            resolve(answer);
          },
          reject: (error) => {
            this.done();
            reject(error);
          },
        };
        const timeout = this.options.callTimeoutMs;
        if (timeout !== undefined && Number.isFinite(timeout)) {
          call.timer = setTimeout(() => this.fault('hung', `did not answer ${what} within ${timeout} ms`), timeout);
          call.timer.unref?.();
        }
        this.pending.set(id, call);
        this.inFlight++;
        this.options.write(JSON.stringify({ ...frame, id }));
      };
      if (this.inFlight < this.maxInFlight) start();
      else this.queue.push(start);
    });
  }

  private done(): void {
    this.inFlight--;
    const next = this.queue.shift();
    if (next) next();
  }

  private fault(fault: ModuleProcessFault, detail: string): false {
    if (!this.closedWith) this.options.onFault({ fault, detail });
    return false;
  }

  private receive(line: string): boolean {
    let frame: unknown;
    try {
      frame = JSON.parse(line);
    } catch {
      return this.fault('malformed-frame', `sent a line that is not JSON: ${_excerpt(line)}`);
    }
    if (
      typeof frame !== 'object' ||
      frame === null ||
      Array.isArray(frame) ||
      typeof (frame as WireFrame).t !== 'string'
    ) {
      return this.fault('malformed-frame', `sent a frame that is no object with a "t": ${_excerpt(line)}`);
    }
    const f = frame as WireFrame;
    switch (f.t) {
      case 'call':
        return this.answer(f, line);
      case 'result':
      case 'error': {
        const call = Number.isSafeInteger(f.id) ? this.pending.get(f.id as number) : undefined;
        if (!call)
          return this.fault('malformed-frame', `answered call ${JSON.stringify(f.id)}, which is not outstanding`);
        this.pending.delete(f.id as number);
        clearTimeout(call.timer);
        if (f.t === 'result') call.resolve(f);
        else call.reject(_errorFromFrame(f));
        return true;
      }
      case 'release':
        if (Number.isSafeInteger(f.handle) && f.handle !== 0) {
          const disp = this.exported.get(f.handle as number);
          if (disp) this.handles.delete(disp);
          this.exported.delete(f.handle as number);
        }
        return true;
      case 'hello':
      case 'log':
        this.options.onFrame?.(f);
        return !this.closedWith;
      default:
        return this.fault('malformed-frame', `sent a frame of unknown type ${JSON.stringify(f.t)}`);
    }
  }

  private answer(f: WireFrame, line: string): boolean {
    const id = f.id;
    if (!Number.isSafeInteger(id) || (id as number) < 0)
      return this.fault('malformed-frame', `sent a call without an id: ${_excerpt(line)}`);
    const target = Number.isSafeInteger(f.handle) ? this.exported.get(f.handle as number) : undefined;
    if (!target)
      return this.fault('unknown-handle', `called object handle ${JSON.stringify(f.handle)}, which it was never given`);
    if (f.op === 'names') {
      if (!Array.isArray(f.names) || f.names.length === 0 || !f.names.every((n) => typeof n === 'string')) {
        return this.fault('malformed-frame', `sent a names call without names: ${_excerpt(line)}`);
      }
      this.run(id as number, async () => ({ dispids: await target.GetIDsOfNames(f.names as string[]) }));
      return true;
    }
    if (f.op !== 'invoke') return this.fault('malformed-frame', `sent a call with unknown op ${JSON.stringify(f.op)}`);
    if (!Array.isArray(f.args)) return this.fault('malformed-frame', `sent an invoke without args: ${_excerpt(line)}`);
    const byName = typeof f.name === 'string';
    if (!byName && !Number.isSafeInteger(f.dispid)) {
      return this.fault('malformed-frame', `sent an invoke with neither a dispid nor a name: ${_excerpt(line)}`);
    }
    let args: Variant[];
    try {
      args = f.args.map((arg) => variantFromWire(arg, (h) => this.remote(h)));
    } catch (error) {
      return this.fault('malformed-frame', `sent malformed arguments: ${(error as Error).message}`);
    }
    const flags = Number.isInteger(f.flags) ? (f.flags as number) : DISPATCH_METHOD;
    this.run(id as number, async () => {
      const dispId = byName ? (await target.GetIDsOfNames([f.name as string]))[0] : (f.dispid as number);
      let result: Variant;
      try {
        result = await target.Invoke(dispId as number, flags, args);
      } catch (error) {
        if (!byName && DispatchError.isInstance(error) && error.hresult === DISP_E_MEMBERNOTFOUND) {
          this.fault(
            'unknown-dispid',
            `invoked DISPID ${dispId} on handle ${f.handle}, which that object does not have`,
          );
        }
        throw error;
      }
      return { value: variantToWire(result, (disp) => this.exportObject(disp)) };
    });
    return true;
  }

  private run(id: number, work: () => Promise<Record<string, unknown>>): void {
    work().then(
      (answer) => this.send({ t: 'result', id, ...answer }),
      (error: unknown) => this.send(_errorToFrame(id, error, this.options.source ?? 'certexit')),
    );
  }
}

/** Is `value` an `IDispatch` the peer can receive? Re-exported for the helpers. */
export const isWireDispatch = isDispatch;

function _errorToFrame(id: number, error: unknown, source: string): WireFrame {
  const d = DispatchError.isInstance(error) ? error : DispatchError.fromThrown(error, source);
  return {
    t: 'error',
    id,
    hresult: d.hresult >>> 0,
    description: d.reason,
    ...(d.excepInfo ? { excepInfo: d.excepInfo } : {}),
    ...(d.argIndex !== undefined ? { argIndex: d.argIndex } : {}),
  };
}

function _errorFromFrame(f: WireFrame): DispatchError {
  const hresult = Number.isInteger(f.hresult) && FAILED(f.hresult as number) ? (f.hresult as number) >>> 0 : E_FAIL;
  const description = typeof f.description === 'string' ? f.description : 'no description';
  const e = f.excepInfo as Partial<ExcepInfo> | undefined;
  const excepInfo =
    e && typeof e === 'object' && Number.isInteger(e.scode)
      ? {
          source: String(e.source ?? 'module'),
          description: String(e.description ?? description),
          scode: e.scode as number,
        }
      : undefined;
  if (excepInfo) return DispatchError.exception(excepInfo);
  return new DispatchError({
    hresult,
    message: description,
    argIndex: Number.isInteger(f.argIndex) ? (f.argIndex as number) : undefined,
  });
}

function _excerpt(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}
