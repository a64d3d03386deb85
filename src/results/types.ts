import type { BackendEnvironment, CounterSourceKind, ProxyInfo } from '../backends/backend.js';
import type { HostCounters } from '../collect/types.js';
import type { KeyTally } from '../load/key-tally.js';
import type { KeyFigures } from '../stats/key-metrics.js';
import type { GateResult } from '../gates/types.js';
import type { PolicyEntry, Scenario, ScenarioEvent } from '../scenario/types.js';
import type {
  DistributionStats,
  EventFigures,
  LatencySummary,
  RowSummary,
  RunMetrics,
} from '../stats/types.js';

/**
 * The version of the results.json shape; bumped on any incompatible change. 2: each run records its initial pods,
 * and the seed is null for a proxy that takes none. 3: runs, summaries and gates address rows (policy entries with
 * names and settings) by `row`; each run records its `entry`.
 */
export const RESULTS_SCHEMA_VERSION = 3;

/** Counter deltas of one host over a run's measured window. */
export type HostDelta = Pick<
  HostCounters,
  'rq_total' | 'rq_success' | 'rq_error' | 'rq_timeout' | 'cx_total' | 'cx_connect_fail'
>;

/**
 * One upstream host (pod) over one run. On a row counted from the client's tally (`counterSource: client-tally`)
 * only `delta.rq_total` is known (the responses that carried the pod's header); the other counters are 0.
 */
export interface HostRecord {
  /** `ip:port` as /clusters prints it. */
  readonly address: string;
  /** The pod behind that address, when known. */
  readonly pod: string | undefined;
  readonly delta: HostDelta;
  /** Present in the first and the last snapshot of the measured window. */
  readonly presentAtStart: boolean;
  readonly presentAtEnd: boolean;
  /** Responses the client saw with this pod's `X-Upstream-Pod` header. */
  readonly clientResponses: number;
}

/** Per-host request counts over one sampling interval of the measured window. */
export interface TimelinePoint {
  /** End of the interval, ms after the measured window started. */
  readonly tMs: number;
  /** `rq_total` increase per host address over the interval. */
  readonly rqTotal: Readonly<Record<string, number>>;
}

/** Client-side counts over one progress tick of the measured window (about a second). */
export interface ClientTick {
  /** End of the tick, ms after the measured window started. */
  readonly tMs: number;
  /** Requests that ended in the tick with a response (any status) or an error. */
  readonly responses: number;
  /** The part of them that failed: non-2xx responses, socket errors and timeouts. */
  readonly errors: number;
  /**
   * Responses of the tick per pod, from `X-Upstream-Pod`: the per-pod timeline of a row without per-host counters.
   * Absent in results written before lbbench recorded it.
   */
  readonly byPod?: Readonly<Record<string, number>>;
}

/** Counts of one measured window; merging generators sums each of them; a run records their merged totals. */
export interface LoadCounts {
  readonly requestsSent: number;
  /** Responses received (any status): the completed requests. */
  readonly responses: number;
  readonly status2xx: number;
  readonly non2xx: number;
  /** Requests that got no response (connection errors and timeouts). */
  readonly errors: number;
  readonly timeouts: number;
  /** Responses without a known pod header (local replies such as 503 no healthy upstream). */
  readonly untallied: number;
}

/** What the load generator did and saw in the measured window. */
export interface LoadRecord extends LoadCounts {
  readonly mode: 'closed' | 'open';
  readonly connections: number;
  readonly rateRps: number | undefined;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly rps: number;
  readonly latency: LatencySummary;
  /** Latency samples recorded: one per 2xx response on live runs (more only with coordinated-omission back-fill). */
  readonly latencySamples: number;
  /** Responses tallied per pod from `X-Upstream-Pod`. */
  readonly podTally: Readonly<Record<string, number>>;
  /** The load generator and the settings that shape its numbers, for the report. */
  readonly generator: string;
  /** With `load.keys`: which pod answered each key, per period between host-set changes. */
  readonly keyTally?: KeyTally;
  /** Counts per tick, in time order; absent in results written before lbbench recorded them. */
  readonly ticks?: readonly ClientTick[];
  /** Where the load came from; absent for simulated runs. */
  readonly client?: LoadClient;
}

/** How the client side of a live run was driven. */
export interface LoadClient {
  /** Generator processes on this machine (`local-process`) or the pods of a Kubernetes Job (`in-cluster-job`). */
  readonly path: 'local-process' | 'in-cluster-job';
  readonly generators: number;
  /** How long after the common start time the last generator started measuring. */
  readonly startSpreadMs: number;
  /** The merged latency of the 2xx responses: an HdrHistogram (values in µs), compressed and base64-encoded. */
  readonly latencyHistogramUs: string;
}

/**
 * Client view vs proxy view of the same window: equal for a clean closed-loop run. A row without per-host counters
 * has no proxy view: its proxy totals are undefined and only the client's own counts are checked.
 */
