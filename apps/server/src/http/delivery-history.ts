import type { DeliveryRecord } from '@certexit/engine';

/** Latency bucket bounds in milliseconds, for a per-minute 95th percentile without keeping every sample. */
const _BOUNDS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

interface _Bucket {
  count: number;
  failures: number;
  totalMs: number;
  maxMs: number;
  histogram: number[];
}

/** One minute of one module's deliveries. */
export interface DeliveryHistoryPoint {
  at: Date;
  count: number;
  failures: number;
  averageMs?: number;
  /** The upper bound of the latency bucket holding the 95th percentile. */
  p95Ms?: number;
  maxMs?: number;
}

/**
 * The server's delivery metrics kept over a window, for the console's chart: per module and minute, how many
 * notifications were delivered, how many failed, and their latency (average, 95th percentile by bucket, maximum).
 * Prometheus keeps totals; a chart of the last hours needs the series, which this keeps in memory (at most
 * `windowMinutes` buckets per module, a few tens of kilobytes) and loses at a restart.
 */
export class DeliveryHistory {
  private readonly modules = new Map<string, Map<number, _Bucket>>();

  constructor(
    private readonly windowMinutes = 24 * 60,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one delivery attempt (pass as `onDelivered`, beside the Prometheus metrics). */
  observe(record: DeliveryRecord): void {
    const minute = Math.floor(this.now() / 60_000);
    let buckets = this.modules.get(record.progId);
    if (!buckets) {
      buckets = new Map();
      this.modules.set(record.progId, buckets);
    }
    let bucket = buckets.get(minute);
    if (!bucket) {
      bucket = { count: 0, failures: 0, totalMs: 0, maxMs: 0, histogram: new Array(_BOUNDS_MS.length + 1).fill(0) };
      buckets.set(minute, bucket);
      this.prune(buckets, minute);
    }
    bucket.count++;
    if (!record.ok) bucket.failures++;
    bucket.totalMs += record.ms;
    bucket.maxMs = Math.max(bucket.maxMs, record.ms);
    const index = _BOUNDS_MS.findIndex((bound) => record.ms <= bound);
    bucket.histogram[index === -1 ? _BOUNDS_MS.length : index]!++;
  }

  /** The last `minutes` minutes, one point a minute (empty minutes included), per module seen. */
  series(
    minutes: number,
    progIds: readonly string[] = [],
  ): {
    from: Date;
    to: Date;
    modules: Array<{ progId: string; points: DeliveryHistoryPoint[] }>;
  } {
    const span = Math.max(1, Math.min(minutes, this.windowMinutes));
    const last = Math.floor(this.now() / 60_000);
    const first = last - span + 1;
    const names = [...new Set([...progIds, ...this.modules.keys()])];
    return {
      from: new Date(first * 60_000),
      to: new Date((last + 1) * 60_000),
      modules: names.map((progId) => {
        const buckets = this.modules.get(progId);
        const points: DeliveryHistoryPoint[] = [];
        for (let minute = first; minute <= last; minute++) {
          const bucket = buckets?.get(minute);
          const at = new Date(minute * 60_000);
          if (!bucket) {
            points.push({ at, count: 0, failures: 0 });
            continue;
          }
          points.push({
            at,
            count: bucket.count,
            failures: bucket.failures,
            averageMs: bucket.totalMs / bucket.count,
            p95Ms: _percentile(bucket, 0.95),
            maxMs: bucket.maxMs,
          });
        }
        return { progId, points };
      }),
    };
  }

  private prune(buckets: Map<number, _Bucket>, minute: number): void {
    for (const key of buckets.keys()) if (key <= minute - this.windowMinutes) buckets.delete(key);
  }
}

function _percentile(bucket: _Bucket, q: number): number {
  const wanted = Math.ceil(bucket.count * q);
  let seen = 0;
  for (let i = 0; i < bucket.histogram.length; i++) {
    seen += bucket.histogram[i]!;
    if (seen >= wanted) return Math.min(_BOUNDS_MS[i] ?? bucket.maxMs, bucket.maxMs);
  }
  return bucket.maxMs;
}
