import type { LbPolicy } from 'lbbench-proxy';
import { chi2Quantile } from './chi-square.js';

/** Envoy's default `minimum_ring_size` for RING_HASH. */
const DEFAULT_MINIMUM_RING_SIZE = 1024;

/** Which chance model the band comes from. */
export type NullModelKind = 'multinomial' | 'round-robin' | 'ring-hash' | 'none';

/** The CV a correct balancer is expected to show for N requests over n equal pods, and the band around it. */
export interface NullBand {
  readonly policy: LbPolicy;
  readonly model: NullModelKind;
  /** Root-mean-square CV expected from chance alone. */
  readonly expectedCv: number;
  /** Lower and upper edge of the band; `round-robin` gives [0, hard maximum] whatever the level. */
  readonly lowCv: number;
  readonly highCv: number;
  readonly level: number;
}

/** Inputs of {@link computeNullBand}. */
export interface NullBandInput {
  readonly policy: LbPolicy;
  readonly pods: number;
  /** Requests counted over all pods (N). */
  readonly total: number;
  /** Proxy workers that received traffic (ROUND_ROBIN only); default 1. */
  readonly workers?: number;
  /** Two-sided coverage of the multinomial band; default 0.99. */
  readonly level?: number;
  /** RING_HASH ring size; default Envoy's 1024. */
  readonly minimumRingSize?: number;
}

/**
 * The chance band of the CV for a policy (see the derivations below): the range a correct balancer's CV falls in by
 * chance alone, e.g. to check the balancers in simulation. Gates compare with the run's `null_cv` metric instead.
 *
 * Multinomial (RANDOM, LEAST_REQUEST with equal load, MAGLEV without a hash key): with E = N/n,
 * CV² = (Σ(x−E)²/n)/E² = χ²/N exactly, and χ² ~ χ²(n−1) under the null, so CV ≈ sqrt((n−1)/N) and the band is
 * sqrt(χ²_q(n−1)/N) for q = (1 ∓ level)/2. P2C only ever does better than random, so its band is the same upper bound.
 *
 * ROUND_ROBIN with W workers: worker w gives each host ⌊k_w/n⌋ or ⌈k_w/n⌉ of its k_w picks, the r_w = k_w mod n
 * extras going to consecutive hosts from the worker's random offset. Host i's deviation from the mean is
 * d_i = Σ_w (e_wi − r_w/n) with e_wi ∈ {0,1}, so max − min ≤ W. Each worker's 0/1 extras vector has population
 * standard deviation sqrt(r_w(n−r_w))/n ≤ sqrt(⌊n/2⌋⌈n/2⌉)/n, and standard deviations add at most linearly
 * (Minkowski), so σ ≤ W·sqrt(⌊n/2⌋⌈n/2⌉)/n and, with μ = N/n, CV ≤ W·sqrt(⌊n/2⌋⌈n/2⌉)/N — reached when every
 * worker has r_w = ⌊n/2⌋ extras on the same hosts. (W·sqrt(n−1)/N, one host taking every extra, is smaller for
 * n ≥ 4 and therefore not a bound.) With independent uniform offsets the workers' extras are uncorrelated, and
 * with r_w uniform on 0..n−1, E[r(n−r)] = (n²−1)/6, so the expected CV is sqrt(W(n²−1)/6)/N.
 *
 * RING_HASH without a hash key picks a random point on a ring of about m = ⌈ringSize/n⌉ entries per host, so a
 * host's share is a sum of m random arcs (share CV ≈ 1/sqrt(m)) on top of the multinomial noise: CV² ≈
 * χ²(n−1)·(1/(n·m) + 1/N). This is a model of a random ring, not of the actual hashes.
 *
 * Fewer than two pods or no requests give the degenerate band [0, 0].
 */
export function computeNullBand(input: NullBandInput): NullBand {
  const level = input.level ?? 0.99;
  const { policy, pods, total } = input;
  if (pods < 2 || total <= 0) {
    return { policy, model: 'none', expectedCv: 0, lowCv: 0, highCv: 0, level };
  }
  if (policy === 'ROUND_ROBIN') {
    const workers = Math.max(1, input.workers ?? 1);
    const worstSpread = Math.sqrt(Math.floor(pods / 2) * Math.ceil(pods / 2));
    return {
      policy,
      model: 'round-robin',
      expectedCv: Math.sqrt((workers * (pods * pods - 1)) / 6) / total,
      lowCv: 0,
      highCv: (workers * worstSpread) / total,
      level,
    };
  }
  const varianceScale =
    policy === 'RING_HASH'
      ? 1 / (pods * Math.ceil((input.minimumRingSize ?? DEFAULT_MINIMUM_RING_SIZE) / pods)) + 1 / total
      : 1 / total;
  const df = pods - 1;
  return {
    policy,
    model: policy === 'RING_HASH' ? 'ring-hash' : 'multinomial',
    expectedCv: Math.sqrt(df * varianceScale),
    lowCv: Math.sqrt(chi2Quantile((1 - level) / 2, df) * varianceScale),
    highCv: Math.sqrt(chi2Quantile((1 + level) / 2, df) * varianceScale),
    level,
  };
}

/** The band of one pod's share under a multinomial spread: 1/n ± z·sqrt(p(1−p)/N) (normal approximation). */
export interface ShareBand {
  readonly expectedShare: number;
  readonly lowShare: number;
  readonly highShare: number;
  readonly level: number;
}

/** The expected share of each of `pods` equal pods after `total` random picks, with its two-sided band at `level`. */
export function computeShareBand(pods: number, total: number, level = 0.95): ShareBand {
  if (pods < 1 || total <= 0) {
    const expectedShare = pods < 1 ? 0 : 1 / pods;
    return { expectedShare, lowShare: expectedShare, highShare: expectedShare, level };
  }
  const expectedShare = 1 / pods;
  // A chi-square(1) quantile is a squared standard normal quantile: z_{(1+level)/2} = sqrt(χ²_level(1)).
  const z = Math.sqrt(chi2Quantile(level, 1));
  const halfWidth = z * Math.sqrt((expectedShare * (1 - expectedShare)) / total);
  return {
    expectedShare,
    lowShare: Math.max(0, expectedShare - halfWidth),
    highShare: Math.min(1, expectedShare + halfWidth),
    level,
  };
}
