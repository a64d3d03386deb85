import type { Pod } from '../backend.js';
import { createSeededRng } from '../../stats/seeded-rng.js';
import { L4Balancer } from './l4-balancer.js';
import type { LocalBalancer } from './local-balancer.js';

/** What the local CLUSTER_IP emulation needs. */
export interface ClusterIpBalancerOptions {
  /** The pods now; the Ready ones are the Service's endpoints. */
  readonly listPods: () => readonly Pod[];
  /** The run's seed: the picks are reproducible from it. */
  readonly seed: number;
}

/** How results.json and the report name the emulation. */
export const CLUSTER_IP_EMULATION_VERSION =
  'emulation of kube-proxy iptables mode (a random Ready pod per new connection)';

/**
 * Starts the local backend's CLUSTER_IP row: an in-process {@link L4Balancer} on loopback in front of the Ready
 * pods, seeded from the run's seed. It has no per-host counters: the run counts it from the client's tally.
 */
export async function startClusterIpBalancer(options: ClusterIpBalancerOptions): Promise<LocalBalancer> {
  const balancer = new L4Balancer({
    host: '127.0.0.1',
    port: 0,
    listEndpoints: () => options.listPods().filter((pod) => pod.ready),
    rng: createSeededRng(options.seed),
  });
  const { address, port } = await balancer.listen();
  return {
    endpoints: {
      trafficUrl: `http://${address}:${port}`,
      counters: { kind: 'client-tally' },
      proxy: {
        kind: 'cluster-ip',
        version: CLUSTER_IP_EMULATION_VERSION,
        command: `lbbench L4 balancer on ${address}:${port} (in-process)`,
        isSeeded: true,
      },
    },
    stop: () => balancer.close(),
  };
}
