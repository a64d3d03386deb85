import { LbbenchError } from '../errors.js';
import { bootstrapCi } from './bootstrap.js';
import { computeDistribution } from './distribution.js';
import { getMedian } from './percentile.js';
import type { RateFairness } from './rate-fairness.js';
import { METRIC_NAMES } from './types.js';
import type {
  EventMetricName,
  LatencySummary,
  MetricName,
  MetricSummary,
  RowSummary,
  RunMetrics,
} from './types.js';

/** What one run measured, as {@link computeRunMetrics} needs it. */
export interface RunMeasurements {
  /** Requests per pod over the measured window (proxy view), zero-hit pods included. */
  readonly counts: readonly number[];
  readonly latency: LatencySummary;
  /** Requests that ended in the measured window: responses of any status plus requests that failed without one. */
  readonly responses: number;
  /** The part of `responses` that did not succeed: non-2xx responses plus errors and timeouts. */
  readonly errors: number;
  /** Length of the measured window. */
  readonly durationMs: number;
  /** Share of the requests that went to the scenario's slow pods (0 when it has none). */
  readonly slowPodShare: number;
  /** The open loop's requested rate; undefined for a closed loop, which asks for no rate. */
  readonly requestedRps?: number | undefined;
  /** Fairness of the per-pod request rates over each pod's time in the host set. */
  readonly rateFairness: RateFairness;
  /** The worst event of each kind (NaN for a kind the run did not have). */
  readonly eventMetrics: Readonly<Record<EventMetricName, number>>;
}

/** Default coverage of the per-metric bootstrap CIs. */
const DEFAULT_SUMMARY_LEVEL = 0.95;
/** Default number of bootstrap resamples per metric. */
const DEFAULT_SUMMARY_RESAMPLES = 2000;

/**
 * Every metric of one run. `requests` is the proxy's total (the N of the null model); `rps` is `responses` per
 * second of `durationMs` (0 for a zero-length window); `error_rate` is errors/responses, clamped to [0, 1] and 0
 * when nothing ended; `achieved_rate_ratio` is `rps` over an open loop's requested rate (1 for a closed loop).
 */
export function computeRunMetrics(measurements: RunMeasurements): RunMetrics {
  const { counts, latency, responses, errors, durationMs } = measurements;
  const distribution = computeDistribution(counts);
  const rps = durationMs > 0 ? responses / (durationMs / 1000) : 0;
  return {
    jain: distribution.jain,
    cv: distribution.cv,
    cv_over_null: distribution.cvOverNull,
    null_cv: distribution.nullCv,
    max_over_mean: distribution.maxOverMean,
    min_over_mean: distribution.minOverMean,
    zero_hit_pods: distribution.zeroHitPods,
    chi2: distribution.chi2,
    chi2_pvalue: distribution.chi2PValue,
    p50_ms: latency.p50Ms,
    p90_ms: latency.p90Ms,
    p99_ms: latency.p99Ms,
    p999_ms: latency.p999Ms,
    max_ms: latency.maxMs,
    rps,
    error_rate: computeErrorRate(responses, errors),
    requests: distribution.total,
    slow_pod_share: measurements.slowPodShare,
    achieved_rate_ratio: computeAchievedRateRatio(rps, measurements.requestedRps),
    rate_jain: measurements.rateFairness.rateJain,
    rate_cv: measurements.rateFairness.rateCv,
    ...measurements.eventMetrics,
  };
}

// A closed loop asks for no rate, so it always achieves what it asked: 1.
function computeAchievedRateRatio(rps: number, requestedRps: number | undefined): number {
  return requestedRps === undefined || requestedRps <= 0 ? 1 : rps / requestedRps;
}

function computeErrorRate(responses: number, errors: number): number {
  if (responses <= 0) return errors > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, errors / responses));
}

/** Options of {@link summarizeRow}; the defaults are a 95 % interval from 2000 resamples. */
export interface SummaryOptions {
  readonly level?: number;
  readonly resamples?: number;
}

/**
 * Summarises one row's repetitions: per metric, the values in run order, their median and a percentile-bootstrap
 * CI of the median drawn with `rng` (in [0, 1)), so the same seed gives the same interval.
 * @throws LbbenchError when `runs` is empty.
 */
export function summarizeRow(
  row: string,
  runs: readonly RunMetrics[],
  rng: () => number,
  options: SummaryOptions = {},
): RowSummary {
  if (runs.length === 0) {
    throw new LbbenchError('LBB_INTERNAL', `cannot summarise row ${row}: no runs`);
  }
  const level = options.level ?? DEFAULT_SUMMARY_LEVEL;
  const resamples = options.resamples ?? DEFAULT_SUMMARY_RESAMPLES;
  const entries = METRIC_NAMES.map((metric): [MetricName, MetricSummary] => {
    const values = runs.map((run) => run[metric]);
    // An event metric is NaN for a repetition without its event (or that never reached it): no median can stand
    // for the row then, and a gate on it fails saying so. Such metrics draw nothing from `rng`.
    if (!values.every(Number.isFinite)) {
      return [metric, { median: Number.NaN, values, ci: { level, low: Number.NaN, high: Number.NaN } }];
    }
    return [
      metric,
      { median: getMedian(values), values, ci: bootstrapCi(values, getMedian, { level, resamples, rng }) },
    ];
  });
  return {
    row,
    repetitions: runs.length,
    metrics: Object.fromEntries(entries) as Record<MetricName, MetricSummary>,
  };
}
