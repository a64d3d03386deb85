import { LbbenchError } from '../errors.js';
import { chi2PValue } from './chi-square.js';
import type { DistributionStats } from './types.js';

/**
 * Fairness statistics of per-pod request counts (zero-hit pods included).
 *
 * Edge cases return finite numbers so results.json never holds NaN:
 * - no pods, or no requests at all: the values of a perfectly even spread (cv 0, jain 1, max/mean and min/mean 1,
 *   chi² 0, p-value 1, null CV 0, cv/null 0); every share is 0 and `zeroHitPods` counts every pod. Such a run
 *   carries no evidence about fairness, so gate on `requests` or `zero_hit_pods` to catch it.
 * - one pod: cv 0, jain 1, chi² 0 with df 0, p-value 1, null CV 0 and cv/null 0.
 * - whenever the null CV is 0 the CV is 0 too, and cv/null is defined as 0.
 * @throws LbbenchError when a count is negative or not finite.
 */
export function computeDistribution(counts: readonly number[]): DistributionStats {
  assertValidCounts(counts);
  const pods = counts.length;
  const total = counts.reduce((sum, count) => sum + count, 0);
  const zeroHitPods = counts.filter((count) => count === 0).length;
  if (pods === 0 || total === 0) {
    return describeEmptyDistribution(pods, zeroHitPods);
  }
  const mean = total / pods;
  const sumOfSquares = counts.reduce((sum, count) => sum + count * count, 0);
  const squaredDeviations = counts.reduce((sum, count) => sum + (count - mean) ** 2, 0);
  const stddev = Math.sqrt(squaredDeviations / pods);
  const cv = stddev / mean;
  // Pearson's statistic against equal shares: every expected count is the mean.
  const chi2 = squaredDeviations / mean;
  const nullCv = Math.sqrt((pods - 1) / total);
  return {
    pods,
    total,
    shares: counts.map((count) => count / total),
    mean,
    stddev,
    cv,
    jain: (total * total) / (pods * sumOfSquares),
    maxOverMean: Math.max(...counts) / mean,
    minOverMean: Math.min(...counts) / mean,
    zeroHitPods,
    chi2,
    chi2PValue: chi2PValue(chi2, pods - 1),
    nullCv,
    cvOverNull: nullCv === 0 ? 0 : cv / nullCv,
  };
}

function describeEmptyDistribution(pods: number, zeroHitPods: number): DistributionStats {
  return {
    pods,
    total: 0,
    shares: Array.from({ length: pods }, () => 0),
    mean: 0,
    stddev: 0,
    cv: 0,
    jain: 1,
    maxOverMean: 1,
    minOverMean: 1,
    zeroHitPods,
    chi2: 0,
    chi2PValue: 1,
    nullCv: 0,
    cvOverNull: 0,
  };
}

function assertValidCounts(counts: readonly number[]): void {
  const index = counts.findIndex((count) => !Number.isFinite(count) || count < 0);
  if (index !== -1) {
    throw new LbbenchError(
      'LBB_INTERNAL',
      `request counts must be finite and ≥ 0, got ${String(counts[index])} at pod index ${index}`,
    );
  }
}
