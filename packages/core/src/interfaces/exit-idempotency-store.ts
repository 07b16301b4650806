/** Where one action of one notification stands in the host's idempotency store. */
export type ExitActionState = 'started' | 'done';

/**
 * How long a recorded action holds. `delivery` (the default): through every retry of the notification; an
 * operator's replay (`certexit module replay`), which delivers the event again on purpose, runs it again. `event`:
 * for good, replays included (a mail to a person goes out at most once per EventID and recipient).
 */
export type ExitActionScope = 'delivery' | 'event';

/**
 * The host's record of which side effects a module has already made for a notification, keyed by EventID (the
 * `EventID` property, the same on every attempt) and an action name the module chooses (`directory`, `file`,
 * `mail:alice@contoso.com`, `webhook`). The host keeps it on the CA's own store, per module, so a retry (after a
 * failure, a timeout or a crash) repeats only what did not happen. `@certexit/testing` has an in-memory one.
 *
 * Modules use it through {@link runOnce}; the methods are for hosts and for modules with special needs.
 */
export interface ExitIdempotencyStore {
  /**
   * Claims `action` of the notification `eventId` for this attempt, atomically: `claimed` when nothing was recorded
   * (it is now `started`), else what is recorded: `started` (an earlier attempt began it and ended without saying
   * how it went: a crash, a timeout) or `done`.
   */
  begin(eventId: string, action: string, options?: { scope?: ExitActionScope }): Promise<'claimed' | ExitActionState>;
  /**
   * Records the action done (with `scope` when it was not begun). A host may record it with the notification's own
   * outcome rather than before it answers: a crash in between leaves the notification undelivered, and its retry
   * finds the action `started` or unrecorded, which `runOnce` handles.
   */
  complete(eventId: string, action: string, options?: { scope?: ExitActionScope }): Promise<void>;
  /** Forgets a `started` action whose attempt failed before it had any effect, so that the next attempt runs it. */
  abandon(eventId: string, action: string): Promise<void>;
  /** What is recorded for the action, if anything. */
  get(eventId: string, action: string): Promise<ExitActionState | undefined>;
}
