import type { DeliveryRecord } from './delivery-record';
import type { ExitModuleLoadFailure } from './load-exit-modules';

/** A loaded exit module as the engine sees it, wherever the module runs. */
export interface ExitModuleInfo {
  readonly progId: string;
  readonly description: string;
  /** The `EXITEVENT_*` mask `Initialize` returned. */
  readonly mask: number;
  /** How the host calls it: `direct` (ICertExit) or `automation` (IDispatch, in or out of process). */
  readonly binding: string;
}

/**
 * What the engine needs of the host of its exit modules: the modules that loaded, delivery after a commit, and
 * stopping. The host runs the modules on the engine's thread ({@link startInProcessExitHost}) or on a thread of
 * their own ({@link startExitHostThread}).
 */
export interface ExitHost {
  /** The loaded modules, in `ExitModules\Active` order. */
  readonly modules: readonly ExitModuleInfo[];
  /** The active modules that did not load, in `ExitModules\Active` order, with the reason. */
  readonly loadFailures: readonly ExitModuleLoadFailure[];
  /**
   * Called after an exit event committed: wakes delivery, and in `first-attempt` mode resolves with each
   * subscribed module's first attempt (see `ExitOutbox.deliver`). Never rejects.
   */
  deliver(event: number, context: number): Promise<DeliveryRecord[]>;
  /** Looks for due outbox rows now (after an operator's retry, or rows another process wrote). */
  wake(): void;
  /**
   * Stops delivery (waiting up to `graceMs` for calls in flight), sends `EXITEVENT_SHUTDOWN` unless told not to,
   * and ends what the modules hold (their processes, the host's thread).
   */
  stop(options: { graceMs: number; sendShutdownEvent: boolean }): Promise<void>;
}
