import {
  DEFAULT_CIRCUIT_BREAKER_THRESHOLDS,
  RETRY_DEFAULTS,
  RetryBackOff,
  shouldRetryReset,
  shouldRetryStatus,
  type RetryPolicy,
  type Rng,
} from 'lbbench-proxy';
import type { RetrySettings } from '../scenario/types.js';
import { OUTCOME } from './request-slots.js';

/** How an attempt ended, as far as the retry rules care. */
export type AttemptFailure =
  /** The pod answered this status. */
  | { readonly kind: 'status'; readonly status: number }
  /** The connection to a dead pod was refused: no request byte went out. */
  | { readonly kind: 'connect-failure' }
  /** The attempt was reset after the request went out: the pod died, or the per-try timeout fired. */
  | { readonly kind: 'termination' };

/**
 * The proxy's parsed `retry_policy` for a row's retries, as lbbench-proxy reads the route that
 * `setRetryPolicy` writes: no retriable status codes, Envoy's default back-off (base 25 ms, max 10 × base).
 */
export function toRetryPolicy(settings: RetrySettings): RetryPolicy {
  return {
    retryOn: settings.retryOn,
    numRetries: settings.numRetries,
    perTryTimeoutMs: settings.perTryTimeoutMs,
    retriableStatusCodes: [],
    hasPreviousHostsPredicate: settings.previousHosts,
    hostSelectionMaxAttempts: settings.hostSelectionRetryMaxAttempts,
    backOff: {
      baseIntervalMs: RETRY_DEFAULTS.baseIntervalMs,
      maxIntervalMs: RETRY_DEFAULTS.baseIntervalMs * RETRY_DEFAULTS.maxIntervalFactor,
    },
  };
}

/** One request's retry bookkeeping: lbbench-proxy's `RetryState` without its stats. */
export interface RequestRetry {
  retriesRemaining: number;
  /** Pods the request was sent to, for the `previous_hosts` predicate. */
  readonly attemptedPods: number[];
  readonly backOff: RetryBackOff;
  /** Whether it holds a slot of the cluster's `max_retries` circuit breaker. */
  isHoldingRetry: boolean;
}

/** What {@link SimRetries.decide} answered (the proxy's `RetryStatus`). */
export type SimRetryStatus = 'yes' | 'no' | 'limit-exceeded' | 'overflow';

/**
 * A row's retries in the simulated proxy, decided as lbbench-proxy's router decides them (http/exchange.ts and
 * http/retry-state.ts), with the proxy's own rules: `shouldRetryStatus` / `shouldRetryReset` for whether an
 * attempt's outcome is retriable under `retry_on`, `RetryBackOff` for Envoy's jittered exponential back-off (drawn
 * from the worker's random source, as the proxy's listener draws it), and the cluster's `max_retries` circuit
 * breaker (Envoy's default 3 retries in flight over all workers; a retry holds its slot from the decision until the
 * next decision on that request or its end).
 */
export class SimRetries {
  readonly policy: RetryPolicy;
  readonly #maxRetries: number;
  #retriesActive = 0;

  constructor(settings: RetrySettings) {
    this.policy = toRetryPolicy(settings);
    this.#maxRetries = DEFAULT_CIRCUIT_BREAKER_THRESHOLDS.maxRetries;
  }

  /** A request's state, created at its first retriable-or-not decision; `firstPod` was its first attempt's pod. */
  createRequest(firstPod: number, random: Rng): RequestRetry {
    return {
      retriesRemaining: this.policy.numRetries,
      attemptedPods: firstPod >= 0 ? [firstPod] : [],
      backOff: new RetryBackOff(this.policy.backOff, random),
      isHoldingRetry: false,
    };
  }

  /** Whether `failure` may be retried under `retry_on` (the proxy retries only a request it can replay). */
  isRetriable(failure: AttemptFailure): boolean {
    if (this.policy.numRetries === 0 || this.policy.retryOn.length === 0) return false;
    if (failure.kind === 'status') return shouldRetryStatus(this.policy, failure.status, false);
    if (failure.kind === 'connect-failure')
      return shouldRetryReset(this.policy, { kind: 'connect-failure', errno: 'ECONNREFUSED' }, false);
    return shouldRetryReset(this.policy, { kind: 'termination' }, true);
  }

  /** The router's decision after an attempt (`RetryState.shouldRetry`): retries left, then the breaker. */
  decide(request: RequestRetry, wouldRetry: boolean): SimRetryStatus {
    this.release(request);
    if (!wouldRetry) return 'no';
    if (request.retriesRemaining === 0) return 'limit-exceeded';
    request.retriesRemaining -= 1;
    if (this.#retriesActive >= this.#maxRetries) return 'overflow';
    this.#retriesActive += 1;
    request.isHoldingRetry = true;
    return 'yes';
  }

  /** Gives back the request's breaker slot, if held (a decision, or the end of the request). */
  release(request: RequestRetry | undefined): void {
    if (request?.isHoldingRetry !== true) return;
    request.isHoldingRetry = false;
    this.#retriesActive -= 1;
  }
}

/** What the retry rules see of an attempt's outcome (one of `OUTCOME`); undefined for one that is never retried. */
export function toAttemptFailure(outcome: number): AttemptFailure | undefined {
  switch (outcome) {
    case OUTCOME.success:
      return { kind: 'status', status: 200 };
    case OUTCOME.upstreamError:
      return { kind: 'status', status: 503 };
    case OUTCOME.connectFailure:
      return { kind: 'connect-failure' };
    case OUTCOME.tryTimeout:
    case OUTCOME.reset:
      return { kind: 'termination' };
    default:
      // The client gave up, the route timeout fired, or there was no host: the request ends.
      return undefined;
  }
}
