import type { RetryPolicy, Rng } from '../types.js';
import type { ResetReason } from './local-reply.js';

const RETRY_BASE_INTERVAL_MS = 25;
const RETRY_MAX_INTERVAL_MS = 250;

/**
 * Whether a failed attempt may be retried under `retry_on`. In Envoy, `reset`, `5xx` and `gateway-error` all
 * cover an upstream that never answered (connect failure, disconnect, reset); `connect-failure` covers only
 * connections that never came up. Circuit-breaker overflow is never retried.
 */
export function shouldRetryReset(policy: RetryPolicy, reason: ResetReason): boolean {
  if (reason.kind === 'overflow') return false;
  const { retryOn } = policy;
  if (retryOn.includes('reset') || retryOn.includes('5xx') || retryOn.includes('gateway-error')) return true;
  return (
    retryOn.includes('connect-failure') &&
    (reason.kind === 'connect-failure' || reason.kind === 'connect-timeout')
  );
}

/** Whether a response status may be retried: `5xx` any 5xx, `gateway-error` 502–504, `retriable-4xx` 409. */
export function shouldRetryStatus(policy: RetryPolicy, status: number): boolean {
  const { retryOn } = policy;
  if (status >= 500 && retryOn.includes('5xx')) return true;
  if ((status === 502 || status === 503 || status === 504) && retryOn.includes('gateway-error')) return true;
  if (status === 409 && retryOn.includes('retriable-4xx')) return true;
  return policy.retriableStatusCodes.includes(status);
}

/** Envoy's jittered exponential back-off before retry `attempt` (1-based): uniform in [0, min(25·2^(k−1), 250)) ms. */
export function getRetryBackoffMs(attempt: number, random: Rng): number {
  const intervalMs = Math.min(RETRY_BASE_INTERVAL_MS * 2 ** (attempt - 1), RETRY_MAX_INTERVAL_MS);
  return random() % intervalMs;
}
