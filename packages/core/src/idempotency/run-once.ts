import type { ExitActionScope, ExitIdempotencyStore } from '../interfaces/exit-idempotency-store';

/** Options of {@link runOnce}. */
export interface RunOnceOptions {
  /** The notification's `EventID` (read it with `readEventId(server)`). */
  readonly eventId: string;
  /** The side effect's name, unique within the module: `directory`, `file`, `mail:<recipient>`. */
  readonly action: string;
  /** @default 'delivery' */
  readonly scope?: ExitActionScope;
  /**
   * What to do when an earlier attempt began the action and ended without recording its outcome (a crash or a
   * timeout in the middle): `repeat` it (the default: for actions the target takes twice without harm, such as
   * adding a directory value or writing the same file), or `skip` it, for at-most-once actions (a mail).
   * @default 'repeat'
   */
  readonly ifInterrupted?: 'repeat' | 'skip';
}

/** What {@link runOnce} did. */
export type RunOnceOutcome<T> =
  | { readonly status: 'ran'; readonly value: T }
  | { readonly status: 'skipped'; readonly because: 'done' | 'interrupted' };

/**
 * Runs a side effect of a notification once per EventID and action across retries: skipped when the host's
 * idempotency store records it done; otherwise run, then recorded `done`. An at-most-once action
 * (`ifInterrupted: 'skip'`) is first recorded `started`, so that an attempt cut short in the middle is never repeated;
 * when `work` throws, that claim is given up (the next attempt runs it again). An action that may be repeated is only
 * looked up first (one read, no write to wait for). The error of `work` goes on to the caller. Pure: all state is in
 * the store.
 *
 * @example
 * ```ts
 * const eventId = await readEventId(server);
 * await runOnce(services.idempotency, { eventId, action: 'webhook' }, () => postTheEvent());
 * ```
 */
export async function runOnce<T>(
  store: ExitIdempotencyStore,
  options: RunOnceOptions,
  work: () => Promise<T> | T,
): Promise<RunOnceOutcome<T>> {
  const scope = options.scope ?? 'delivery';
  if (options.ifInterrupted !== 'skip') {
    // Repeatable: a record only says "done"; an attempt cut short simply does it again.
    if ((await store.get(options.eventId, options.action)) === 'done') return { status: 'skipped', because: 'done' };
    const value = await work();
    await store.complete(options.eventId, options.action, { scope });
    return { status: 'ran', value };
  }
  const state = await store.begin(options.eventId, options.action, { scope });
  if (state === 'done') return { status: 'skipped', because: 'done' };
  if (state === 'started') return { status: 'skipped', because: 'interrupted' };
  let value: T;
  try {
    value = await work();
  } catch (error) {
    await store.abandon(options.eventId, options.action);
    throw error;
  }
  await store.complete(options.eventId, options.action, { scope });
  return { status: 'ran', value };
}
