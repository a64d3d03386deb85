import type { BalancerFactory } from 'lbbench-proxy';
import type { KeyTally } from '../load/key-tally.js';
import type { AppliedEvent, HealthEvent } from '../results/types.js';
import type { ClusterIpPolicyEntry, EnvoyPolicyEntry, Scenario } from '../scenario/types.js';
import type { LatencyHistogram } from '../stats/histogram.js';

/** The rows the simulator models: the bundled proxy's balancers, and CLUSTER_IP's connection-level pick. */
export type SimulatedRow = EnvoyPolicyEntry | ClusterIpPolicyEntry;

/** What one simulated run needs. */
export interface SimRunInput {
  readonly scenario: Scenario;
  readonly row: SimulatedRow;
  readonly seed: number;
  /** Builds each worker's balancer; tests inject broken ones. */
  readonly createBalancer: BalancerFactory;
}

/** A change of the proxy's host set (after a DNS refresh), `tMs` after the measured window started. */
export interface HostSetChange {
  /** Negative during the warm-up; the initial set is at minus the warm-up. */
  readonly tMs: number;
  /** Pod ids in the order the balancers see them. */
  readonly podIds: readonly number[];
}

/** A simulated pod as the outcome names it. */
export interface SimPodLabel {
  readonly id: number;
  readonly name: string;
  readonly address: string;
}

/** Per-pod counters over the measured window, indexed by pod id (Envoy's per-host counters). */
export interface SimHostCounters {
  readonly rqTotal: readonly number[];
  readonly rqSuccess: readonly number[];
  readonly rqError: readonly number[];
  readonly rqTimeout: readonly number[];
  readonly cxTotal: readonly number[];
  readonly cxConnectFail: readonly number[];
}

/**
 * An ejection or un-ejection, or an active health check failing or passing a pod, at `tMs` from the start of the
 * measured window.
 */
export interface SimHealthEvent {
  readonly tMs: number;
  readonly podId: number;
  readonly action: HealthEvent['action'];
}

/** Everything one simulated run observed, before it is shaped into a `RunRecord`. */
export interface SimOutcome {
  readonly pods: readonly SimPodLabel[];
  readonly counters: SimHostCounters;
  /** When each pod got its first counted request, ms after the window started; undefined for none. */
  readonly firstDispatchMs: readonly (number | undefined)[];
  /** `rq_total` per bucket of the window (index = bucket of `bucketMs`) and per pod id. */
  readonly buckets: readonly (readonly number[])[];
  readonly bucketMs: number;
  /** Counted requests that ended per second of the window (index = second), and the failed ones among them. */
  readonly clientTicks: { readonly responses: readonly number[]; readonly errors: readonly number[] };
  readonly hostSets: readonly HostSetChange[];
  /** Pods in the DNS answer (Ready) at some time during the window, by id, in creation order. */
  readonly readyDuringWindow: readonly number[];
  readonly requestsSent: number;
  readonly status2xx: number;
  readonly non2xx: number;
  readonly timeouts: number;
  /** Latency of every counted response (2xx and 503), in µs. */
  readonly latency: LatencyHistogram;
  /** Length of the measured window: `load.durationMs`, or until the last counted request ended (`sim.requests`). */
  readonly durationMs: number;
  readonly events: readonly AppliedEvent[];
  /** Workers that were given at least one client connection. */
  readonly workersWithConnections: number;
  /** Health events in the window, by pod id (empty without outlier detection and health checks). */
  readonly healthEvents: readonly SimHealthEvent[];
  /** With `load.keys`: which pod answered each key (the pod's own answers), per period between host-set changes. */
  readonly keyTally?: KeyTally;
}
