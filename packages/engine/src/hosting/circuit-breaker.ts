/** The breaker's state: calls flow (`closed`), are stopped (`open`), or one probe is allowed (`half-open`). */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Settings of a {@link CircuitBreaker}. */
export interface CircuitBreakerSettings {
  /** Failures of this many different requests, with no success between them, open the breaker. */
  readonly threshold: number;
  /** How long it stays open before one probe call. */
  readonly openMs: number;
}

/**
 * Stops calling a module that fails across the board: when `threshold` different requests (contexts) have failed
 * with no success in between, the breaker opens and no notification is attempted (none uses up an attempt); after
 * `openMs` one probe goes through. The probe's success closes it, its failure opens it again for another `openMs`.
 *
 * Only failures of different requests count: one notification that keeps failing is that request's problem (its
 * own backoff handles it) and must not starve every other request of the module. Permanent failures are not
 * reported here at all: they say nothing about the module's health, and are dead-lettered at once.
 */
export class CircuitBreaker {
  /** The requests that failed since the last success: the failures that count. */
  private readonly failing = new Set<number>();
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

  /** The distinct requests that failed since the last success. */
  get failures(): number {
    return this.failing.size;
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
    this.failing.clear();
    this.openedAt = undefined;
    this.probing = false;
  }

  /** A transient failure of a call for the request `context`. */
  failed(context: number): void {
    this.failing.add(context);
    if (this.probing || this.failing.size >= this.settings.threshold) {
      this.openedAt = this.now();
      this.probing = false;
    }
  }

  /** A call that ended without saying anything about the module's health (a permanent failure): a probe is over. */
  settled(): void {
    this.probing = false;
  }
}
