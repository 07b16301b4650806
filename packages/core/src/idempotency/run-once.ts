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
 * Runs a side effect of a notification at most once per EventID and action across retries: skipped when the host's
 * idempotency store records it done; otherwise recorded `started`, run, then recorded `done`. When `work` throws,
 * the claim is given up (the next attempt runs it again) and the error goes on to the caller. Pure: all state is in
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
  const state = await store.begin(options.eventId, options.action, { scope: options.scope ?? 'delivery' });
  if (state === 'done') return { status: 'skipped', because: 'done' };
  if (state === 'started' && options.ifInterrupted === 'skip') return { status: 'skipped', because: 'interrupted' };
  let value: T;
  try {
    value = await work();
  } catch (error) {
    await store.abandon(options.eventId, options.action);
    throw error;
  }
  await store.complete(options.eventId, options.action);
  return { status: 'ran', value };
}
