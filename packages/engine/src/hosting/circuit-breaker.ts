/** The breaker's state: calls flow (`closed`), are stopped (`open`), or one probe is allowed (`half-open`). */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Settings of a {@link CircuitBreaker}. */
export interface CircuitBreakerSettings {
  /** Consecutive failures that open the breaker. */
  readonly threshold: number;
  /** How long it stays open before one probe call. */
  readonly openMs: number;
}

/**
 * Stops calling a module that fails every time: after `threshold` failures in a row the breaker opens and no
 * notification is attempted (none uses up an attempt); after `openMs` one probe goes through. The probe's
 * success closes it, its failure opens it again for another `openMs`.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly settings: CircuitBreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.settings.openMs ? 'half-open' : 'open';
  }

  /** How many calls may start now: unlimited when closed, one probe when half-open, none when open. */
  allowance(): number {
    const state = this.state;
    if (state === 'closed') return Number.POSITIVE_INFINITY;
    if (state === 'half-open' && !this.probing) return 1;
    return 0;
  }

  /** A call starts; in half-open it is the probe. */
  starting(): void {
    if (this.state === 'half-open') this.probing = true;
  }

  /** When an open breaker lets its probe through, if it is open. */
  probeAt(): number | undefined {
    return this.openedAt === undefined ? undefined : this.openedAt + this.settings.openMs;
  }

  succeeded(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  failed(): void {
    this.failures++;
    if (this.probing || this.failures >= this.settings.threshold) {
      this.openedAt = this.now();
      this.probing = false;
    }
  }
}
