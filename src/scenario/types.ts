import type { LbPolicy, RetryOn } from 'lbbench-proxy';
import type { OtherProxyRow } from './proxy-rows.js';

/** Where the pods and the proxy run. `sim` runs the balancers in a discrete-event simulation. */
export const BACKEND_KINDS = ['local', 'kind', 'kube', 'sim'] as const;
/** One of {@link BACKEND_KINDS}. */
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** Which proxy is benchmarked: the bundled lbbench-proxy or a real Envoy. */
export const PROXY_KINDS = ['lbbench', 'envoy'] as const;
/** One of {@link PROXY_KINDS}. */
export type ProxyKind = (typeof PROXY_KINDS)[number];

/** Which HTTP server plays the myapp pods on the local backend. `auto` = nginx when on PATH. */
export const UPSTREAM_SERVERS = ['auto', 'nginx', 'node'] as const;
/** One of {@link UPSTREAM_SERVERS}. */
export type UpstreamServerChoice = (typeof UPSTREAM_SERVERS)[number];

/**
 * `outlierDetection`: Envoy's `outlier_detection` in scenario terms. Unset fields keep Envoy's defaults;
 * `consecutiveGatewayFailure` also enforces gateway-failure ejection (Envoy's enforcement default is 0 %).
 */
export interface OutlierDetectionSpec {
  readonly consecutive5xx: number | undefined;
  readonly consecutiveGatewayFailure: number | undefined;
  readonly intervalMs: number | undefined;
  readonly baseEjectionTimeMs: number | undefined;
  readonly maxEjectionTimeMs: number | undefined;
  readonly maxEjectionPercent: number | undefined;
  readonly successRate:
    | {
        readonly minimumHosts: number | undefined;
        readonly requestVolume: number | undefined;
        /** Envoy's factor as a number (1.9), written as `success_rate_stdev_factor` × 1000. */
        readonly stdevFactor: number | undefined;
      }
    | undefined;
}

/** `healthCheck`: one active HTTP health check (Envoy's `health_checks[0]`). */
export interface HealthCheckSpec {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
  readonly path: string;
}

/** The proxy under test and how it is configured. */
export interface ProxySpec {
  readonly kind: ProxyKind;
  /** Worker count (`--concurrency`); Envoy defaults to the core count, lbbench to 1. */
  readonly concurrency: number;
  readonly dnsRefreshRateMs: number;
  readonly respectDnsTtl: boolean;
  /** Local backend: run this Envoy-compatible command instead of lbbench-proxy (argv, config path appended). */
  readonly command: readonly string[] | undefined;
  /** Kubernetes backends: the proxy image; kind builds and loads one when undefined. */
  readonly image: string | undefined;
  /** Outlier detection of the cluster; undefined: off. */
  readonly outlierDetection: OutlierDetectionSpec | undefined;
  /** Active HTTP health checking of the cluster; undefined: off. */
  readonly healthCheck: HealthCheckSpec | undefined;
  /**
   * The user's own Envoy config template (`${ENVOY_LB_ALG}` and `${SERVICE_NAME}` substituted), as written: a path
   * relative to the scenario file. Undefined: lbbench's bundled template for the proxy kind.
   */
  readonly template: string | undefined;
  /** `proxy.retries`: every row's route `retry_policy` unless the row overrides it; undefined: no retries. */
  readonly retries: RetrySettings | undefined;
}

/** `proxy.retries` (or a row's `retries`): the route's Envoy `retry_policy`. */
export interface RetrySettings {
  /** `retry_on` conditions. */
  readonly retryOn: readonly RetryOn[];
  /** `num_retries` (Envoy's default 1). */
  readonly numRetries: number;
  /** `per_try_timeout`; undefined: only the route timeout applies. */
  readonly perTryTimeoutMs: number | undefined;
  /** `retry_host_predicate: envoy.retry_host_predicates.previous_hosts`. */
  readonly previousHosts: boolean;
  /** `host_selection_retry_max_attempts` (Envoy's default 1). */
  readonly hostSelectionRetryMaxAttempts: number;
}

/** How the request keys of `load.keys` are distributed over the key space. */
export const KEY_DISTRIBUTIONS = ['zipf', 'uniform'] as const;
/** One of {@link KEY_DISTRIBUTIONS}. */
export type KeyDistribution = (typeof KEY_DISTRIBUTIONS)[number];

/**
 * Traffic with keys: every request carries a header whose value (`user-<n>`, n in 1…count) is drawn from the
 * distribution; for RING_HASH and MAGLEV the header becomes the route's hash policy.
 */
