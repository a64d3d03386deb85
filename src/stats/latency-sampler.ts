import type { LatencySpec } from '../scenario/types.js';

/** The standard normal quantile at 0.99: a lognormal's sigma is (ln p99 − ln p50) / z0.99. */
export const Z_99 = 2.3263;

/**
 * Draws one service time in ms from `latency`, with `unit()` giving uniform numbers in [0, 1): fixed returns its
 * value; exponential inverts its CDF with mean p50 / ln 2 (so its median is p50); lognormal is exp(mu + sigma·z)
 * with mu = ln p50, sigma = (ln p99 − ln p50) / z0.99 and z a standard normal from the Box–Muller transform.
 */
export function sampleLatencyMs(latency: LatencySpec, unit: () => number): number {
  switch (latency.distribution) {
    case 'fixed':
      return latency.valueMs;
    case 'exponential':
      return (-latency.p50Ms / Math.LN2) * Math.log(1 - unit());
    case 'lognormal': {
      const mu = Math.log(latency.p50Ms);
      const sigma = (Math.log(latency.p99Ms) - mu) / Z_99;
      return Math.exp(mu + sigma * drawStandardNormal(unit));
    }
  }
}

/** One standard normal value (Box–Muller; 1 − u keeps the logarithm finite). */
function drawStandardNormal(unit: () => number): number {
  const radius = Math.sqrt(-2 * Math.log(1 - unit()));
  return radius * Math.cos(2 * Math.PI * unit());
}
