import { createBalancer } from '../../../proxy/src/lb/create-balancer.js';
import type { Balancer, BalancerOptions, PickContext, PickResult } from '../../../proxy/src/types.js';

interface CountedState {
  readonly inner: unknown;
  readonly hostCount: number;
}

/**
 * The proxy's ROUND_ROBIN with a bug: whenever it would pick the last host it picks the next one instead, so the
 * last host never gets a request. Other policies are the real ones.
 */
export function createSkippingRoundRobin(options: BalancerOptions): Balancer<unknown> {
  const real = createBalancer(options);
  if (options.policy !== 'ROUND_ROBIN') return real;
  const wrapped: Balancer<CountedState> = {
    policy: real.policy,
    init: (hosts, seed) => ({ inner: real.init(hosts, seed), hostCount: hosts.length }),
    update: (state, hosts) => ({ inner: real.update(state.inner, hosts), hostCount: hosts.length }),
    pick: (state, context) => {
      let result = real.pick(state.inner, context);
      if (state.hostCount > 1 && result.index === state.hostCount - 1)
        result = real.pick(result.state, context);
      return { index: result.index, state: { inner: result.state, hostCount: state.hostCount } };
    },
  };
  return wrapped;
}

/**
 * LEAST_REQUEST with the comparison the wrong way round: of two random draws it keeps the busier host (more
 * requests in flight), so load piles up where it already is. Other policies are the real ones.
 */
export function createBusierOfTwo(options: BalancerOptions): Balancer<unknown> {
  const real = createBalancer(options);
  if (options.policy !== 'LEAST_REQUEST') return real;
  const pick = (state: CountedState, context: PickContext): PickResult<CountedState> => {
    if (state.hostCount === 0) return { index: -1, state };
    const first = context.random() % state.hostCount;
    const second = context.random() % state.hostCount;
    const isSecondBusier = context.activeRequests(second) > context.activeRequests(first);
    return { index: isSecondBusier ? second : first, state };
  };
  const wrapped: Balancer<CountedState> = {
    policy: real.policy,
    init: (hosts) => ({ inner: undefined, hostCount: hosts.length }),
    update: (_state, hosts) => ({ inner: undefined, hostCount: hosts.length }),
    pick,
  };
  return wrapped;
}
