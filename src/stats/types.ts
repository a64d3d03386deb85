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
] as const;
/** One of {@link METRIC_NAMES}. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** Every metric of one run. */
export type RunMetrics = Readonly<Record<MetricName, number>>;

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

/** All metrics of one policy over its repetitions. */
export interface PolicySummary {
  readonly policy: string;
  readonly repetitions: number;
  readonly metrics: Readonly<Record<MetricName, MetricSummary>>;
}
