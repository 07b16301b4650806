/** How failed deliveries are retried. */
export interface RetryPolicy {
  /** Calls per notification before it is dead-lettered. */
  readonly maxAttempts: number;
  /** The delay after the first failure; it doubles with each further failure. */
  readonly baseMs: number;
  /** The longest delay. */
  readonly maxMs: number;
}

/**
 * The delay before attempt `failedAttempts + 1`: exponential backoff (`base · 2^(n-1)`, capped) with "equal
 * jitter" (half fixed, half random), so a module that comes back is not hit by every row at the same instant and
 * the delay never collapses to zero. `random` is injectable for tests.
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** True when a notification that failed `attempts` times goes to the dead letters instead of another try. */
export function isExhausted(policy: RetryPolicy, attempts: number): boolean {
  return attempts >= policy.maxAttempts;
}
