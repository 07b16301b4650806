/** One minute of a module's deliveries, as `GET /v1/exit-modules/history` answers. */
export interface HistoryPoint {
  at: string;
  count: number;
  failures: number;
  averageMs?: number;
  p95Ms?: number;
  maxMs?: number;
}

const WIDTH = 720;
const HEIGHT = 180;
const PAD = { left: 44, right: 52, top: 12, bottom: 24 };

/**
 * Deliveries and failures per minute (bars, left axis) and the 95th percentile latency (line, right axis), drawn
 * as SVG elements by the app itself: no chart library, no inline script or style (the CSP allows neither).
 */
export function DeliveryChart(props: { points: HistoryPoint[]; label: string }) {
  const { points } = props;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const maxCount = Math.max(1, ...points.map((p) => p.count));
  const maxMs = Math.max(1, ...points.map((p) => p.p95Ms ?? 0));
  const step = plotW / Math.max(1, points.length);
  const barW = Math.max(1, step * 0.8);
  const y = (count: number) => PAD.top + plotH - (count / maxCount) * plotH;
  const yMs = (ms: number) => PAD.top + plotH - (ms / maxMs) * plotH;
  const latency = points
    .map((p, i) => (p.p95Ms === undefined ? undefined : `${PAD.left + i * step + step / 2},${yMs(p.p95Ms)}`))
    .filter((s): s is string => s !== undefined);
  const first = points[0]?.at;
  const last = points.at(-1)?.at;
  const time = (iso: string | undefined) =>
    iso ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '';
  const failures = points.reduce((n, p) => n + p.failures, 0);
  const total = points.reduce((n, p) => n + p.count, 0);
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${props.label}: ${total} deliveries, ${failures} failed`}
        data-testid="delivery-chart"
      >
        <line class="axis" x1={PAD.left} y1={PAD.top + plotH} x2={PAD.left + plotW} y2={PAD.top + plotH} />
        <line class="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + plotH} />
        <text class="tick" x={PAD.left - 6} y={PAD.top + 8} text-anchor="end">
          {maxCount}
        </text>
        <text class="tick" x={PAD.left - 6} y={PAD.top + plotH} text-anchor="end">
          0
        </text>
        <text class="tick latency-tick" x={PAD.left + plotW + 6} y={PAD.top + 8}>
          {maxMs >= 1000 ? `${(maxMs / 1000).toFixed(1)} s` : `${Math.round(maxMs)} ms`}
        </text>
        <text class="tick" x={PAD.left} y={HEIGHT - 6}>
          {time(first)}
        </text>
        <text class="tick" x={PAD.left + plotW} y={HEIGHT - 6} text-anchor="end">
          {time(last)}
        </text>
        {points.map((p, i) => {
          const x = PAD.left + i * step + (step - barW) / 2;
          const ok = p.count - p.failures;
          return (
            <g key={p.at}>
              {ok > 0 && <rect class="bar-ok" x={x} y={y(ok)} width={barW} height={PAD.top + plotH - y(ok)} />}
              {p.failures > 0 && (
                <rect class="bar-failed" x={x} y={y(p.count)} width={barW} height={y(ok) - y(p.count)} />
              )}
            </g>
          );
        })}
        {latency.length > 1 && <polyline class="latency" points={latency.join(' ')} />}
      </svg>
      <figcaption>
        <span class="key key-ok">delivered</span> <span class="key key-failed">failed</span>{' '}
        <span class="key key-latency">95th percentile latency</span> · {total} deliveries, {failures} failed
      </figcaption>
    </figure>
  );
}
