import type { Rng } from 'lbbench-proxy';
import { pickClusterIpEndpoint } from '../backends/cluster-ip-pick.js';
import type { SimFleet } from './sim-fleet.js';
import { drawUnit } from './sim-seeds.js';

const UNBOUND = -1;

/** The pod a request of a CLUSTER_IP row goes to, and whether its connection was (re)opened for it. */
export interface ClusterIpPick {
  /** The pod id, or -1 when no pod is Ready. */
  readonly pod: number;
  readonly isNewConnection: boolean;
}

/**
 * The CLUSTER_IP row of the simulator: the client's connections go straight to a ClusterIP Service, and kube-proxy
 * binds each new connection to a Ready pod picked as its iptables chain picks ({@link pickClusterIpEndpoint}). Every
 * request of a connection then goes to that pod. A connection is opened again, and bound anew, after the client
 * closed it (a timeout) or lost it (its pod was killed with requests in flight), and when its pod stopped being
 * Ready (killed while the connection was idle, or scaled away: the pod closes its keep-alive connections as it
 * shuts down). kube-proxy's endpoint updates are taken as immediate.
 */
export class SimClusterIp {
  readonly #fleet: SimFleet;
  readonly #rng: Rng;
  readonly #connectionPod: Int32Array;

  constructor(options: { readonly fleet: SimFleet; readonly rng: Rng; readonly connections: number }) {
    this.#fleet = options.fleet;
    this.#rng = options.rng;
    this.#connectionPod = new Int32Array(options.connections).fill(UNBOUND);
  }

  /** The pod of `connection`'s next request: its bound pod while that is Ready, else a fresh pick. */
  pick(connection: number): ClusterIpPick {
    const bound = this.#connectionPod[connection] ?? UNBOUND;
    if (bound !== UNBOUND && this.#fleet.isReady(bound)) return { pod: bound, isNewConnection: false };
    const ready = this.#fleet.readyIds();
    const index = pickClusterIpEndpoint(ready.length, () => drawUnit(this.#rng));
    const pod = index === undefined ? UNBOUND : (ready[index] ?? UNBOUND);
    this.#connectionPod[connection] = pod;
    return { pod, isNewConnection: pod !== UNBOUND };
  }

  /** `connection` was closed or reset: its next request opens a new connection. */
  release(connection: number): void {
    this.#connectionPod[connection] = UNBOUND;
  }
}