export interface KeySpec {
  /** The request header, a lowercase HTTP token, e.g. `x-user-id`. */
  readonly header: string;
  /** How many distinct keys there are. */
  readonly count: number;
  readonly distribution: KeyDistribution;
  /** Zipf only: key n is drawn with probability ∝ 1 / n^exponent; undefined for `uniform`. */
  readonly exponent: number | undefined;
}

/** How load is driven through the proxy. */
export interface LoadSpec {
  /** Concurrent connections (closed loop), also used by the open loop. */
  readonly connections: number;
  readonly durationMs: number;
  /** Load before measurement starts; excluded from every count. */
  readonly warmupMs: number;
  /** Open loop: total requests per second; undefined = closed loop. */
  readonly rateRps: number | undefined;
  /** Per-request timeout of the load generator. */
  readonly timeoutMs: number;
  readonly path: string;
  /** Load-generator processes (local) or Job pods (kind/kube); each drives its share of the connections and rate. */
  readonly generators: number;
  /** Keys the requests carry; undefined = none (every request alike). */
  readonly keys?: KeySpec | undefined;
}

/** The latency distributions a pod's own service time can follow. */
export const LATENCY_DISTRIBUTIONS = ['fixed', 'exponential', 'lognormal'] as const;

/**
 * A pod's own service time per request: `fixed` (always `valueMs`), `exponential` (median `p50Ms`, so mean
 * p50/ln 2) or `lognormal` fitted through `p50Ms` and `p99Ms` (mu = ln p50, sigma = (ln p99 − ln p50) / z0.99).
 */
export type LatencySpec =
  | { readonly distribution: 'fixed'; readonly valueMs: number }
  | { readonly distribution: 'exponential'; readonly p50Ms: number }
  | { readonly distribution: 'lognormal'; readonly p50Ms: number; readonly p99Ms: number };

/**
 * How a pod serves, beyond its added delay: at most `capacity` requests at once (the rest wait in a FIFO queue,
 * like an app's worker pool; undefined = unlimited), each taking a `latency` sample (undefined = none of its own)
 * plus the fixed `delayMs`, and answering a share `errorRate` (0..1) with an immediate 503.
 */
export interface PodBehavior {
  readonly delayMs: number;
  readonly capacity: number | undefined;
  readonly latency: LatencySpec | undefined;
  readonly errorRate: number;
}

/** A per-pod override of the upstream, by 0-based pod index; an undefined field keeps the `upstream` value. */
export interface PodOverride {
  readonly index: number;
  readonly delayMs?: number;
  readonly capacity?: number;
  readonly latency?: LatencySpec;
  readonly errorRate?: number;
}

/** The myapp pods. */
export interface UpstreamSpec {
  readonly server: UpstreamServerChoice;
  /** Added latency of every pod. */
  readonly delayMs: number;
  /** Every pod's capacity (unset = unlimited), latency (unset = none) and error rate (unset = 0), unless a pod override sets its own. */
  readonly capacity?: number;
  readonly latency?: LatencySpec;
  readonly errorRate?: number;
  readonly pods: readonly PodOverride[];
}

/** A pod's failure mode set by events: `fail` answers 503, `hang` never answers, `none` serves as planned. */
export type PodFault = 'none' | 'fail' | 'hang';

/** Something that happens to the pods during the load, at `atMs` after measurement starts. */
export type ScenarioEvent =
  | { readonly atMs: number; readonly action: 'scale'; readonly replicas: number }
  | { readonly atMs: number; readonly action: 'kill'; readonly pod: number }
  | { readonly atMs: number; readonly action: 'slow'; readonly pod: number; readonly delayMs: number }
  | { readonly atMs: number; readonly action: FaultAction; readonly pod: number };

/** The events that change a pod's failure mode: `fail` (503 to everything), `hang` (never answers), `recover`. */
export const FAULT_ACTIONS = ['fail', 'hang', 'recover'] as const;
/** One of {@link FAULT_ACTIONS}. */
export type FaultAction = (typeof FAULT_ACTIONS)[number];

/** A gate as written: `row` is a row name (see {@link PolicyEntry}) or `*` for all; `expression` is parsed by `src/gates`. */
export interface GateSpec {
  readonly row: string;
  readonly expression: string;
  /** Where it came from, for messages: `scenario` or `cli`. */
  readonly origin: 'scenario' | 'cli';
}

/**
 * Envoy's `slow_start_config` of a ROUND_ROBIN or LEAST_REQUEST cluster: a new host's weight ramps up over `windowMs`
 * as (time since it became healthy / window)^(1 / aggression), never below `minWeightPercent` % of its weight.
 */
