import type { Balancer, PickContext } from '../types.js';

/** How many picks one host selection may make and which picked hosts it rejects. */
export interface PickRetryRule {
  /** Picks at most, ≥ 1: the router's `hostSelectionRetryCount() + 1`. */
  readonly maxAttempts: number;
  /** Whether a retry host predicate rejects host `index` (Envoy's `shouldSelectAnotherHost`). */
  readonly shouldSelectAnotherHost: (index: number) => boolean;
}

/**
 * Envoy's host selection with retry host predicates (`LoadBalancerBase::chooseHost` and
 * `ThreadAwareLoadBalancerBase::LoadBalancerImpl::chooseHost`): pick with attempt 0, 1, …; return the first host
 * the predicate accepts, or the last one picked when every attempt was rejected. Each attempt is a full pick, so
 * round robin advances; ring hash and Maglev look up the same request hash and move off its entry only for
 * attempt > 0, so a retry stays on the request's host unless a predicate rejects it. Returns -1 without hosts.
 */
export function chooseHost(
  balancer: Balancer,
  createContext: (attempt: number) => PickContext,
  rule: PickRetryRule,
): number {
  let index = -1;
  for (let attempt = 0; attempt < rule.maxAttempts; attempt += 1) {
    index = balancer.pick(createContext(attempt));
    if (index < 0 || !rule.shouldSelectAnotherHost(index)) return index;
  }
  return index;
}
