import { LbbenchError } from '../errors.js';

/** A new array with the values in ascending numeric order (the input is not changed). */
export function sortAscending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * The 1-based nearest rank of `percent` (in [0, 100]) among `count` values: ⌈percent/100 · count⌉, at least 1 and at
 * most `count`. The product is rounded to 14 significant digits before the ceiling, because binary floats overshoot
 * whole ranks (99.9 / 100 · 1000 = 999.0000000000001) and the ceiling would then take the next value.
 */
export function getNearestRank(percent: number, count: number): number {
  const rank = Number(((percent / 100) * count).toPrecision(14));
  return Math.min(count, Math.max(1, Math.ceil(rank)));
}

/**
 * Nearest-rank percentile of an ascending array: the smallest value with at least `percent` % of the values at or
 * below it. We use nearest rank because it always returns a value that was observed (no interpolation between
 * repetitions), which is what a gate like `p95(cv)` should compare. `percent` is in [0, 100]; 0 gives the minimum.
 * @throws LbbenchError for an empty array or a percent outside [0, 100].
 */
export function getPercentile(sorted: readonly number[], percent: number): number {
  if (sorted.length === 0) {
    throw new LbbenchError('LBB_INTERNAL', 'cannot take a percentile of no values');
  }
  if (!(percent >= 0 && percent <= 100)) {
    throw new LbbenchError('LBB_INTERNAL', `percentile must be in [0, 100], got ${percent}`);
  }
  return sorted[getNearestRank(percent, sorted.length) - 1] ?? 0;
}

/** Nearest-rank percentiles of unsorted values, one per requested percent. */
export function getPercentiles(values: readonly number[], percents: readonly number[]): number[] {
  const sorted = sortAscending(values);
  return percents.map((percent) => getPercentile(sorted, percent));
}

/**
 * The conventional median of unsorted values (mean of the two middle values for an even count).
 * @throws LbbenchError for an empty array.
 */
export function getMedian(values: readonly number[]): number {
  if (values.length === 0) {
    throw new LbbenchError('LBB_INTERNAL', 'cannot take the median of no values');
  }
  const sorted = sortAscending(values);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}
