import { AsyncLocalStorage } from 'node:async_hooks';
import type { Readable, Writable } from 'node:stream';
import type { ExitModuleFactoryV1, ExitModuleServices, ICertExit, Logger } from '@certexit/core';
import {
  CertexitError,
  E_NOINTERFACE,
  PROGID_IDEMPOTENCY_STORE,
  PROGID_SERVER_EXIT,
  registryKeyFromTree,
  UnsupportedSpecificationVersionError,
} from '@certexit/core';
import { coerceVariant } from './coerce-variant';
import type { IDispatch } from './dispatch';
import { isDispatch } from './dispatch';
import { createDispatchClient } from './dispatch-client';
import { dispatchToServerExit } from './dispatch-server-exit';
import { certExitToDispatch } from './exit-module-dispatch';
import { dispatchToIdempotencyStore } from './idempotency-store-dispatch';
import { VT_BSTR, VT_DISPATCH } from './variant';
import { DEFAULT_MAX_FRAME_BYTES, WIRE_PROTOCOL, WIRE_PROTOCOL_VERSION } from './wire-frame';
import { WirePeer } from './wire-peer';

/** Options of {@link serveExitModuleOverStdio}. */
export interface ServeOverStdioOptions {
  /** Where host frames come from. @default process.stdin */
  input?: Readable;
  /** Where frames go. @default process.stdout */
  output?: Writable;
  /** How many host calls this module accepts at once (its `hello`'s `maxInFlight`). @default 64 */
  maxInFlight?: number;
  /** The largest frame accepted. @default 4 MiB */
  maxFrameBytes?: number;
}

/**
 * Makes any JavaScript exit module an out-of-process module: speaks `PROTOCOL.md` on stdin/stdout, creates the
 * module from its factory and serves the host's calls. The module's `services.createServerExit()` gives an
 * `ICertServerExit` that calls the CA back over the wire (`CreateObject("CertificateAuthority.ServerExit")`); the
 * objects created during a `Notify` are released when it returns. `services.logger` sends `log` frames, and
 * `services.signal` aborts when the host closes stdin; the returned promise then resolves. Write nothing else to
 * stdout (use stderr or the logger).
 *
 * `services.config` is empty: a module process takes its settings from its environment or arguments.
 * @example
 * ```js
 * #!/usr/bin/env node
 * import { serveExitModuleOverStdio } from '@certexit/automation';
 * import { createInventoryExitModule } from './inventory.js';
 * await serveExitModuleOverStdio(createInventoryExitModule({ file: process.env.INVENTORY_FILE }));
 * ```
 */
