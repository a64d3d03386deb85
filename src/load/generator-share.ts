import { UsageError } from '../errors.js';
import type { LoadSpec } from '../scenario/types.js';

/**
 * Generator `index` of `count`'s share of the load: the connections (and the open-loop rate) split as evenly as
 * integers allow, the first `total mod count` generators taking one more, so the shares sum to the total.
 * @throws UsageError when a generator would get no connection or no request per second.
 */
export function computeGeneratorShare(load: LoadSpec, index: number, count: number): LoadSpec {
  if (load.connections < count) {
    throw new UsageError(
      `load.connections (${load.connections}) must be ≥ the number of generators (${count}): each drives at least one connection`,
    );
  }
  if (load.rateRps !== undefined && load.rateRps < count) {
    throw new UsageError(
      `load.rate (${load.rateRps} req/s) must be ≥ the number of generators (${count}): each drives at least 1 req/s`,
    );
  }
  return {
    ...load,
    connections: splitEvenly(load.connections, index, count),
    rateRps: load.rateRps === undefined ? undefined : splitEvenly(load.rateRps, index, count),
  };
}

function splitEvenly(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}
