import type { BalancerOptions } from 'lbbench-proxy';
import type { EnvoyPolicyEntry } from '../scenario/types.js';

/** Envoy's (and lbbench-proxy's) cluster defaults of the balancer settings, for a row that leaves them out. */
export const SIM_BALANCER_SETTINGS: Omit<BalancerOptions, 'policy'> = {
  leastRequest: { choiceCount: 2, activeRequestBias: 1 },
  ringHash: { minimumRingSize: 1024, maximumRingSize: 8_388_608, hashFunction: 'XX_HASH' },
  maglev: { tableSize: 65_537 },
};

/**
 * The balancer options of a row, as lbbench-proxy reads them from the row's cluster config: its policy, and each
 * setting it sets in place of Envoy's default. A row's `slowStart` is not modelled here: the simulator rejects it
 * (see `assertSimulatable`).
 */
export function getSimBalancerOptions(row: EnvoyPolicyEntry): BalancerOptions {
  const defaults = SIM_BALANCER_SETTINGS;
  const { choiceCount, activeRequestBias, minimumRingSize } = row.settings;
  return {
    policy: row.policy,
    leastRequest: {
      choiceCount: choiceCount ?? defaults.leastRequest.choiceCount,
      activeRequestBias: activeRequestBias ?? defaults.leastRequest.activeRequestBias,
    },
    ringHash: { ...defaults.ringHash, minimumRingSize: minimumRingSize ?? defaults.ringHash.minimumRingSize },
    maglev: defaults.maglev,
  };
}
