import type { Balancer, BalancerHost, PickContext, PickResult } from '../types.js';

/** RANDOM's state: just the host list; `pick` never changes it. */
export interface RandomState {
  readonly hosts: readonly BalancerHost[];
}

function pickRandom(state: RandomState, context: PickContext): PickResult<RandomState> {
  const count = state.hosts.length;
  // Envoy draws one value and uses it for both the priority and `hosts[r % n]`; with one priority only the
  // host choice is left. Weights are ignored, as in Envoy.
  return { index: count === 0 ? -1 : context.random() % count, state };
}

/** Creates Envoy's RANDOM: one random value per pick, host `r % n`. */
export function createRandomBalancer(): Balancer<RandomState> {
  return {
    policy: 'RANDOM',
    init: (hosts) => ({ hosts }),
    update: (_state, hosts) => ({ hosts }),
    pick: (state, context) => pickRandom(state, context),
  };
}
