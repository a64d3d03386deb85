import type { TimelinePoint } from '../results/types.js';
import { computeDistribution } from './distribution.js';
import { isListed, sumAll, sumHost, toIntervals } from './timeline-intervals.js';
import type { TimelineInterval } from './timeline-intervals.js';

/** What rate fairness is computed from. */
export interface RateFairnessInput {
  readonly timeline: readonly TimelinePoint[];
  /** Hosts in the proxy's host set when the measured window started. */
  readonly hostsAtStart: ReadonlySet<string>;
  /** Killed hosts and when they were killed: a dead pod's time in the host set ends there. */
  readonly killedAtMs: ReadonlyMap<string, number>;
}

/** Jain's index and CV of the per-host request rates. */
export interface RateFairness {
  readonly rateJain: number;
  readonly rateCv: number;
}

/**
 * Fairness of request *rates*: each host's requests against its fair share of the requests made while it was in
 * the proxy's host set, so a pod that joined late or left early is not punished for the time it did not exist.
 * The fair rate is taken interval by interval, because it changes with the set: when 3 pods become 6, each pod's
 * fair rate halves, and a plain requests-per-second-present would favour the pods that were there first. With every
 * host present all along, the ratios are proportional to the counts and `rate_jain`/`rate_cv` equal `jain`/`cv`.
 *
 * Presence is read from the timeline at its sampling resolution, as a weight per host and interval: 1 for an
 * interval that lists the host; ½ in the interval where it first appears (not present at the start), the expected
 * part of an interval when it joined at a uniformly random moment; for a killed host, the part of the interval
 * before the kill and 0 after it: the proxy may still pick a dead pod until its next DNS refresh, but it can no
 * longer serve, and that lag is measured by `removed_traffic_ms`. Each interval's requests are shared out by
 * weight. Hosts never in the set (never discovered) have no fair share and are left out: `zero_hit_pods` catches
 * them.
 */
export function computeRateFairness(input: RateFairnessInput): RateFairness {
  const intervals = toIntervals(input.timeline);
  const addresses = [...new Set(intervals.flatMap((interval) => Object.keys(interval.counts)))];
  const weights = addresses.map((address) => weighPresence(intervals, address, input));
  const requests = addresses.map((address) => sumHost(intervals, address));
  const fairShares = addresses.map(() => 0);
  intervals.forEach((interval, index) => {
    const totalWeight = weights.reduce((sum, hostWeights) => sum + (hostWeights[index] ?? 0), 0);
    if (totalWeight === 0) return;
    const total = sumAll([interval]);
    weights.forEach((hostWeights, host) => {
      fairShares[host] = (fairShares[host] ?? 0) + (total * (hostWeights[index] ?? 0)) / totalWeight;
    });
  });
  const ratios = fairShares.flatMap((fair, host) => (fair > 0 ? [(requests[host] ?? 0) / fair] : []));
  const distribution = computeDistribution(ratios);
  return { rateJain: distribution.jain, rateCv: distribution.cv };
}

/** The host's presence weight in each interval (see {@link computeRateFairness}). */
function weighPresence(
  intervals: readonly TimelineInterval[],
  address: string,
  input: RateFairnessInput,
): number[] {
  const killedAtMs = input.killedAtMs.get(address) ?? Infinity;
  let wasListed = input.hostsAtStart.has(address);
  return intervals.map((interval) => {
    const listed = isListed(interval, address);
    const spanMs = interval.endMs - interval.startMs;
    const aliveMs = Math.max(0, Math.min(interval.endMs, killedAtMs) - interval.startMs);
    const alive = spanMs > 0 ? aliveMs / spanMs : 0;
    const weight = listed ? (wasListed ? alive : alive / 2) : 0;
    wasListed = listed;
    return weight;
  });
}
