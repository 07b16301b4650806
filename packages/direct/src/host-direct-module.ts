import type { CallOutcome, HostedExitModuleV1, ICertExit, ICertManageModule } from '@certexit/core';
import {
  CertexitError,
  E_INVALIDARG,
  E_UNEXPECTED,
  EXITEVENT_ALL_DEFINED,
  FAILED,
  formatHResult,
  S_OK,
} from '@certexit/core';
import { callModule } from './call-module';
import { isCertExit2 } from './query-interface';

/** Options of {@link hostDirectModule}. */
export interface DirectHostOptions {
  /** The module's ProgID or name, used in error messages. */
  source?: string;
  /** Deadline of each `Notify`. @default 30000 */
  notifyTimeoutMs?: number;
  /** Deadline of `Initialize`, `GetDescription` and `GetManageModule`. @default 30000 */
  callTimeoutMs?: number;
  /** How the host reaches the module, for logs; the automation adapter reuses this host with `'automation'`. */
  binding?: HostedExitModuleV1['binding'];
}

/**
 * Hosts a module object that implements `ICertExit`/`ICertExit2` with direct calls. Every call is contained:
 * throws, rejections, failure HRESULTs, garbage returns and hangs come back as failed outcomes naming the
 * module, the method and the HRESULT (what the engine logs as event 46), never as exceptions.
 */
export function hostDirectModule(module: ICertExit, options: DirectHostOptions = {}): HostedExitModuleV1 {
  const source = options.source;
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const notifyTimeoutMs = options.notifyTimeoutMs ?? 30_000;
  const fail = <T>(hresult: number, method: string, message: string): CallOutcome<T> => ({
    ok: false,
    hresult,
    error: new CertexitError({ hresult, source, message: `${method} ${message}` }),
  });
  return {
    specificationVersion: 'v1',
    binding: options.binding ?? 'direct',
    async doInitialize(caName) {
      const outcome = await callModule(() => module.Initialize(caName), {
        method: 'Initialize',
        source,
        timeoutMs: callTimeoutMs,
      });
      if (!outcome.ok) return outcome;
      const mask = outcome.value as unknown;
      if (typeof mask !== 'number' || !Number.isInteger(mask) || mask < -0x80000000 || mask > 0xffffffff) {
        return fail(E_UNEXPECTED, 'Initialize', `returned ${_describe(mask)}, not an event mask`);
      }
      const extra = (mask & ~EXITEVENT_ALL_DEFINED) >>> 0;
      if (extra !== 0)
        return fail(
          E_INVALIDARG,
          'Initialize',
          `returned mask ${formatHResult(mask)} with undefined bits ${formatHResult(extra)}`,
        );
      return { ok: true, hresult: S_OK, value: mask };
    },
    async doNotify(event, context) {
      const outcome = await callModule(() => module.Notify(event, context), {
        method: 'Notify',
        source,
        timeoutMs: notifyTimeoutMs,
      });
      if (!outcome.ok) return outcome;
      const result = outcome.value as unknown;
      if (result === undefined || result === null) return { ok: true, hresult: S_OK, value: undefined };
      if (typeof result !== 'number' || !Number.isInteger(result)) {
        return fail(E_UNEXPECTED, 'Notify', `returned ${_describe(result)}, not an HRESULT`);
      }
      if (FAILED(result)) return fail(result >>> 0, 'Notify', `returned ${formatHResult(result)}`);
      return { ok: true, hresult: result >>> 0, value: undefined };
    },
    async doGetDescription() {
      const outcome = await callModule(() => module.GetDescription(), {
        method: 'GetDescription',
        source,
        timeoutMs: callTimeoutMs,
      });
      if (!outcome.ok) return outcome;
      const description = outcome.value as unknown;
      if (typeof description !== 'string')
        return fail(E_UNEXPECTED, 'GetDescription', `returned ${_describe(description)}, not a string`);
      return { ok: true, hresult: S_OK, value: description };
    },
    async doGetManageModule() {
      if (!isCertExit2(module)) return { ok: true, hresult: S_OK, value: undefined };
      const outcome = await callModule(() => module.GetManageModule(), {
        method: 'GetManageModule',
        source,
        timeoutMs: callTimeoutMs,
      });
      if (!outcome.ok) return outcome;
      const manage = outcome.value as unknown;
      // Nothing back means no manage module (a late-bound module without GetManageModule answers so).
      if (manage === undefined || manage === null) return { ok: true, hresult: S_OK, value: undefined };
      const methods = ['GetProperty', 'SetProperty', 'Configure'];
      if (
        typeof manage !== 'object' ||
        manage === null ||
        methods.some((m) => typeof (manage as Record<string, unknown>)[m] !== 'function')
      ) {
        return fail(E_UNEXPECTED, 'GetManageModule', `returned ${_describe(manage)}, not an ICertManageModule`);
      }
      return { ok: true, hresult: S_OK, value: manage as ICertManageModule };
    },
  };
}

function _describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'object') return `an object (${Object.keys(value).slice(0, 5).join(', ') || 'no keys'})`;
  return `${typeof value} ${String(value)}`;
}
