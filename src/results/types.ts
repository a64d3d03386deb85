import type { LbPolicy } from '../../proxy/src/types.js';
import type { BackendEnvironment, ProxyInfo } from '../backends/backend.js';
import type { HostCounters } from '../collect/types.js';
import type { GateResult } from '../gates/types.js';
import type { Scenario, ScenarioEvent } from '../scenario/types.js';
import type { DistributionStats, LatencySummary, PolicySummary, RunMetrics } from '../stats/types.js';

/** The version of the results.json shape; bumped on any incompatible change. */
export const RESULTS_SCHEMA_VERSION = 1;

/** Counter deltas of one host over a run's measured window. */
export type HostDelta = Pick<
  HostCounters,
  'rq_total' | 'rq_success' | 'rq_error' | 'rq_timeout' | 'cx_total' | 'cx_connect_fail'
>;

/** One upstream host (pod) over one run. */
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

/** What the load generator did and saw in the measured window. */
export interface LoadRecord {
  readonly mode: 'closed' | 'open';
  readonly connections: number;
  readonly rateRps: number | undefined;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly requestsSent: number;
  /** Responses received (any status). */
  readonly responses: number;
  readonly status2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly rps: number;
  readonly latency: LatencySummary;
  /** Latency samples recorded; more than `responses` when coordinated-omission correction back-filled. */
  readonly latencySamples: number;
  /** Responses tallied per pod from `X-Upstream-Pod`. */
  readonly podTally: Readonly<Record<string, number>>;
  /** Responses without a known pod header (local replies such as 503 no healthy upstream). */
  readonly untallied: number;
  /** The load generator and the settings that shape its numbers, for the report. */
  readonly generator: string;
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

/** Client view vs proxy view of the same window: equal for a clean closed-loop run. */
export interface CrossCheck {
  readonly proxyRqTotal: number;
  readonly proxyRqSuccess: number;
  readonly client2xx: number;
  readonly clientHeaderTally: number;
  readonly isConsistent: boolean;
  /** Each difference and its likely reason; empty when consistent. */
  readonly notes: readonly string[];
}

/** A scenario event as it was applied. */
export type AppliedEvent = ScenarioEvent & { readonly appliedAtMs: number; readonly detail: string };

/** One policy × repetition. */
export interface RunRecord {
  readonly policy: LbPolicy;
  readonly repetition: number;
  readonly seed: number;
  readonly source: 'live' | 'sim';
  readonly proxy: ProxyInfo;
  readonly startedAt: string;
  readonly hosts: readonly HostRecord[];
  readonly timeline: readonly TimelinePoint[];
  readonly load: LoadRecord;
  readonly crossCheck: CrossCheck;
  readonly events: readonly AppliedEvent[];
  readonly distribution: DistributionStats;
  readonly metrics: RunMetrics;
}

/** Where the run stands: `partial` = some policies done, then interrupted or failed. */
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
  readonly summaries: readonly PolicySummary[];
  readonly gates: readonly GateResult[];
}
