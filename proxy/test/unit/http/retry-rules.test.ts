import { describe, expect, it } from 'vitest';
import { RetryBackOff, shouldRetryReset, shouldRetryStatus } from '../../../src/http/retry-rules.js';
import type { RetryOn, RetryPolicy } from '../../../src/types.js';

const policy = (retryOn: readonly RetryOn[], retriableStatusCodes: number[] = []): RetryPolicy => ({
  retryOn,
  numRetries: 1,
  perTryTimeoutMs: undefined,
  retriableStatusCodes,
  hasPreviousHostsPredicate: false,
  hostSelectionMaxAttempts: 1,
  backOff: { baseIntervalMs: 25, maxIntervalMs: 250 },
});

describe('retry rules', () => {
  it.each([
    [['connect-failure'], 'connect-failure', true, true],
    [['connect-failure'], 'connect-timeout', true, true],
    [['connect-failure'], 'termination', true, false],
    [['reset'], 'connect-failure', false, true],
    [['reset'], 'termination', true, true],
    [['5xx'], 'termination', true, true],
    [['gateway-error'], 'protocol-error', true, true],
    [['reset-before-request'], 'connect-failure', false, true],
    [['reset-before-request'], 'termination', false, true],
    [['reset-before-request'], 'termination', true, false],
    [['5xx', 'reset', 'connect-failure'], 'overflow', false, false],
    [['retriable-4xx'], 'termination', true, false],
  ] as const)('retry_on %j after %s (request started: %s): %s', (retryOn, kind, isStarted, expected) => {
    const reason = kind === 'connect-failure' ? { kind, errno: 'ECONNREFUSED' } : { kind };
    expect(shouldRetryReset(policy(retryOn), reason, isStarted)).toBe(expected);
  });

  it.each([
    [['5xx'], 500, false, true],
    [['5xx'], 404, false, false],
    [['gateway-error'], 500, false, false],
    [['gateway-error'], 503, false, true],
    [['retriable-4xx'], 409, false, true],
    [['connect-failure'], 503, false, false],
    [['5xx'], 503, true, false],
    [['5xx', 'envoy-ratelimited'], 429, true, true],
    [['retriable-status-codes'], 429, false, true],
    [['retriable-status-codes'], 503, false, false],
  ] as const)('retry_on %j for status %i (rate limited: %s): %s', (retryOn, status, isLimited, expected) => {
    expect(shouldRetryStatus(policy(retryOn, [429]), status, isLimited)).toBe(expected);
  });

  it('backs off as Envoy: [0, 25), [0, 50), [0, 100), [0, 200), then [0, 250) for good', () => {
    const intervals: number[] = [];
    // random() = interval − 1 probes each interval's upper bound: the delay is random % interval.
    let probe = 0;
    const backOff = new RetryBackOff({ baseIntervalMs: 25, maxIntervalMs: 250 }, () => probe);
    for (const interval of [25, 50, 100, 200, 250, 250]) {
      probe = interval - 1;
      intervals.push(backOff.nextBackOffMs());
    }
    expect(intervals).toEqual([24, 49, 99, 199, 249, 249]);
    const wrapped = new RetryBackOff({ baseIntervalMs: 25, maxIntervalMs: 250 }, () => 25);
    expect(wrapped.nextBackOffMs()).toBe(0);
  });

  it('caps at max_interval without doubling past it (base 40, max 100: 40, 80, 100)', () => {
    const backOff = new RetryBackOff({ baseIntervalMs: 40, maxIntervalMs: 100 }, () => 0xffffffff);
    const delays = [0, 1, 2, 3].map(() => backOff.nextBackOffMs());
    expect(delays).toEqual([0xffffffff % 40, 0xffffffff % 80, 0xffffffff % 100, 0xffffffff % 100]);
    for (const delay of delays) expect(delay).toBeLessThan(100);
  });
});
