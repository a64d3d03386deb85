import type { RetryPolicy, Rng } from '../types.js';
import type { ResetReason } from './local-reply.js';

/**
 * Whether an attempt that failed before response headers may be retried under `retry_on` (Envoy's
 * `wouldRetryFromReset`): overflow never; `reset`, `5xx` and `gateway-error` always (a reset counts as a 5xx);
 * `connect-failure` when the connection never came up; `reset-before-request` when no request byte went out.
 */
export function shouldRetryReset(
  policy: RetryPolicy,
  reason: ResetReason,
  isRequestStarted: boolean,
): boolean {
  if (reason.kind === 'overflow') return false;
  const { retryOn } = policy;
  if (retryOn.includes('reset') || retryOn.includes('5xx') || retryOn.includes('gateway-error')) return true;
  const isConnectFailure = reason.kind === 'connect-failure' || reason.kind === 'connect-timeout';
  if (retryOn.includes('connect-failure') && isConnectFailure) return true;
  return retryOn.includes('reset-before-request') && !isRequestStarted;
}

/**
 * Whether a response may be retried (Envoy's `wouldRetryFromHeaders`): one carrying `x-envoy-ratelimited` only
 * under `envoy-ratelimited`; else `5xx` any 5xx, `gateway-error` 502–504, `retriable-4xx` 409, and
 * `retriable-status-codes` the listed codes.
 */
export function shouldRetryStatus(policy: RetryPolicy, status: number, isRateLimited: boolean): boolean {
  const { retryOn } = policy;
  if (isRateLimited) return retryOn.includes('envoy-ratelimited');
  if (status >= 500 && status <= 599 && retryOn.includes('5xx')) return true;
  if ((status === 502 || status === 503 || status === 504) && retryOn.includes('gateway-error')) return true;
  if (status === 409 && retryOn.includes('retriable-4xx')) return true;
  return retryOn.includes('retriable-status-codes') && policy.retriableStatusCodes.includes(status);
}

/**
 * Envoy's `JitteredExponentialBackOffStrategy` (source/common/common/backoff_strategy.cc), one per request: the
 * k-th back-off is `random % interval_k` with interval_1 = base and interval_{k+1} = 2·interval_k while
 * interval_k < max/2, else max. With the defaults: [0, 25), [0, 50), [0, 100), [0, 200), [0, 250), … ms.
 */
export class RetryBackOff {
  private readonly maxIntervalMs: number;
  private readonly doublingLimitMs: number;
  private nextIntervalMs: number;
  private readonly random: Rng;

  constructor(backOff: RetryPolicy['backOff'], random: Rng) {
    this.nextIntervalMs = backOff.baseIntervalMs;
    this.maxIntervalMs = backOff.maxIntervalMs;
    this.doublingLimitMs = Math.floor(backOff.maxIntervalMs / 2);
    this.random = random;
  }

  /** The next delay in whole milliseconds; advances the interval. */
  nextBackOffMs(): number {
    const intervalMs = this.nextIntervalMs;
    this.nextIntervalMs =
      this.nextIntervalMs < this.doublingLimitMs ? this.nextIntervalMs * 2 : this.maxIntervalMs;
    return this.random() % intervalMs;
  }
}
