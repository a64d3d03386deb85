/**
 * Metrics measured per scenario event, reduced per run to the worst event of their kind: the longest convergence
 * after a scale-up, the most errors and the longest removal after a kill, the slow event whose pod kept the largest
 * share afterwards (both shares from that event).
 */
export const EVENT_METRIC_NAMES = [
  'convergence_ms',
  'errors_after_kill',
  'removed_traffic_ms',
  'slow_share_before',
  'slow_share_after',
] as const;
/** One of {@link EVENT_METRIC_NAMES}. */
export type EventMetricName = (typeof EVENT_METRIC_NAMES)[number];

/** Metrics computed per run, the names gates use. */
export const METRIC_NAMES = [
  'jain',
  'cv',
  'cv_over_null',
  'null_cv',
  'max_over_mean',
  'min_over_mean',
  'zero_hit_pods',
  'chi2',
  'chi2_pvalue',
  'p50_ms',
  'p90_ms',
  'p99_ms',
  'p999_ms',
  'max_ms',
  'rps',
  'error_rate',
  'requests',
  'slow_pod_share',
  'achieved_rate_ratio',
  'rate_jain',
  'rate_cv',
  ...EVENT_METRIC_NAMES,
] as const;
/** One of {@link METRIC_NAMES}. */
export type MetricName = (typeof METRIC_NAMES)[number];

/**
 * Every metric of one run. Event metrics are NaN (null in results.json) when the run had no event of their kind or
 * the event's figure was never reached in the measured window; the run's event figures say which.
 */
export type RunMetrics = Readonly<Record<MetricName, number>>;

/** What each scenario event measured, from `atMs` after the measured window started (when the harness started applying it). */
export type EventFigures =
  | {
      readonly action: 'scale';
      readonly atMs: number;
      /** More replicas than hosts in the proxy's set before, or new hosts appeared: only scale-ups converge. */
      readonly isScaleUp: boolean;
      /** Hosts that first entered the proxy's host set after the event (none for a scale-down). */
      readonly newHosts: readonly string[];
      /** Until every new host got at least half its fair rate over a one-second window; NaN = never, or no new host. */
      readonly convergenceMs: number;
      readonly note: string;
    }
  | {
      readonly action: 'kill';
      readonly atMs: number;
      /** The killed pod's address as /clusters lists it; undefined when the record does not name it. */
      readonly host: string | undefined;
      /** Until the first sample from which the proxy no longer lists the host; NaN = still listed at the end. */
      readonly removedTrafficMs: number;
      /** Client errors (non-2xx, socket errors, timeouts) in the load ticks from the kill until then. */
      readonly errorsAfterKill: number;
      readonly note: string;
    }
  | {
      readonly action: 'slow';
      readonly atMs: number;
      readonly host: string | undefined;
      /** The slowed host's share of requests from the previous event (or the start) to this one; NaN = none. */
      readonly shareBefore: number;
      /** Its share from this event to the next one (or the end). */
      readonly shareAfter: number;
      readonly note: string;
    };

/** How requests spread over pods in one run. Counts include zero-hit pods. */
export interface DistributionStats {
  readonly pods: number;
  readonly total: number;
  /** Share of each pod, in the order of the counts given. */
  readonly shares: readonly number[];
  readonly mean: number;
  /** Population standard deviation of the counts. */
  readonly stddev: number;
  readonly cv: number;
  readonly jain: number;
  readonly maxOverMean: number;
  readonly minOverMean: number;
  readonly zeroHitPods: number;
  /** Pearson's chi-square statistic against equal shares, and its p-value (df = pods - 1). */
  readonly chi2: number;
  readonly chi2PValue: number;
  /** Expected CV of a multinomial (uniform random) spread of `total` over `pods`: sqrt((n-1)/N). */
  readonly nullCv: number;
  readonly cvOverNull: number;
}

/** Latency percentiles of one run, in ms. */
export interface LatencySummary {
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** Smallest step the source can tell apart (autocannon: 1 ms; the simulator: exact). */
  readonly resolutionMs: number;
}

/** A metric summarised over repetitions: median and a bootstrap confidence interval. */
export interface MetricSummary {
  readonly median: number;
  readonly values: readonly number[];
  /** Percentile-bootstrap interval of the median, at `level` (e.g. 0.95); equal to the median for one value. */
  readonly ci: { readonly level: number; readonly low: number; readonly high: number };
}

/** All metrics of one row over its repetitions. */
export interface RowSummary {
  /** The row's name. */
  readonly row: string;
  readonly repetitions: number;
  readonly metrics: Readonly<Record<MetricName, MetricSummary>>;
}