export async function serveExitModuleOverStdio(
  factory: ExitModuleFactoryV1,
  options: ServeOverStdioOptions = {},
): Promise<void> {
  if (factory.specificationVersion !== 'v1') {
    throw new UnsupportedSpecificationVersionError({
      what: `module factory ${factory.progId}`,
      version: factory.specificationVersion,
      supported: ['v1'],
    });
  }
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const controller = new AbortController();
  const scope = new AsyncLocalStorage<number[]>();
  let resolveModule: (disp: IDispatch) => void = () => undefined;
  let rejectModule: (error: unknown) => void = () => undefined;
  const moduleDisp = new Promise<IDispatch>((resolve, reject) => {
    resolveModule = resolve;
    rejectModule = reject;
  });
  moduleDisp.catch(() => undefined);

  const peer: WirePeer = new WirePeer({
    write: (line) => output.write(`${line}\n`),
    maxFrameBytes,
    source: factory.progId,
    root: {
      GetIDsOfNames: async (names) => (await moduleDisp).GetIDsOfNames(names),
      Invoke: async (dispId, flags, args) => (await moduleDisp).Invoke(dispId, flags, args),
    },
    onFault: ({ detail }) => {
      process.stderr.write(`[certexit] [${factory.progId}] the host ${detail}; exiting\n`);
      process.exit(70);
    },
    onFrame: (frame) => {
      if (frame.t !== 'hello') return;
      peer.send({
        t: 'hello',
        protocol: WIRE_PROTOCOL,
        version: WIRE_PROTOCOL_VERSION,
        role: 'module',
        progId: factory.progId,
        maxInFlight: options.maxInFlight ?? 64,
      });
    },
  });

  // DISPIDs are stable per class (PROTOCOL.md), so one lookup per name serves every ServerExit object.
  const serverExitIds = new Map<string, Promise<number[]>>();
  const host = createDispatchClient(peer.remote(0));
  const createServerExit = () => {
    const created = host.call('CreateObject', [{ vt: VT_BSTR, value: PROGID_SERVER_EXIT }], (result) => {
      const disp = coerceVariant(result, VT_DISPATCH).value as IDispatch | null;
      if (!disp) throw new CertexitError({ hresult: E_NOINTERFACE, message: 'CreateObject returned Nothing' });
      const handle = peer.handleOf(disp);
      const owned = scope.getStore();
      if (owned && handle !== undefined) owned.push(handle);
      return disp;
    });
    created.catch(() => undefined);
    const lazy: IDispatch = {
      GetIDsOfNames: (names) => {
        const key = names.join('\0').toLowerCase();
        let ids = serverExitIds.get(key);
        if (!ids) {
          ids = created.then((disp) => disp.GetIDsOfNames(names));
          serverExitIds.set(key, ids);
          ids.catch(() => serverExitIds.delete(key));
        }
        return ids;
      },
      Invoke: async (dispId, flags, args) => (await created).Invoke(dispId, flags, args),
    };
    return dispatchToServerExit(lazy);
  };
  const logger = _wireLogger(peer);
  // The host's idempotency store, fetched once on first use: CreateObject("CertExit.IdempotencyStore").
  let idempotency: ExitModuleServices['idempotency'] | undefined;
  const remoteIdempotency = () =>
    (idempotency ??= dispatchToIdempotencyStore(
      host.call('CreateObject', [{ vt: VT_BSTR, value: PROGID_IDEMPOTENCY_STORE }], (result) => {
        const disp = coerceVariant(result, VT_DISPATCH).value as IDispatch | null;
        if (!disp) throw new CertexitError({ hresult: E_NOINTERFACE, message: 'CreateObject returned Nothing' });
        return disp;
      }),
    ));
  const services: ExitModuleServices = {
    createServerExit,
    createObject(progId) {
      if (typeof progId === 'string' && progId.toLowerCase() === PROGID_SERVER_EXIT.toLowerCase()) {
        return createServerExit();
      }
      throw new CertexitError({
        hresult: E_NOINTERFACE,
        message: `CreateObject: unknown ProgID ${JSON.stringify(progId)}`,
      });
    },
    logger,
    idempotency: {
      begin: (...args) => remoteIdempotency().begin(...args),
      complete: (...args) => remoteIdempotency().complete(...args),
      abandon: (...args) => remoteIdempotency().abandon(...args),
      get: (...args) => remoteIdempotency().get(...args),
    },
    config: registryKeyFromTree(() => ({}), ''),
    signal: controller.signal,
  };

  const done = new Promise<void>((resolve) => {
    input.on('data', (chunk: Buffer) => peer.push(chunk));
    input.on('end', () => {
      controller.abort();
      peer.close(() => new CertexitError({ message: 'the host closed the connection' }));
      resolve();
    });
  });

  try {
    const created = await factory.create(services);
    resolveModule(
      isDispatch(created) ? created : certExitToDispatch(_scoped(created as ICertExit, scope, peer), factory.progId),
    );
  } catch (error) {
    rejectModule(error);
  }
  await done;
}

/** Notify runs in a scope that releases the ServerExit handles created during it. */
function _scoped(exit: ICertExit, scope: AsyncLocalStorage<number[]>, peer: WirePeer): ICertExit {
  const wrapped = Object.create(exit) as ICertExit;
  wrapped.Notify = (event, context) => {
    const owned: number[] = [];
    return scope.run(owned, async () => {
      try {
        return await exit.Notify(event, context);
      } finally {
        for (const handle of owned) peer.release(handle);
      }
    });
  };
  return wrapped;
}

function _wireLogger(peer: WirePeer): Logger {
  const log = (level: string) => (fields: object, msg?: string) =>
    peer.send({ t: 'log', level, msg: msg ?? '', fields });
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
