import { DB_DISP_ISSUED, DB_DISP_PENDING, E_FAIL, EXITEVENT_CERTISSUED } from '@certexit/core';
import { register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createServerMetrics } from './server-metrics';

const outcome = (disposition: number, certificate?: Uint8Array) => ({
  requestId: 1,
  disposition,
  message: '',
  statusCode: 0,
  deliveries: [],
  ...(certificate && { certificate, serialNumber: '01' }),
});

describe('createServerMetrics', () => {
  it('keeps a registry per server, never the global one', async () => {
    const a = createServerMetrics({ processMetrics: false });
    const b = createServerMetrics({ processMetrics: false });
    a.observeOutcome('submit', outcome(DB_DISP_PENDING), 0.01);
    expect(await a.registry.metrics()).toMatch(
      /certexit_request_outcomes_total\{operation="submit",disposition="pending"\} 1/,
    );
    expect(await b.registry.metrics()).not.toMatch(/disposition="pending"\} 1/);
    expect(await register.metrics()).not.toContain('certexit_');
  });

  it('times issuance only for operations that issued a certificate', async () => {
    const metrics = createServerMetrics({ processMetrics: false });
    metrics.observeOutcome('submit', outcome(DB_DISP_PENDING), 0.5);
    metrics.observeOutcome('approve', outcome(DB_DISP_ISSUED, new Uint8Array([1])), 0.004);
    metrics.observeOutcome('retrieve', outcome(DB_DISP_ISSUED, new Uint8Array([1])), 0.004);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/certexit_issuance_duration_seconds_count\{operation="approve"\} 1/);
    expect(text).toMatch(/certexit_issuance_duration_seconds_bucket\{le="0.005",operation="approve"\} 1/);
    expect(text).not.toMatch(/issuance_duration_seconds_count\{operation="(submit|retrieve)"\}/);
  });

  it('counts deliveries by module, event and outcome, and times them', async () => {
    const metrics = createServerMetrics({ processMetrics: false });
    const record = { event: EXITEVENT_CERTISSUED, context: 1, progId: 'A.Exit', hresult: 0, ms: 2 };
    metrics.observeDelivery({ ...record, ok: true });
    metrics.observeDelivery({ ...record, ok: false, hresult: E_FAIL });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /certexit_exit_deliveries_total\{module="A.Exit",event="EXITEVENT_CERTISSUED",outcome="ok"\} 1/,
    );
    expect(text).toMatch(
      /certexit_exit_deliveries_total\{module="A.Exit",event="EXITEVENT_CERTISSUED",outcome="failed"\} 1/,
    );
    expect(text).toMatch(
      /certexit_exit_delivery_duration_seconds_sum\{module="A.Exit",event="EXITEVENT_CERTISSUED"\} 0.004/,
    );
  });

  it('exports process metrics unless told not to', async () => {
    expect(await createServerMetrics().registry.metrics()).toMatch(/process_cpu_user_seconds_total/);
  });
});
