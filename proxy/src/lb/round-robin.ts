import type { Balancer, BalancerHost } from '../types.js';
import { createEdfWithPicks, pickAndAddEdf, type EdfScheduler } from './edf-scheduler.js';
import { areHostWeightsEqual, getHostWeights } from './host-weights.js';

/**
 * Envoy's ROUND_ROBIN for one worker: with equal weights `hosts[index % n]` with an index that starts at the
 * seed and is never reset (it continues modulo the new size after `setHosts`); with unequal weights an EDF
 * schedule built with `createWithPicks(seed)` and rebuilt, with the same seed, on every host-set change.
 * The context's random source is not used.
 */
export class RoundRobinBalancer implements Balancer {
  readonly policy = 'ROUND_ROBIN';
  /** The worker's seed as a uint32: the first index and the EDF's emulated initial picks. */
  private readonly seed: number;
  private hostCount = 0;
  /** Next index for equal weights; starts at `seed` and survives host-set changes. */
  private index: number;
  /** Weighted schedule when host weights differ, undefined when they are equal. */
  private scheduler: EdfScheduler | undefined;
  private weights: Float64Array = new Float64Array(0);

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.index = this.seed;
  }

  /** Replaces the hosts; rebuilds the EDF schedule from the same seed, like Envoy's refresh(). */
  setHosts(hosts: readonly BalancerHost[]): void {
    this.hostCount = hosts.length;
    this.weights = getHostWeights(hosts);
    // No schedule for equal weights or fewer than two hosts, and the same seed on every rebuild.
    this.scheduler = areHostWeightsEqual(hosts) ? undefined : createEdfWithPicks(this.weights, this.seed);
  }

  /** Picks the next host; advances the index or the schedule. */
  pick(): number {
    if (this.hostCount === 0) return -1;
    if (this.scheduler !== undefined) return pickAndAddEdf(this.scheduler, this.weights);
    const index = this.index % this.hostCount;
    this.index += 1;
    return index;
  }
}
