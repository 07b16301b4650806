import type { ExitActionScope, ExitActionState } from '@certexit/core';

/** One recorded side effect of a notification at one module. */
export interface ExitActionRecord {
  readonly progId: string;
  readonly eventId: string;
  readonly action: string;
  readonly state: ExitActionState;
  readonly scope: ExitActionScope;
  readonly updatedAt: Date;
}

/**
 * The host's idempotency store, on the CA's database: which side effects each module made for each notification
 * (by `EventID` and action name). A module sees its own part through `ExitModuleServices.idempotency`
 * (`moduleIdempotencyStore`); a replay forgets the `delivery`-scoped records of the events it delivers again.
 */
export interface ExitActionRecords {
  /** Claims the action atomically: `claimed` when nothing was recorded (it is now `started`), else its state. */
  begin(
    progId: string,
    eventId: string,
    action: string,
    scope: ExitActionScope,
    now: Date,
  ): Promise<'claimed' | ExitActionState>;
  /** Records the action done; `scope` applies when it was not begun. */
  complete(progId: string, eventId: string, action: string, now: Date, scope?: ExitActionScope): Promise<void>;
  /** Forgets a `started` record (its attempt failed before any effect); a `done` one stays. */
  abandon(progId: string, eventId: string, action: string): Promise<void>;
  get(progId: string, eventId: string, action: string): Promise<ExitActionState | undefined>;
  /** The records of a module (of one event), for operators and tests. */
  list(progId: string, eventId?: string): Promise<ExitActionRecord[]>;
  /**
   * Deletes `delivery`-scoped records last changed before `deliveryBefore` and `event`-scoped ones (a mail) before
   * `eventBefore`; returns how many.
   */
  prune(deliveryBefore: Date, eventBefore: Date): Promise<number>;
}
