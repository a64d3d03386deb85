import type { Balancer, BalancerHost, BalancerOptions, Clock } from '../types.js';
import { createEdfWithPicks, rescheduleEarliestEdf, peekEdf, type EdfScheduler } from './edf-scheduler.js';
import { areHostWeightsEqual, getHostWeights } from './host-weights.js';
import { SlowStartTracker } from './slow-start.js';

/** ROUND_ROBIN settings: `round_robin_lb_config`. */
export type RoundRobinOptions = BalancerOptions['roundRobin'];

/**
 * Envoy's ROUND_ROBIN for one worker: with equal weights `hosts[index % n]` with an index that starts at the
 * seed and is never reset (it continues modulo the new size after `setHosts`); with unequal weights, or while a
 * host is in its slow-start window at a host-set change, an EDF schedule built with `createWithPicks(seed)` and
 * rebuilt, with the same seed, on every host-set change. A picked host goes back into the schedule with its
 * weight as of that moment (slow start scales it, Envoy's `hostWeight`). The context's random source is not used.
 */
export class RoundRobinBalancer implements Balancer {
  readonly policy = 'ROUND_ROBIN';
  /** The worker's seed as a uint32: the first index and the EDF's emulated initial picks. */
  private readonly seed: number;
  private readonly now: Clock;
  private readonly slowStart: SlowStartTracker | undefined;
  private hostCount = 0;
  /** Next index for equal weights; starts at `seed` and survives host-set changes. */
  private index: number;
  /** Weighted schedule when host weights differ or slow start was active, undefined otherwise. */
  private scheduler: EdfScheduler | undefined;
  private weights: Float64Array = new Float64Array(0);
  private enteredMs: Float64Array = new Float64Array(0);

  constructor(seed: number, options: RoundRobinOptions = { slowStart: undefined }, now: Clock = () => 0) {
    this.seed = seed >>> 0;
    this.index = this.seed;
    this.now = now;
    this.slowStart = options.slowStart && new SlowStartTracker(options.slowStart, now);
  }

  /** Replaces the hosts; rebuilds the EDF schedule from the same seed, like Envoy's refresh(). */
  setHosts(hosts: readonly BalancerHost[]): void {
    this.hostCount = hosts.length;
    this.weights = getHostWeights(hosts);
    this.enteredMs = this.slowStart?.setHosts(hosts) ?? this.enteredMs;
    const nowMs = this.now();
    const isSlowStarting = this.slowStart?.isAnyHostInSlowStart(nowMs) ?? false;
    // No schedule for equal weights outside slow start, or for fewer than two hosts; the same seed on every rebuild.
    const needsSchedule = (!areHostWeightsEqual(hosts) || isSlowStarting) && hosts.length > 1;
    this.scheduler = needsSchedule
      ? createEdfWithPicks(
          Float64Array.from(this.weights, (_, index) => this.getHostWeight(index, nowMs)),
          this.seed,
        )
      : undefined;
  }

  /** Picks the next host; advances the index or the schedule. */
  pick(): number {
    if (this.hostCount === 0) return -1;
    const scheduler = this.scheduler;
    if (scheduler === undefined) {
      const index = this.index % this.hostCount;
      this.index += 1;
      return index;
    }
    const index = peekEdf(scheduler);
    if (index >= 0) rescheduleEarliestEdf(scheduler, this.getHostWeight(index, this.now()));
    return index;
  }

  /** Envoy's `hostWeight`: the configured weight, scaled by slow start while any host is in its window. */
  private getHostWeight(index: number, nowMs: number): number {
    const weight = this.weights[index] ?? 1;
    const slowStart = this.slowStart;
    if (slowStart === undefined || !slowStart.isAnyHostInSlowStart(nowMs)) return weight;
    return slowStart.applyFactor(weight, this.enteredMs[index] ?? nowMs, nowMs);
  }
}
