import { fetchClusters, type FetchClustersOptions } from '../collect/clusters-client.js';
import type { ClustersSnapshot } from '../collect/types.js';
import { runLocalGenerators, type RunLocalGeneratorsOptions } from '../load/run-local-generators.js';
import type { LoadRecord } from '../results/types.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';

/** The time, load and `/clusters` reads a run goes through; unit tests pass their own. */
export interface RunDrivers {
  readonly clock: Clock;
  readonly runLoad: (options: RunLocalGeneratorsOptions) => Promise<LoadRecord>;
  readonly fetchClusters: (adminUrl: string, options: FetchClustersOptions) => Promise<ClustersSnapshot>;
}

/** The real ones: the system clock, local generator processes (autocannon) and HTTP. */
export const LIVE_DRIVERS: RunDrivers = { clock: SYSTEM_CLOCK, runLoad: runLocalGenerators, fetchClusters };
