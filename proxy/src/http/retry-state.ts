import type { RetryPolicy, Rng } from '../types.js';
import type { ClusterResources } from '../worker/cluster-resources.js';
import type { HostSelection } from '../worker/worker-cluster.js';
import { RetryBackOff } from './retry-rules.js';

/** What {@link RetryState.shouldRetry} decided (Envoy's `RetryStatus`). */
export type RetryStatus = 'yes' | 'no' | 'limit-exceeded' | 'overflow';

/**
 * One request's retry bookkeeping, as Envoy's `RetryStateImpl` keeps it: retries left, the back-off, the hosts
 * already tried (the `previous_hosts` predicate), and the slot it holds in the cluster's `max_retries` breaker
 * from a retry's decision until the next decision or the end of the request.
 */
export class RetryState {
  readonly policy: RetryPolicy;
  private readonly resources: ClusterResources;
  private readonly backOff: RetryBackOff;
  private retriesRemaining: number;
  private readonly attemptedSlots: number[] = [];
  private isHoldingRetry = false;

  constructor(policy: RetryPolicy, resources: ClusterResources, random: Rng) {
    this.policy = policy;
    this.resources = resources;
    this.backOff = new RetryBackOff(policy.backOff, random);
    this.retriesRemaining = policy.numRetries;
  }

  /** The router selected `slot` for an attempt (Envoy's `onHostAttempted`). */
  onHostAttempted(slot: number): void {
    this.attemptedSlots.push(slot);
  }

  /**
   * How a retry picks its host: up to `host_selection_retry_max_attempts` re-picks while the `previous_hosts`
   * predicate rejects an already tried host (the router's `hostSelectionRetryCount` and `shouldSelectAnotherHost`).
   */
  getHostSelection(): HostSelection {
    const attempted = this.attemptedSlots;
    const hasPredicate = this.policy.hasPreviousHostsPredicate;
    return {
      maxAttempts: this.policy.hostSelectionMaxAttempts + 1,
      shouldSelectAnotherHost: (host) => hasPredicate && attempted.includes(host.slot),
    };
  }

  /**
   * Decides on a retry after an attempt's outcome (`wouldRetry`), with Envoy's counters: `upstream_rq_retry_success`
   * when a retried request's outcome is not retriable, `upstream_rq_retry_limit_exceeded`, `upstream_rq_retry_overflow`,
   * and `upstream_rq_retry` with `upstream_rq_retry_backoff_exponential` for a retry that will happen.
   */
  shouldRetry(wouldRetry: boolean): RetryStatus {
    if (this.isHoldingRetry && !wouldRetry) this.resources.addCounter('upstream_rq_retry_success');
    this.release();
    if (!wouldRetry) return 'no';
    if (this.retriesRemaining === 0) {
      this.resources.addCounter('upstream_rq_retry_limit_exceeded');
      return 'limit-exceeded';
    }
    this.retriesRemaining -= 1;
    if (!this.resources.tryStartRetry()) {
      this.resources.addCounter('upstream_rq_retry_overflow');
      return 'overflow';
    }
    this.isHoldingRetry = true;
    this.resources.addCounter('upstream_rq_retry');
    this.resources.addCounter('upstream_rq_retry_backoff_exponential');
    return 'yes';
  }

  /** The delay before the retry just granted. */
  nextBackOffMs(): number {
    return this.backOff.nextBackOffMs();
  }

  /** Gives back the `max_retries` slot, if held (a decision, or the end of the request). */
  release(): void {
    if (!this.isHoldingRetry) return;
    this.isHoldingRetry = false;
    this.resources.endRetry();
  }
}
