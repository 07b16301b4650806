import type { ExitModuleFactoryV1, ExitModuleServices, MaybePromise, RegistryValue } from '@certexit/core';
import type { ServerExitFixture } from './server-exit-fixture';

/** The checks of the conformance kit, each of which can be opted out of by name, with a reason. */
export type ConformanceCheckName =
  /** `Initialize` returns an int32 mask within the defined `EXITEVENT_*` bits. */
  | 'initialize-mask'
  /** `GetDescription` returns a non-empty string. */
  | 'description'
  /** `Notify` succeeds for every subscribed event on the fixture contexts. */
  | 'notify-subscribed'
  /** `Notify` with bits the module did not ask for, or that do not exist, returns `S_OK`. */
  | 'unknown-events'
  /** A request whose optional properties are all empty (`CERTSRV_E_PROPERTY_EMPTY`) does not fail `Notify`. */
  | 'property-empty'
  /** Nothing is written through the callback: no setter is looked up, returned buffers are not changed. */
  | 'read-only'
  /**
   * A notification delivered again with the same `EventID` (a retry) makes no side effect twice, as far as the
   * host's idempotency store sees, and no action is left begun but neither completed nor abandoned.
   */
  | 'idempotent-retry'
  /** `ICertExit2.GetManageModule` answers the standard properties as the reference says. */
  | 'manage-module';

/** Options of {@link checkExitModule}. */
export interface ConformanceOptions {
  /**
   * The module under test: its package's factory, or a function that builds the module object from the kit's
   * services. A new object is created for each check.
   */
  module: ExitModuleFactoryV1 | ((services: ExitModuleServices) => MaybePromise<unknown>);
  /** The CA name passed to `Initialize`. @default 'certexit Test CA' */
  caName?: string;
  /** Values of the module's configuration location, e.g. `{ PublishCertFlags: 0 }`. @default {} */
  config?: Record<string, RegistryValue>;
  /** Replaces the kit's default fixture (`defaultFixture()`). */
  fixture?: ServerExitFixture;
  /** Explicit, named opt-outs: `{ 'manage-module': 'ICertExit only' }`. */
  skip?: Partial<Record<ConformanceCheckName, string>>;
  /** The longest a single module call may take before the check fails. @default 5000 */
  callTimeoutMs?: number;
}

/** One check's result. */
export interface ConformanceResult {
  readonly check: ConformanceCheckName;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it failed, or the reason given for skipping it. */
  readonly message?: string;
}

/** What {@link checkExitModule} found. */
export interface ConformanceReport {
  readonly ok: boolean;
  readonly results: readonly ConformanceResult[];
  /** Throws one error listing every failed check; returns quietly when all passed or were skipped. */
  assertOk(): void;
}
