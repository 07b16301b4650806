import { performance } from 'node:perf_hooks';

/** Options of {@link createDeliveryPacer}. */
export interface DeliveryPacerOptions {
  /** True while the engine is busy (operations in flight): delivery is then held to {@link share}. */
  engineBusy: () => boolean;
  /** The share (0 to 1) of this thread's time delivery may take while the engine is busy. @default 0.1 */
  share?: number;
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
 * Requests first: while the engine has requests in flight, delivery on the exit-module thread takes at most `share`
 * of that thread's time (its own event-loop utilization over the last 100 ms); otherwise as much as it needs.
 * Notifications are never dropped, only delayed while the CA is serving, and the backlog drains at full speed as
 * soon as it is not. On two cores, delivering to three modules as fast as they could go took a third of issuance's
 * CPU (bench/outbox-issuance.bench.mjs); at 10%, delivery still keeps up with about a thousand certificates a
 * second for three modules.
 */
export function createDeliveryPacer(options: DeliveryPacerOptions): DeliveryPacer {
  const share = options.share ?? 0.1;
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
    paced = !options.engineBusy() || used < share;
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
