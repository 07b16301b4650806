import { CertexitError } from '@certexit/core';

const _name = 'CertexitModuleProcessError';
const _symbol = Symbol.for(`certexit.error.${_name}`);

/** What a module process did wrong, as named in {@link ModuleProcessError.fault}. */
export type ModuleProcessFault =
  | 'spawn-failed'
  | 'crashed'
  | 'hung'
  | 'flooded-output'
  | 'malformed-frame'
  | 'oversized-frame'
  | 'unknown-dispid'
  | 'unknown-handle'
  | 'protocol-mismatch'
  | 'unavailable';

/**
 * A fault of an out-of-process module: the process crashed, hung, flooded its output, broke the protocol or could
 * not be started. The message names the module (its ProgID or name), the process and what it did; the host has
 * killed the process and restarts it with backoff. Always retryable: the event can be delivered again.
 */
export class ModuleProcessError extends CertexitError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker is read by isInstance through the symbol
  private readonly [_symbol] = true;
  /** What the process did. */
  readonly fault: ModuleProcessFault;
  /** The module's ProgID or name. */
  readonly module: string;
  /** The process id, when it had one. */
  readonly pid: number | undefined;

  constructor(options: {
    fault: ModuleProcessFault;
    module: string;
    pid?: number;
    hresult: number;
    message: string;
    cause?: unknown;
  }) {
    super({
      hresult: options.hresult,
      source: options.module,
      message: options.message,
      cause: options.cause,
      isRetryable: true,
    });
    this.name = _name;
    this.fault = options.fault;
    this.module = options.module;
    this.pid = options.pid;
  }

  static override isInstance(error: unknown): error is ModuleProcessError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[_symbol] === true;
  }
}
