import { describe, expect, it } from 'vitest';
import { getRetryBackoffMs, shouldRetryReset, shouldRetryStatus } from '../../../src/http/retry-rules.js';
import type { RetryOn, RetryPolicy } from '../../../src/types.js';

const policy = (...retryOn: RetryOn[]): RetryPolicy => ({
  retryOn,
  numRetries: 1,
  perTryTimeoutMs: undefined,
  retriableStatusCodes: [],
});

describe('retry rules', () => {
  it.each([
    [['connect-failure'], 'connect-failure', true],
    [['connect-failure'], 'connect-timeout', true],
    [['connect-failure'], 'termination', false],
    [['reset'], 'connect-failure', true],
    [['reset'], 'termination', true],
    [['5xx'], 'termination', true],
    [['gateway-error'], 'protocol-error', true],
    [['5xx', 'reset', 'connect-failure'], 'overflow', false],
    [['retriable-4xx'], 'termination', false],
  ] as const)('retry_on %j after %s: %s', (retryOn, kind, expected) => {
    const reason = kind === 'connect-failure' ? { kind, errno: 'ECONNREFUSED' } : { kind };
    expect(shouldRetryReset(policy(...retryOn), reason)).toBe(expected);
  });

  it.each([
    [['5xx'], 500, true],
    [['5xx'], 404, false],
    [['gateway-error'], 500, false],
    [['gateway-error'], 503, true],
    [['retriable-4xx'], 409, true],
    [['connect-failure'], 503, false],
  ] as const)('retry_on %j for status %i: %s', (retryOn, status, expected) => {
    expect(shouldRetryStatus(policy(...retryOn), status)).toBe(expected);
  });

  it('backs off within [0, 25·2^(k−1)) capped at 250 ms', () => {
    const max = () => 0xffffffff;
    expect(getRetryBackoffMs(1, max)).toBe(0xffffffff % 25);
    expect(getRetryBackoffMs(3, () => 99)).toBe(99);
    expect(getRetryBackoffMs(10, () => 1000)).toBe(1000 % 250);
  });
});