export interface SlowStartSettings {
  /** `slow_start_window`. */
  readonly windowMs: number;
  /** `aggression` (Envoy's default 1.0: a linear ramp). */
  readonly aggression: number;
  /** `min_weight_percent` (Envoy's default 10). */
  readonly minWeightPercent: number;
}

/** The Envoy load-balancer settings a row may set; a setting left out keeps Envoy's default. */
export interface EnvoyPolicySettings {
  /** `least_request_lb_config.choice_count` (LEAST_REQUEST; Envoy's default 2). */
  readonly choiceCount?: number;
  /** `least_request_lb_config.active_request_bias` (LEAST_REQUEST; Envoy's default 1.0). */
  readonly activeRequestBias?: number;
  /** `ring_hash_lb_config.minimum_ring_size` (RING_HASH; Envoy's default 1024). */
  readonly minimumRingSize?: number;
  /** `slow_start_config` of `round_robin_lb_config` / `least_request_lb_config`. */
  readonly slowStart?: SlowStartSettings;
  /** This row's `outlier_detection` in place of `proxy.outlierDetection`; `false`: none for this row. */
  readonly outlierDetection?: OutlierDetectionSpec | false;
  /** This row's health check in place of `proxy.healthCheck`; `false`: none for this row. */
  readonly healthCheck?: HealthCheckSpec | false;
  /** This row's `retries` in place of `proxy.retries`; `false`: no retries on this row. */
  readonly retries?: RetrySettings | false;
}

/** A row of an Envoy-style proxy (the bundled lbbench-proxy or a real Envoy, as `proxy.kind` says). */
export interface EnvoyPolicyEntry {
  /** The row's unique name in every output and gate: the policy's name unless the entry names it. */
  readonly name: string;
  readonly proxy: 'envoy';
  readonly policy: LbPolicy;
  readonly settings: EnvoyPolicySettings;
}

/**
 * One row of a scenario: a load balancer and its settings, run `repetitions` times. Discriminated on `proxy`, so
 * rows of other load balancers can join as further members.
 */
export type PolicyEntry = EnvoyPolicyEntry | ClusterIpPolicyEntry | OtherProxyRow;

/**
 * The connection-level baseline: the load goes straight to a ClusterIP Service (real kube-proxy on kind/kube, an
 * emulation on local), which picks a pod per connection, never per request.
 */
export interface ClusterIpPolicyEntry {
  readonly name: 'CLUSTER_IP';
  readonly proxy: 'cluster-ip';
  readonly policy: 'CLUSTER_IP';
}

/** Options of the kind backend. */
export interface KindSpec {
  readonly clusterName: string;
  readonly workers: number;
  /** Reuse a cluster of that name if it exists (and then never delete it). */
  readonly reuse: boolean;
  readonly nodeImage: string | undefined;
}

/** Options of the kube backend (an existing cluster). */
export interface KubeSpec {
  readonly context: string | undefined;
  readonly namespace: string;
  /** The cluster's DNS domain, as the kubelet's `clusterDomain` (default `cluster.local`). */
  readonly clusterDomain: string;
  /** The lbbench image (pod server, load generators) the cluster pulls; kind builds and loads its own. */
  readonly image: string | undefined;
}

/** Options of the simulator (`backend: sim` or `lbbench sim`). */
export interface SimSpec {
  /** Service time distribution of a pod, on top of which `upstream.delayMs` and pod overrides add. */
  readonly serviceTime: 'fixed' | 'exponential';
  /** A pod's own service time, before any added delay. */
  readonly baseServiceTimeMs: number;
  /** Requests to simulate per policy and repetition; undefined = as many as the load spec implies. */
  readonly requests: number | undefined;
}

/** A scenario after parsing, validation and defaults: everything a run needs, nothing optional left open. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** The file it came from ('' when built in code). */
  readonly sourcePath: string;
  readonly backend: BackendKind;
  readonly replicas: number;
  /** The rows, in run order; names are unique. */
  readonly policies: readonly PolicyEntry[];
  readonly repetitions: number;
  /** Base seed; repetition r of row p derives its own seed from it. */
  readonly seed: number;
  readonly proxy: ProxySpec;
  readonly load: LoadSpec;
  readonly upstream: UpstreamSpec;
  readonly events: readonly ScenarioEvent[];
  readonly gates: readonly GateSpec[];
  readonly kind: KindSpec;
  readonly kube: KubeSpec;
  readonly sim: SimSpec;
}
