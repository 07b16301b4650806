import type { ExitOutboxStore } from '@certexit/engine';
import { leaseNode } from '@certexit/engine';
import type { Registry } from 'prom-client';
import { Gauge } from 'prom-client';

/**
 * Adds the exit outbox's gauges, read from the database at each scrape (so they include rows other processes
 * wrote): `certexit_exit_queue_depth{module}` (pending and in-delivery notifications) and
 * `certexit_exit_queue_oldest_age_seconds{module}` (age of the oldest of them; 0 when none). Dead-lettered rows
 * show in `certexit_exit_queue_dead{module}`, and who delivers what in `certexit_exit_queue_leases{node,module}`
 * (notifications in delivery by engine node, `host:pid`: several nodes may serve one CA). Latency and outcomes per module are
 * `certexit_exit_delivery_duration_seconds` and `certexit_exit_deliveries_total`.
 */
export function registerExitQueueMetrics(registry: Registry, outbox: ExitOutboxStore, now: () => number = Date.now) {
  let modules = new Set<string>();
  const refresh = async () => {
    const [depth, counts, leases] = await Promise.all([
      outbox.depth(),
      outbox.counts(new Date(now())),
      outbox.leases(),
    ]);
    // Modules seen before stay listed, at 0, once their rows are gone.
    const seen = new Set<string>([...modules, ...depth.map((d) => d.progId), ...counts.map((c) => c.progId)]);
    modules = seen;
    return { depth, counts, leases, modules: seen };
  };
  let snapshot: Promise<Awaited<ReturnType<typeof refresh>>> | undefined;
  // One read per scrape for the three gauges: the first collect starts it, the others reuse it.
  const read = () => {
    snapshot ??= refresh().finally(() => {
      setTimeout(() => {
        snapshot = undefined;
      }, 0);
    });
    return snapshot;
  };
  new Gauge({
    name: 'certexit_exit_queue_depth',
    help: 'Exit notifications pending or in delivery, by module.',
    labelNames: ['module'] as const,
    registers: [registry],
    async collect() {
      const s = await read();
      for (const m of s.modules) this.set({ module: m }, s.depth.find((d) => d.progId === m)?.open ?? 0);
    },
  });
  new Gauge({
    name: 'certexit_exit_queue_oldest_age_seconds',
    help: 'Age of the oldest exit notification pending or in delivery, by module (0 when none).',
    labelNames: ['module'] as const,
    registers: [registry],
    async collect() {
      const s = await read();
      for (const m of s.modules) {
        const oldest = s.depth.find((d) => d.progId === m)?.oldestAt;
        this.set({ module: m }, oldest ? Math.max(0, (now() - oldest.getTime()) / 1000) : 0);
      }
    },
  });
  new Gauge({
    name: 'certexit_exit_queue_dead',
    help: 'Dead-lettered exit notifications, by module (certexit module retry delivers them again).',
    labelNames: ['module'] as const,
    registers: [registry],
    async collect() {
      const s = await read();
      for (const m of s.modules) {
        const dead = s.counts.filter((c) => c.progId === m && c.status === 'dead').reduce((n, c) => n + c.count, 0);
        this.set({ module: m }, dead);
      }
    },
  });
  new Gauge({
    name: 'certexit_exit_queue_leases',
    help: 'Exit notifications in delivery, by the engine node holding their lease (host:pid) and module.',
    labelNames: ['node', 'module'] as const,
    registers: [registry],
    async collect() {
      const s = await read();
      const now = new Map<string, { node: string; module: string; rows: number }>();
      for (const l of s.leases) {
        const node = leaseNode(l.owner);
        const key = `${node}\u0000${l.progId}`;
        const entry = now.get(key) ?? { node, module: l.progId, rows: 0 };
        entry.rows += l.rows;
        now.set(key, entry);
      }
      // Only the nodes holding rows now: a node that stopped (or died and was taken over) drops out.
      this.reset();
      for (const e of now.values()) this.set({ node: e.node, module: e.module }, e.rows);
    },
  });
}
