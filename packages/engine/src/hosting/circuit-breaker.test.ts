import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';

describe('circuit breaker', () => {
  it('opens after the threshold, lets one probe through after the open time, and closes on its success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 3, openMs: 1_000 }, () => now);
    breaker.failed();
    breaker.failed();
    expect(breaker.state).toBe('closed');
    breaker.failed();
    expect([breaker.state, breaker.allowance(), breaker.probeAt()]).toEqual(['open', 0, 1_000]);
    now = 1_000;
    expect([breaker.state, breaker.allowance()]).toEqual(['half-open', 1]);
    breaker.starting();
    expect(breaker.allowance()).toBe(0);
    breaker.failed();
    expect([breaker.state, breaker.probeAt()]).toEqual(['open', 2_000]);
    now = 2_500;
    breaker.starting();
    breaker.succeeded();
    expect([breaker.state, breaker.allowance()]).toEqual(['closed', Number.POSITIVE_INFINITY]);
  });
});
