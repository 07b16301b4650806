import type { ICertManageModule } from './cert-manage-module';

/**
 * What an adapter (`@certexit/direct`, `@certexit/automation`) makes of a module object, so that the host
 * drives every module the same way. The `do` methods are the host's: modules never call them.
 * They never throw: failures come back as HRESULTs with the error kept for the log.
 */
export interface HostedExitModuleV1 {
  readonly specificationVersion: 'v1';
  /** How the host reaches the module: vtable-style direct calls or late-bound Automation. */
  readonly binding: 'direct' | 'automation';
  doInitialize(caName: string): Promise<CallOutcome<number>>;
  doNotify(event: number, context: number): Promise<CallOutcome<undefined>>;
  doGetDescription(): Promise<CallOutcome<string>>;
  /** `undefined` value when the module only implements `ICertExit`. */
  doGetManageModule(): Promise<CallOutcome<ICertManageModule | undefined>>;
}

/** The outcome of one host → module call. */
export type CallOutcome<T> =
  | { readonly ok: true; readonly hresult: number; readonly value: T }
  | { readonly ok: false; readonly hresult: number; readonly error: Error };
