import { LbbenchError } from '../errors.js';
import { getPercentile, sortAscending } from './percentile.js';

/** Settings of a percentile bootstrap; `rng` returns numbers in [0, 1) and makes the interval reproducible. */
export interface BootstrapOptions {
  /** Coverage of the interval, in (0, 1), e.g. 0.95. */
  readonly level: number;
  /** Number of resamples, at least 1. */
  readonly resamples: number;
  readonly rng: () => number;
}

/** A confidence interval at `level`. */
export interface ConfidenceInterval {
  readonly level: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Percentile-bootstrap confidence interval of `statistic` over `values`: resample with replacement `resamples`
 * times, and take the (1 − level)/2 and (1 + level)/2 nearest-rank percentiles of the resampled statistics.
 * One value gives the degenerate interval [statistic, statistic].
 * @throws LbbenchError for no values, a level outside (0, 1) or fewer than 1 resample.
 */
export function bootstrapCi(
  values: readonly number[],
  statistic: (sample: readonly number[]) => number,
  options: BootstrapOptions,
): ConfidenceInterval {
  assertBootstrapInput(values, options);
  const { level, resamples, rng } = options;
  if (values.length === 1) {
    const estimate = statistic(values);
    return { level, low: estimate, high: estimate };
  }
  const estimates: number[] = [];
  for (let r = 0; r < resamples; r++) {
    estimates.push(statistic(drawResample(values, rng)));
  }
  const sorted = sortAscending(estimates);
  return {
    level,
    low: getPercentile(sorted, (100 * (1 - level)) / 2),
    high: getPercentile(sorted, (100 * (1 + level)) / 2),
  };
}

function drawResample(values: readonly number[], rng: () => number): number[] {
  const sample: number[] = [];
  for (let i = 0; i < values.length; i++) {
    // Clamp guards against an rng that returns exactly 1.
    const index = Math.min(values.length - 1, Math.floor(rng() * values.length));
    sample.push(values[index] ?? 0);
  }
  return sample;
}

function assertBootstrapInput(values: readonly number[], options: BootstrapOptions): void {
  if (values.length === 0) {
    throw new LbbenchError('LBB_INTERNAL', 'cannot bootstrap a statistic of no values');
  }
  if (!(options.level > 0 && options.level < 1)) {
    throw new LbbenchError('LBB_INTERNAL', `bootstrap level must be in (0, 1), got ${options.level}`);
  }
  if (!Number.isInteger(options.resamples) || options.resamples < 1) {
    throw new LbbenchError(
      'LBB_INTERNAL',
      `bootstrap resamples must be an integer ≥ 1, got ${options.resamples}`,
    );
  }
}
