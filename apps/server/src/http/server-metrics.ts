import { exitEventName } from '@certexit/core';
import type { DeliveryRecord, RequestOutcome } from '@certexit/engine';
import { dispositionText } from '@certexit/engine';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The metrics of one server, on a registry of its own (never prom-client's global one). */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Counts an operation's outcome by disposition, and times it when it issued a certificate. */
  observeOutcome(operation: string, outcome: RequestOutcome, seconds: number): void;
  /** Counts and times one exit-module delivery; pass as `CertificateAuthority.open({ onDelivered })`. */
  observeDelivery(record: DeliveryRecord): void;
  /** Counts and times one HTTP exchange by route pattern (never the raw URL, which would explode the labels). */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
}

/** Options of {@link createServerMetrics}. */
export interface ServerMetricsOptions {
  /** Also collect Node's process metrics (CPU, memory, event loop). @default true */
  processMetrics?: boolean;
}

/**
 * The server's Prometheus metrics:
 * - `certexit_request_outcomes_total{operation,disposition}`: requests by disposition, per operation;
 * - `certexit_issuance_duration_seconds{operation}`: request to committed certificate;
 * - `certexit_exit_deliveries_total{module,event,outcome}` and `certexit_exit_delivery_duration_seconds{module,event}`;
 * - `certexit_http_requests_total{method,route,status}` and `certexit_http_request_duration_seconds{method,route}`.
 */
export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  // Every metric on this server's registry; label names typed, so a misspelt label fails to compile.
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });
  const outcomes = counter(
    'certexit_request_outcomes_total',
    'Request outcomes by operation and disposition (issued, pending, denied, failed, revoked).',
    ['operation', 'disposition'],
  );
  const issuance = histogram(
    'certexit_issuance_duration_seconds',
    'Time from receiving a request to its committed certificate, for operations that issued.',
    ['operation'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  const deliveries = counter(
    'certexit_exit_deliveries_total',
    'Exit events delivered to exit modules, by module, event and outcome (ok or failed).',
    ['module', 'event', 'outcome'],
  );
  const deliveryTime = histogram(
    'certexit_exit_delivery_duration_seconds',
    'Time one exit module took for one Notify.',
    ['module', 'event'],
    [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
  );
  const http = counter('certexit_http_requests_total', 'HTTP requests by method, route pattern and status.', [
    'method',
    'route',
    'status',
  ]);
  const httpTime = histogram(
    'certexit_http_request_duration_seconds',
    'HTTP request time by method and route pattern.',
    ['method', 'route'],
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  return {
    registry,
    observeOutcome(operation, outcome, seconds) {
      const disposition = dispositionText(outcome.disposition).toLowerCase().replace(/\s+/g, '_');
      outcomes.inc({ operation, disposition });
      if (outcome.certificate && (operation === 'submit' || operation === 'approve')) {
        issuance.observe({ operation }, seconds);
      }
    },
    observeDelivery(record) {
      const labels = { module: record.progId, event: exitEventName(record.event) };
      deliveries.inc({ ...labels, outcome: record.ok ? 'ok' : 'failed' });
      deliveryTime.observe(labels, record.ms / 1000);
    },
    observeHttp(method, route, status, seconds) {
      http.inc({ method, route, status: String(status) });
      httpTime.observe({ method, route }, seconds);
    },
  };
}
