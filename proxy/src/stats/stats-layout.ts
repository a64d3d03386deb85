/**
 * Names and positions of every statistic the proxy keeps in shared memory. Counters are written by one worker
 * each (a per-worker array, summed by the admin thread); gauges are shared by all workers and updated with
 * Atomics, because LEAST_REQUEST and the circuit breakers must see the cross-worker value, as in Envoy.
 */

/** Per-host counters, in Envoy's macro order (the JSON /clusters order). */
export const HOST_COUNTERS = [
  'cx_connect_fail',
  'cx_total',
  'rq_error',
  'rq_success',
  'rq_timeout',
  'rq_total',
] as const;
/** Per-host gauges. */
export const HOST_GAUGES = ['cx_active', 'rq_active'] as const;

/** Cluster counters of the stats store, printed as `cluster.<name>.<counter>`. */
export const CLUSTER_COUNTERS = [
  'lb_healthy_panic',
  'upstream_cx_connect_fail',
  'upstream_cx_connect_timeout',
  'upstream_cx_destroy',
  'upstream_cx_none_healthy',
  'upstream_cx_overflow',
  'upstream_cx_total',
  'upstream_rq_1xx',
  'upstream_rq_2xx',
  'upstream_rq_3xx',
  'upstream_rq_4xx',
  'upstream_rq_5xx',
  'upstream_rq_completed',
  'upstream_rq_pending_overflow',
  'upstream_rq_pending_total',
  'upstream_rq_retry',
  'upstream_rq_retry_backoff_exponential',
  'upstream_rq_retry_limit_exceeded',
  'upstream_rq_retry_overflow',
  'upstream_rq_retry_success',
  'upstream_rq_rx_reset',
  'upstream_rq_timeout',
  'upstream_rq_total',
  'upstream_rq_tx_reset',
] as const;
/** Cluster gauges; the first three are the circuit breakers' resources. */
export const CLUSTER_GAUGES = [
  'upstream_rq_active',
  'upstream_rq_pending_active',
  'upstream_cx_active',
  'upstream_rq_retry_active',
] as const;

/** Counters of an HTTP connection manager, printed as `http.<stat_prefix>.<counter>`. */
export const HCM_COUNTERS = [
  'downstream_cx_destroy',
  'downstream_cx_idle_timeout',
  'downstream_cx_max_duration_reached',
  'downstream_cx_max_requests_reached',
  'downstream_cx_protocol_error',
  'downstream_cx_total',
  'downstream_rq_1xx',
  'downstream_rq_2xx',
  'downstream_rq_3xx',
  'downstream_rq_4xx',
  'downstream_rq_5xx',
  'downstream_rq_completed',
  'downstream_rq_header_timeout',
  'downstream_rq_http1_total',
  'downstream_rq_idle_timeout',
  'downstream_rq_timeout',
  'downstream_rq_total',
  'no_route',
] as const;
/** Gauges of an HTTP connection manager. */
export const HCM_GAUGES = ['downstream_cx_active', 'downstream_rq_active'] as const;

/** One of {@link CLUSTER_COUNTERS}. */
export type ClusterCounter = (typeof CLUSTER_COUNTERS)[number];
/** One of {@link HCM_COUNTERS}. */
export type HcmCounter = (typeof HCM_COUNTERS)[number];

/** Upper bounds (ms) of the latency histogram buckets; the last bucket is open-ended. */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = [
  0.5, 1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 64, 80, 100, 130, 160, 200, 250, 320, 400, 500,
  640, 800, 1000, 1300, 1600, 2000, 2500, 3200, 4000, 5000, 6400, 8000, 10000, 13000, 16000, 20000, 30000,
  45000, 60000, 90000, 120000, 300000,
];
/** Slots of one histogram: one per bucket, the open bucket, the sample count and the sample sum (ms). */
export const HISTOGRAM_SLOTS = LATENCY_BUCKET_BOUNDS_MS.length + 3;

/** Sizes that fix where everything sits in the shared arrays. */
export interface StatsDimensions {
  /** How many hosts can have a slot at once (over the proxy's lifetime, with reuse of freed slots). */
  readonly hostSlots: number;
  readonly clusters: number;
  readonly listeners: number;
}

/** Offsets into the per-worker counter array and the shared gauge array. */
export interface StatsLayout {
  readonly dimensions: StatsDimensions;
  readonly counterLength: number;
  readonly gaugeLength: number;
  hostCounter(slot: number, counter: number): number;
  hostGauge(slot: number, gauge: number): number;
  clusterCounter(cluster: number, counter: number): number;
  clusterGauge(cluster: number, gauge: number): number;
  /** Start of a cluster's `upstream_rq_time` histogram in the counter array. */
  clusterHistogram(cluster: number): number;
  hcmCounter(listener: number, counter: number): number;
  hcmGauge(listener: number, gauge: number): number;
  /** Start of a listener's `downstream_rq_time` histogram in the counter array. */
  hcmHistogram(listener: number): number;
}

/** Computes the layout for the given dimensions. Pure. */
export function createStatsLayout(dimensions: StatsDimensions): StatsLayout {
  const { hostSlots, clusters, listeners } = dimensions;
  const hostCounters = HOST_COUNTERS.length;
  const clusterBase = hostSlots * hostCounters;
  const clusterStride = CLUSTER_COUNTERS.length + HISTOGRAM_SLOTS;
  const hcmBase = clusterBase + clusters * clusterStride;
  const hcmStride = HCM_COUNTERS.length + HISTOGRAM_SLOTS;
  const clusterGaugeBase = hostSlots * HOST_GAUGES.length;
  const hcmGaugeBase = clusterGaugeBase + clusters * CLUSTER_GAUGES.length;
  return {
    dimensions,
    counterLength: hcmBase + listeners * hcmStride,
    gaugeLength: hcmGaugeBase + listeners * HCM_GAUGES.length,
    hostCounter: (slot, counter) => slot * hostCounters + counter,
    hostGauge: (slot, gauge) => slot * HOST_GAUGES.length + gauge,
    clusterCounter: (cluster, counter) => clusterBase + cluster * clusterStride + counter,
    clusterGauge: (cluster, gauge) => clusterGaugeBase + cluster * CLUSTER_GAUGES.length + gauge,
    clusterHistogram: (cluster) => clusterBase + cluster * clusterStride + CLUSTER_COUNTERS.length,
    hcmCounter: (listener, counter) => hcmBase + listener * hcmStride + counter,
    hcmGauge: (listener, gauge) => hcmGaugeBase + listener * HCM_GAUGES.length + gauge,
    hcmHistogram: (listener) => hcmBase + listener * hcmStride + HCM_COUNTERS.length,
  };
}

/** Index of the histogram bucket a latency falls in. */
export function getLatencyBucket(latencyMs: number): number {
  const bounds = LATENCY_BUCKET_BOUNDS_MS;
  let low = 0;
  let high = bounds.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (latencyMs <= (bounds[middle] ?? Infinity)) high = middle;
    else low = middle + 1;
  }
  return low;
}
