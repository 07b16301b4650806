import { performance } from 'node:perf_hooks';

/** Options of {@link createDeliveryPacer}. */
export interface DeliveryPacerOptions {
  /** True while the engine is busy (operations in flight): delivery is then held to {@link share}. */
  engineBusy: () => boolean;
  /** The share (0 to 1) of this thread's time delivery may take while the engine is busy. @default 0.1 */
  share?: number;
  /**
   * For this long (ms) after the engine becomes busy, delivery waits entirely; only a longer stretch of load gives it
   * its {@link share}. @default 1000
   */
  holdMs?: number;
  /** How often the state is looked at, in ms. @default 10 */
  sampleMs?: number;
  /** Also called at every look (the exit-module thread reads the engine's wake counter there). */
  onSample?: () => void;
  /**
   * Calls in flight when the previous thread died, when there were several: one call at a time until each of them
   * has been made again, or `serialMs` has passed, so that another death names its call.
   */
  suspects?: ReadonlyArray<{ progId: string; context: number }>;
  /** @default 60000 */
  serialMs?: number;
}

/** What the delivery lanes ask before they start work. */
export interface DeliveryPacer {
  /** True when lanes may start calls and claim rows now. */
  readonly open: boolean;
  /** Resolves when they may. */
  whenOpen(): Promise<void>;
  /** A `Notify` starts; the function returned is called when it returns. */
  callStarted(call: { progId: string; context: number }): () => void;
  /** True while calls are made one at a time (see {@link DeliveryPacerOptions.suspects}). */
  readonly serial: boolean;
  stop(): void;
}

/**
 * Requests first: for the first `holdMs` of load, delivery on the exit-module thread waits; while the load goes on,
 * it takes at most `share` of that thread's time (its own event-loop utilization over the last 100 ms); otherwise as
 * much as it needs. Notifications are never dropped, only delayed while the CA is serving, and the backlog drains at
 * full speed as soon as it is not. On two cores a delivery to a module reading five properties costs about 70 µs of
 * the thread and issuance about 360 µs of CPU: delivering three modules' notifications as fast as they came took a
 * third of issuance's throughput; at a 10% share they still cost it 6 to 10% (bench/outbox-issuance.bench.mjs), so a
 * burst shorter than the hold pays nothing and a longer one pays the share.
 */
export function createDeliveryPacer(options: DeliveryPacerOptions): DeliveryPacer {
  const share = options.share ?? 0.1;
  const holdMs = options.holdMs ?? 1000;
  let busySince: number | undefined;
  const window: number[] = [];
  let last = performance.eventLoopUtilization();
  let paced = true;
  let inFlight = 0;
  const suspects = new Set((options.suspects ?? []).map(_key));
  const serialUntil = suspects.size > 0 ? Date.now() + (options.serialMs ?? 60_000) : 0;
  const serial = () => suspects.size > 0 && Date.now() < serialUntil;
  const isOpen = () => paced && !(serial() && inFlight > 0);
  const waiting: Array<() => void> = [];
  const release = () => {
    if (isOpen()) for (const resolve of waiting.splice(0)) resolve();
  };
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    window.push(performance.eventLoopUtilization(now, last).utilization);
    last = now;
    if (window.length > 10) window.shift();
    const used = window.reduce((a, b) => a + b, 0) / window.length;
    const at = performance.now();
    if (!options.engineBusy()) busySince = undefined;
    else busySince ??= at;
    paced = busySince === undefined || (at - busySince >= holdMs && used < share);
    release();
    options.onSample?.();
  }, options.sampleMs ?? 10);
  timer.unref();
  return {
    get open() {
      return isOpen();
    },
    get serial() {
      return serial();
    },
    whenOpen() {
      return isOpen() ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
    },
    callStarted(call) {
      inFlight++;
      return () => {
        inFlight--;
        suspects.delete(_key(call));
        release();
      };
    },
    stop() {
      clearInterval(timer);
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

function _key(call: { progId: string; context: number }): string {
  return `${call.progId.toLowerCase()}\u0000${call.context}`;
}
