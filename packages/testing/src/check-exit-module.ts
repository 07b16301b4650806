import type { ExitModuleServices, ICertExit, ICertManageModule } from '@certexit/core';
import {
  CertexitError,
  CMM_REFRESHONLY,
  CMM_STANDARD_PROPERTIES,
  EXITEVENT_ALL_DEFINED,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  exitEventName,
  FAILED,
  formatHResult,
  isRequestScopedEvent,
  UnsupportedSpecificationVersionError,
} from '@certexit/core';
import type {
  ConformanceCheckName,
  ConformanceOptions,
  ConformanceReport,
  ConformanceResult,
} from './conformance-options';
import type { TestServices } from './create-test-services';
import { createTestServices } from './create-test-services';
import type { ServerExitFixture } from './server-exit-fixture';

const _CHECKS: readonly ConformanceCheckName[] = [
  'initialize-mask',
  'description',
  'notify-subscribed',
  'unknown-events',
  'property-empty',
  'read-only',
  'idempotent-retry',
  'manage-module',
];

/** Event bits no version of the header defines (0x100 is CertMod's never-sent "unrevoked"). */
const _UNKNOWN_EVENTS = [0x100, 0x400, 0x800, 0x40000000];

/**
 * Checks any exit module against the contract and returns a report; `report.assertOk()` turns failures into
 * one error. Works with every test runner, and with modules reached through an adapter (wrap the adapter's
 * `ICertExit` in `module`).
 *
 * @example
 * ```ts
 * it('conforms', async () => {
 *   (await checkExitModule({ module: createInventoryExitModule(), config: { OutputFile: file } })).assertOk();
 * });
 * ```
 */
