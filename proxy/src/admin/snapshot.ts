import type { CircuitBreakerThresholds, ProxyConfig } from '../types.js';

/** Per-host statistics in Envoy's names, totals over all workers. */
export interface HostStatValues {
  readonly cx_active: number;
  readonly cx_connect_fail: number;
  readonly cx_total: number;
  readonly rq_active: number;
  readonly rq_error: number;
  readonly rq_success: number;
  readonly rq_timeout: number;
  readonly rq_total: number;
}

/** Envoy's per-host health flags, in the order /clusters prints them (`HostUtility::healthFlagsToString`). */
export const HEALTH_FLAGS = [
  'failed_active_hc',
  'failed_outlier_check',
  'failed_eds_health',
  'degraded_active_hc',
  'degraded_eds_health',
  'pending_dynamic_removal',
  'pending_active_hc',
  'excluded_via_immediate_hc_fail',
  'active_hc_timeout',
  'eds_status_draining',
] as const;

export type HealthFlag = (typeof HEALTH_FLAGS)[number];

/** One upstream host as the admin endpoint shows it. */
export interface HostSnapshot {
  /** Resolved IP, without brackets for IPv6. */
  readonly ip: string;
  readonly port: number;
  /** `endpoint.hostname`, or the DNS name the host was resolved from, or "" for STATIC clusters. */
  readonly hostname: string;
  readonly weight: number;
  readonly priority: number;
  /** Empty means `healthy`. */
  readonly healthFlags: readonly HealthFlag[];
  readonly stats: HostStatValues;
  /** Outlier detection's success rate of the last interval (percent); -1 or absent when not computed. */
  readonly successRate?: number;
  /** The same for local-origin results (split mode); -1 or absent when not computed. */
  readonly localOriginSuccessRate?: number;
}

/** A cluster's outlier-detection figures of the last interval; -1 when not computed. */
export interface OutlierSnapshot {
  readonly successRateAverage: number;
  readonly successRateEjectionThreshold: number;
  readonly localOriginSuccessRateAverage: number;
  readonly localOriginSuccessRateEjectionThreshold: number;
}

/** One cluster as the admin endpoint shows it. */
export interface ClusterSnapshot {
  readonly name: string;
  readonly addedViaApi: boolean;
  readonly circuitBreakers: {
    readonly default: CircuitBreakerThresholds;
    readonly high: CircuitBreakerThresholds;
  };
  readonly hosts: readonly HostSnapshot[];
  /** Present when the cluster has outlier detection. */
  readonly outlier?: OutlierSnapshot;
}

/** Envoy's server states as /ready and /server_info print them. */
export type ServerState = 'LIVE' | 'DRAINING' | 'PRE_INITIALIZING' | 'INITIALIZING';

/** A latency histogram summarised at Envoy's supported quantiles (0,25,50,75,90,95,99,99.5,99.9,100). */
export interface HistogramSnapshot {
  readonly name: string;
  /** Values in the histogram's unit (ms for `*_time`), or undefined when nothing was recorded. */
  readonly cumulative: readonly number[] | undefined;
  readonly sampleCount: number;
  readonly sampleSum: number;
}

/** Everything the admin endpoint can show, read at one instant. It is a value: admin never mutates it. */
export interface AdminSnapshot {
  /** `<sha>/<semver>/<Clean|Modified>/<RELEASE|DEBUG>/<TLS lib>` as Envoy prints it. */
  readonly version: string;
  readonly state: ServerState;
  readonly uptimeSeconds: number;
  readonly commandLine: {
    readonly concurrency: number;
    readonly configPath: string;
    readonly logLevel: string;
    readonly dnsServer: string | undefined;
  };
  readonly clusters: readonly ClusterSnapshot[];
  /** Stats-store counters by full name, e.g. `cluster.myapp_cluster.upstream_rq_total`. */
  readonly counters: ReadonlyMap<string, number>;
  /** Stats-store gauges by full name, e.g. `cluster.myapp_cluster.membership_total`. */
  readonly gauges: ReadonlyMap<string, number>;
  readonly histograms: readonly HistogramSnapshot[];
  /** Bound listener addresses by listener name (port 0 in the config resolved to the real port). */
  readonly listenerAddresses: ReadonlyMap<string, { readonly ip: string; readonly port: number }>;
  readonly config: ProxyConfig;
}
