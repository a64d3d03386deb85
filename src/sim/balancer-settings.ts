import type { BalancerOptions } from 'lbbench-proxy';
import type { EnvoyPolicyEntry } from '../scenario/types.js';

/** Envoy's (and lbbench-proxy's) cluster defaults of the balancer settings, for a row that leaves them out. */
export const SIM_BALANCER_SETTINGS: Omit<BalancerOptions, 'policy'> = {
  roundRobin: { slowStart: undefined },
  leastRequest: { choiceCount: 2, activeRequestBias: 1, slowStart: undefined },
  ringHash: { minimumRingSize: 1024, maximumRingSize: 8_388_608, hashFunction: 'XX_HASH' },
  maglev: { tableSize: 65_537 },
};

/**
 * The balancer options of a row, as lbbench-proxy reads them from the row's cluster config: its policy, and each
 * setting it sets in place of Envoy's default. `slowStart` goes to the policy's own config (round robin or least
 * request); the balancers read simulated time through the clock the simulator gives them.
 */
export function getSimBalancerOptions(row: EnvoyPolicyEntry): BalancerOptions {
  const defaults = SIM_BALANCER_SETTINGS;
  const { choiceCount, activeRequestBias, minimumRingSize, slowStart } = row.settings;
  return {
    policy: row.policy,
    roundRobin: { slowStart: row.policy === 'ROUND_ROBIN' ? slowStart : undefined },
    leastRequest: {
      choiceCount: choiceCount ?? defaults.leastRequest.choiceCount,
      activeRequestBias: activeRequestBias ?? defaults.leastRequest.activeRequestBias,
      slowStart: row.policy === 'LEAST_REQUEST' ? slowStart : undefined,
    },
    ringHash: { ...defaults.ringHash, minimumRingSize: minimumRingSize ?? defaults.ringHash.minimumRingSize },
    maglev: defaults.maglev,
  };
}