export async function checkExitModule(options: ConformanceOptions): Promise<ConformanceReport> {
  const results: ConformanceResult[] = [];
  for (const check of _CHECKS) {
    const reason = options.skip?.[check];
    if (reason !== undefined) {
      results.push({ check, status: 'skipped', message: reason });
      continue;
    }
    try {
      await _RUNNERS[check](await _Harness.start(options));
      results.push({ check, status: 'passed' });
    } catch (error) {
      results.push({ check, status: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }
  const failed = results.filter((r) => r.status === 'failed');
  return {
    ok: failed.length === 0,
    results,
    assertOk() {
      if (failed.length === 0) return;
      throw new Error(
        `exit module does not conform (${failed.length} of ${results.length} checks failed):\n${failed
          .map((r) => `  - ${r.check}: ${r.message}`)
          .join('\n')}`,
      );
    },
  };
}

/** One fresh module, initialized, with its services. */
class _Harness {
  private constructor(
    readonly module: ICertExit & { GetManageModule?: () => unknown },
    readonly services: TestServices,
    readonly mask: number,
    readonly timeoutMs: number,
  ) {}

  static async start(options: ConformanceOptions): Promise<_Harness> {
    const services = createTestServices({ fixture: options.fixture, config: options.config ?? {} });
    const timeoutMs = options.callTimeoutMs ?? 5000;
    const created = await _within(timeoutMs, 'create', () => _create(options.module, services));
    const missing = ['Initialize', 'Notify', 'GetDescription'].filter(
      (m) => typeof (created as Record<string, unknown> | null)?.[m] !== 'function',
    );
    if (missing.length > 0) throw new Error(`the module object is not an ICertExit: missing ${missing.join(', ')}`);
    const module = created as ICertExit;
    const mask = await _within(timeoutMs, 'Initialize', () =>
      module.Initialize(options.caName ?? String(services.fixture.ca.SanitizedCAName)),
    );
    return new _Harness(module, services, mask, timeoutMs);
  }

  get fixture(): ServerExitFixture {
    return this.services.fixture;
  }

  async notify(event: number, context: number): Promise<void> {
    let result: unknown;
    try {
      result = await _within(this.timeoutMs, 'Notify', () => this.module.Notify(event, context));
    } catch (error) {
      throw new Error(
        `Notify(${exitEventName(event)}, ${context}) failed: ${error instanceof Error ? error.message : String(error)}` +
          (CertexitError.isInstance(error) ? '' : ` (${formatHResult(CertexitError.hresultOf(error))})`),
      );
    }
    if (result !== undefined && (typeof result !== 'number' || FAILED(result))) {
      throw new Error(`Notify(${exitEventName(event)}, ${context}) returned ${_show(result)}, not S_OK`);
    }
  }

  /** The context the kit uses for an event: a request row for request events, 0 for CA scope. */
  contextFor(event: number, sparse = false): number {
    const c = this.fixture.eventContexts;
    if (!isRequestScopedEvent(event)) return 0;
    if (sparse) return c.sparse;
    if (event === EXITEVENT_CERTPENDING) return c.pending;
    if (event === EXITEVENT_CERTDENIED) return c.denied;
    if (event === EXITEVENT_CERTREVOKED) return c.revoked;
    if (event === EXITEVENT_CERTIMPORTED) return c.imported;
    return c.issued;
  }

  /** The subscribed events the engine can send, shutdown last. */
  subscribedEvents(): number[] {
    return [
      EXITEVENT_CERTISSUED,
      EXITEVENT_CERTPENDING,
      EXITEVENT_CERTDENIED,
      EXITEVENT_CERTREVOKED,
      EXITEVENT_CERTRETRIEVEPENDING,
      EXITEVENT_CERTIMPORTED,
      EXITEVENT_CRLISSUED,
      EXITEVENT_SHUTDOWN,
    ].filter((event) => (this.mask & event) !== 0);
  }
}

const _RUNNERS: Record<ConformanceCheckName, (h: _Harness) => Promise<void>> = {
  async 'initialize-mask'(h) {
    if (!Number.isInteger(h.mask) || h.mask < -0x80000000 || h.mask > 0x7fffffff) {
      throw new Error(`Initialize returned ${_show(h.mask)}, not an int32 event mask`);
    }
    const extra = h.mask & ~EXITEVENT_ALL_DEFINED;
    if (extra !== 0)
      throw new Error(`Initialize returned mask ${formatHResult(h.mask)} with undefined bits ${formatHResult(extra)}`);
  },
  async description(h) {
    const description = await _within(h.timeoutMs, 'GetDescription', () => h.module.GetDescription());
    if (typeof description !== 'string' || description.trim() === '') {
      throw new Error(`GetDescription returned ${_show(description)}, not a non-empty string`);
    }
  },
  async 'notify-subscribed'(h) {
    for (const event of h.subscribedEvents()) await h.notify(event, h.contextFor(event));
  },
  async 'unknown-events'(h) {
    const context = h.fixture.eventContexts.issued;
    for (const event of _UNKNOWN_EVENTS) await h.notify(event, context);
  },
  async 'property-empty'(h) {
    for (const event of h.subscribedEvents().filter(isRequestScopedEvent))
      await h.notify(event, h.contextFor(event, true));
  },
  async 'read-only'(h) {
    const before = JSON.stringify(h.fixture, _bytesAsArrays);
    for (const event of h.subscribedEvents()) await h.notify(event, h.contextFor(event)).catch(() => undefined);
    if (h.services.callLog.writeAttempts.length > 0) {
      throw new Error(
        `the module tried to write through ICertServerExit: ${h.services.callLog.writeAttempts.join(', ')}`,
      );
    }
    if (JSON.stringify(h.fixture, _bytesAsArrays) !== before)
      throw new Error('the module changed data read through the callback');
  },
  async 'idempotent-retry'(h) {
    const store = h.services.idempotency;
    const total = () => [...store.completions.values()].reduce((a, b) => a + b, 0);
    for (const event of h.subscribedEvents()) {
      const context = h.contextFor(event);
      h.services.setEventId(`${String(h.fixture.ca.SanitizedCAName)}/conformance-${event}`);
      await h.notify(event, context);
      const dangling = store.actions.filter((a) => a.state === 'started');
      if (dangling.length > 0) {
        throw new Error(
          `Notify(${exitEventName(event)}, ${context}) returned with actions begun but neither completed nor abandoned: ${dangling.map((a) => a.action).join(', ')}`,
        );
      }
      const before = total();
      await h.notify(event, context); // the same notification again, as a retry delivers it
      if (total() !== before) {
        throw new Error(
          `a retry of Notify(${exitEventName(event)}, ${context}) with the same EventID made a side effect again (the idempotency store recorded ${total() - before} more completion(s))`,
        );
      }
    }
  },
  async 'manage-module'(h) {
    if (typeof h.module.GetManageModule !== 'function') {
      throw new Error("the module implements ICertExit only; opt out with skip: { 'manage-module': '<reason>' }");
    }
    const manage = (await _within(h.timeoutMs, 'GetManageModule', () =>
      h.module.GetManageModule!(),
    )) as ICertManageModule;
    for (const m of ['GetProperty', 'SetProperty', 'Configure']) {
      if (typeof (manage as unknown as Record<string, unknown>)?.[m] !== 'function') {
        throw new Error(`GetManageModule returned an object without ${m}`);
      }
    }
    const config = `CA01\\${String(h.fixture.ca.SanitizedCAName)}`;
    const storage = h.services.config.path;
    const get = (name: string) =>
      _within(h.timeoutMs, 'GetProperty', () => manage.GetProperty(config, storage, name, 0));
    for (const name of CMM_STANDARD_PROPERTIES) {
      const value = await get(name);
      if (typeof value !== 'string' || value === '')
        throw new Error(`GetProperty(${JSON.stringify(name)}) returned ${_show(value)}`);
      const other = await get(name.toUpperCase());
      if (other !== value)
        throw new Error(`GetProperty compares names case-sensitively: ${JSON.stringify(name.toUpperCase())}`);
    }
    const unknown = await get('certexit-no-such-property');
    if (unknown !== undefined)
      throw new Error(`GetProperty of an unknown name returned ${_show(unknown)}, not undefined (S_FALSE)`);
    const before = await get('Name');
    const set = await _within(h.timeoutMs, 'SetProperty', () =>
      manage.SetProperty(config, storage, 'Name', 0, 'changed'),
    );
    if (set !== undefined && (typeof set !== 'number' || FAILED(set)))
      throw new Error(`SetProperty returned ${_show(set)}`);
    if ((await get('Name')) !== before) throw new Error('SetProperty changed a property; it is reserved and must not');
    await _within(h.timeoutMs, 'Configure', () => manage.Configure(config, storage, CMM_REFRESHONLY));
  },
};

async function _create(module: ConformanceOptions['module'], services: ExitModuleServices): Promise<unknown> {
  if (typeof module === 'function') return module(services);
  if (module.specificationVersion !== 'v1') {
    throw new UnsupportedSpecificationVersionError({
      what: `module factory ${module.progId}`,
      version: module.specificationVersion,
      supported: ['v1'],
    });
  }
  return module.create(services);
}

async function _within<T>(ms: number, what: string, call: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(call),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not return within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function _show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function _bytesAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Array.from(value) : value;
}
