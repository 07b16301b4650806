import { describe, expect, it } from 'vitest';
import { DeliveryHistory } from './delivery-history';

const record = (progId: string, ms: number, ok = true) => ({ event: 1, context: 1, progId, ok, hresult: 0, ms });

describe('DeliveryHistory', () => {
  it('keeps counts, failures and latency per module and minute, with empty minutes as zero', () => {
    let now = Date.UTC(2025, 0, 1, 12, 0, 30);
    const history = new DeliveryHistory(60, () => now);
    for (let i = 0; i < 19; i++) history.observe(record('A', 3));
    history.observe(record('A', 400, false));
    now += 120_000;
    history.observe(record('B', 1, false));
    const { modules, from, to } = history.series(5, ['A', 'B', 'C']);
    expect(to.getTime() - from.getTime()).toBe(5 * 60_000);
    const a = modules.find((m) => m.progId === 'A')!.points;
    expect(a).toHaveLength(5);
    const busy = a.find((p) => p.count > 0)!;
    expect(busy).toMatchObject({ count: 20, failures: 1, maxMs: 400, p95Ms: 5 });
    expect(busy.averageMs).toBeCloseTo((19 * 3 + 400) / 20);
    expect(a.filter((p) => p.count === 0)).toHaveLength(4);
    expect(modules.find((m) => m.progId === 'B')!.points.at(-1)).toMatchObject({ count: 1, failures: 1 });
    expect(modules.find((m) => m.progId === 'C')!.points.every((p) => p.count === 0)).toBe(true);
  });

  it('forgets minutes older than its window', () => {
    let now = Date.UTC(2025, 0, 1);
    const history = new DeliveryHistory(10, () => now);
    history.observe(record('A', 1));
    now += 11 * 60_000;
    history.observe(record('A', 1));
    const points = history.series(1440).modules[0]!.points;
    expect(points).toHaveLength(10);
    expect(points.reduce((n, p) => n + p.count, 0)).toBe(1);
  });
});
