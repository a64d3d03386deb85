import type { BalancerOptions } from 'lbbench-proxy';

/** Envoy's (and lbbench-proxy's) cluster defaults for the balancer settings a scenario cannot change. */
export const SIM_BALANCER_SETTINGS: Omit<BalancerOptions, 'policy'> = {
  roundRobin: { slowStart: undefined },
  leastRequest: { choiceCount: 2, activeRequestBias: 1, slowStart: undefined },
  ringHash: { minimumRingSize: 1024, maximumRingSize: 8_388_608, hashFunction: 'XX_HASH' },
  maglev: { tableSize: 65_537 },
};