export interface CrossCheck {
  /** Which counters the row had; absent in results written before rows could lack them (read as `envoy-clusters`). */
  readonly counters?: CounterSourceKind;
  /** The balancer's counted requests; undefined when the row had no per-host counters. */
  readonly proxyRqTotal: number | undefined;
  readonly proxyRqSuccess: number | undefined;
  readonly client2xx: number;
  readonly clientHeaderTally: number;
  readonly isConsistent: boolean;
  /** Each difference and its likely reason; empty when consistent. */
  readonly notes: readonly string[];
}

/** A scenario event as it was applied; `podName` names the pod a kill or slow event acted on. */
export type AppliedEvent = ScenarioEvent & {
  readonly appliedAtMs: number;
  readonly detail: string;
  readonly podName?: string;
};

/** A pod the run started with: the cluster the run was verified to start from, after the reset. */
export interface InitialPod {
  readonly name: string;
  /** `ip:port` as /clusters prints it. */
  readonly address: string;
}

/**
 * A host's health change during the measured window: outlier ejection and un-ejection, an active health check
 * failing or passing it. Live runs read them from /clusters snapshots, the simulator from its detector.
 */
export interface HealthEvent {
  /** From the start of the measured window. */
  readonly tMs: number;
  /** `ip:port` as /clusters prints it. */
  readonly address: string;
  readonly pod: string | undefined;
  readonly action: 'eject' | 'uneject' | 'hc-fail' | 'hc-pass';
}

/** One row × repetition. */
export interface RunRecord {
  /** The row's name (`entry.name`): what summaries, gates and the report address it by. */
  readonly row: string;
  /** The row as the scenario defined it: its load balancer (`proxy`), policy and settings. */
  readonly entry: PolicyEntry;
  readonly repetition: number;
  /** The seed the proxy ran with; null when the proxy takes no seed (a real Envoy), so the run is unseeded. */
  readonly seed: number | null;
  /** The Ready pods at the start of the measured window, in pod order; the same set for every run of a scenario. */
  readonly initialPods: readonly InitialPod[];
  readonly source: 'live' | 'sim';
  readonly proxy: ProxyInfo;
  /** Where the per-pod counts came from; absent in results written before rows could lack `/clusters`. */
  readonly counterSource?: CounterSourceKind;
  /**
   * A balancer that learns of pod changes only from a regenerated config and a reload (nginx OSS): each reload of
   * the run. Absent for balancers that re-resolve the Service's DNS name themselves.
   */
  readonly configReloads?: readonly ConfigReload[];
  readonly startedAt: string;
  readonly hosts: readonly HostRecord[];
  readonly timeline: readonly TimelinePoint[];
  readonly load: LoadRecord;
  readonly crossCheck: CrossCheck;
  readonly events: readonly AppliedEvent[];
  /** What each applied event measured, in the order of `events`; absent in results written before lbbench measured them. */
  readonly eventFigures?: readonly EventFigures[];
  /** Health changes of the hosts (outlier detection, health checks); absent in older results and when none. */
  readonly healthEvents?: readonly HealthEvent[];
  /** With `load.keys`: key affinity, the hot pod, and the keys each host-set change moved. */
  readonly keyFigures?: KeyFigures;
  readonly distribution: DistributionStats;
  readonly metrics: RunMetrics;
}

/**
 * One regeneration of a balancer's upstream list from the Ready pods, and how long it took to serve. On local the
 * backend sees a pod change at once and reloads nginx itself; on kind/kube the nginx pod's discovery loop sees it by
 * re-resolving the headless Service (up to one `dnsRefreshRate` later) and reloads nginx, and the reload is read from
 * the pod's log (`src/backends/kube/nginx-reload-log.ts`).
 */
export interface ConfigReload {
  /** When the change was seen (ISO 8601): local, the backend saw the Ready pods change; kind/kube, the pod's loop resolved it. */
  readonly changedAt: string;
  /** Pods the regenerated upstream lists. */
  readonly servers: number;
  /** From `changedAt` to every new connection being served by the new config (the old config's workers gone). */
  readonly lagMs: number;
}

/** Where the run stands: `partial` = some rows done, then interrupted or failed. */
export type RunStatus = 'complete' | 'partial' | 'interrupted' | 'failed';

/** The whole results.json document. */
export interface ResultsFile {
  readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  readonly tool: { readonly name: 'lbbench'; readonly version: string };
  readonly createdAt: string;
  /** argv that reproduces the run, e.g. `["lbbench","run","scenarios/quickstart.yaml","--seed","7"]`. */
  readonly command: readonly string[];
  readonly scenario: Scenario;
  readonly environment: {
    readonly backend: BackendEnvironment;
    readonly node: string;
    readonly os: string;
    readonly cpuCount: number;
    readonly cpuModel: string;
  };
  readonly status: RunStatus;
  readonly error: string | undefined;
  readonly runs: readonly RunRecord[];
  readonly summaries: readonly RowSummary[];
  readonly gates: readonly GateResult[];
}
