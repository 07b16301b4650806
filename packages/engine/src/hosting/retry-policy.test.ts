import { describe, expect, it } from 'vitest';
import { isExhausted, retryDelayMs } from './retry-policy';

const policy = { maxAttempts: 4, baseMs: 100, maxMs: 1_000 };

describe('retry policy', () => {
  it('doubles the delay per failure, capped, with half of it random', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(policy, n, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(policy, n, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('dead-letters at the maximum attempts', () => {
    expect([3, 4, 5].map((n) => isExhausted(policy, n))).toEqual([false, true, true]);
  });
});
