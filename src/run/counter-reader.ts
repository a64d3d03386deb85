import type { CounterSource } from '../backends/backend.js';
import { HAPROXY_BACKEND } from '../backends/other-proxies/haproxy-config.js';
import { HaproxyStatsReader } from '../collect/haproxy-stats-client.js';
import type { FetchClustersOptions } from '../collect/clusters-client.js';
import type { ClustersSnapshot } from '../collect/types.js';
import type { RunDrivers } from './run-drivers.js';

/** The cluster of the bundled templates whose hosts are the myapp pods; other balancers' hosts are listed under it. */
export const MYAPP_CLUSTER = 'myapp_cluster';

/** Reads a row balancer's cumulative per-host counters, in the `/clusters` snapshot shape the deltas take. */
export interface CounterReader {
  /** Where the counters come from, for progress lines and messages, e.g. `the proxy's /clusters (http://…)`. */
  readonly description: string;
  readonly read: (options: FetchClustersOptions) => Promise<ClustersSnapshot>;
}

/**
 * The reader of a row's per-host counters, or undefined for a row without any (its per-pod counts are the client's
 * `X-Upstream-Pod` tally). Every counter source a balancer may name has its case here, so the run loop never
 * changes when a balancer kind is added.
 */
export function createCounterReader(source: CounterSource, drivers: RunDrivers): CounterReader | undefined {
  switch (source.kind) {
    case 'envoy-clusters':
      return {
        description: `the proxy's /clusters (${source.adminUrl})`,
        read: (options) => drivers.fetchClusters(source.adminUrl, options),
      };
    case 'haproxy-stats': {
      // One reader per use: a reader follows the slots of one HAProxy process from its first reading on.
      const reader = new HaproxyStatsReader({
        statsUrl: source.statsUrl,
        backend: HAPROXY_BACKEND,
        clusterName: MYAPP_CLUSTER,
      });
      return {
        description: `HAProxy's stats (${source.statsUrl};csv)`,
        read: (options) => reader.read(options),
      };
    }
    case 'client-tally':
      return undefined;
  }
}
