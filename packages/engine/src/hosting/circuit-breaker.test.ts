import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';

describe('circuit breaker', () => {
  it('opens after failures of threshold different requests, lets one probe through after the open time, and closes on its success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 3, openMs: 1_000 }, () => now);
    breaker.failed(1);
    breaker.failed(2);
    expect(breaker.state).toBe('closed');
    breaker.failed(3);
    expect([breaker.state, breaker.allowance(), breaker.probeAt()]).toEqual(['open', 0, 1_000]);
    now = 1_000;
    expect([breaker.state, breaker.allowance()]).toEqual(['half-open', 1]);
    breaker.starting();
    expect(breaker.allowance()).toBe(0);
    breaker.failed(4);
    expect([breaker.state, breaker.probeAt()]).toEqual(['open', 2_000]);
    now = 2_500;
    breaker.starting();
    breaker.succeeded();
    expect([breaker.state, breaker.allowance()]).toEqual(['closed', Number.POSITIVE_INFINITY]);
  });

  // Issue 12, finding "the circuit breaker opens on one request's repeated failure and starves every other request".
  it('never opens for one request that keeps failing', () => {
    const breaker = new CircuitBreaker({ threshold: 3, openMs: 1_000 }, () => 0);
    for (let i = 0; i < 50; i++) breaker.failed(7);
    expect([breaker.state, breaker.failures]).toEqual(['closed', 1]);
    breaker.failed(8);
    expect(breaker.state).toBe('closed');
    breaker.succeeded();
    expect(breaker.failures).toBe(0);
  });

  it('ends a probe that settled without a verdict (a permanent failure) so another one may go', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 1, openMs: 100 }, () => now);
    breaker.failed(1);
    now = 100;
    breaker.starting();
    expect(breaker.allowance()).toBe(0);
    breaker.settled();
    expect([breaker.state, breaker.allowance()]).toEqual(['half-open', 1]);
  });
});
