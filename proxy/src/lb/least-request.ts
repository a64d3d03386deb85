import type { Balancer, BalancerHost, BalancerOptions, Clock, PickContext } from '../types.js';
import { createEdfWithPicks, peekEdf, rescheduleEarliestEdf, type EdfScheduler } from './edf-scheduler.js';
import { areHostWeightsEqual, getHostWeights } from './host-weights.js';
import { SlowStartTracker } from './slow-start.js';

/** LEAST_REQUEST settings: `choice_count`, `active_request_bias` and `slow_start_config`. */
export type LeastRequestOptions = BalancerOptions['leastRequest'];

/** Envoy treats a negative or NaN bias as 1.0 (with a warning). */
function normalizeBias(bias: number): number {
  return Number.isNaN(bias) || bias < 0 ? 1 : bias;
}

/** N_CHOICES: `choiceCount` draws with replacement; a later draw wins only with strictly fewer active requests. */
function pickFromChoices(count: number, choiceCount: number, context: PickContext): number {
  let best = context.random() % count;
  let bestActive = context.activeRequests(best);
  for (let choice = 1; choice < choiceCount; choice += 1) {
    const candidate = context.random() % count;
    const candidateActive = context.activeRequests(candidate);
    if (candidateActive < bestActive) {
      best = candidate;
      bestActive = candidateActive;
    }
  }
  return best;
}

/**
 * Envoy's LEAST_REQUEST (as of 1.37) for one worker. Equal weights: N_CHOICES power-of-`choiceCount` choices on
 * the context's `activeRequests`, drawing `random() % n` with replacement. Unequal weights, or a host in its
 * slow-start window at the host-set change: an EDF schedule (`createWithPicks(seed)`) with effective weight
 * `weight / (active + 1) ^ bias`, times the slow-start factor while any host is in its window, evaluated when a
 * host is re-inserted after its pick; `activeRequestBias` has no effect on the N_CHOICES path. As in Envoy the
 * schedule stays until the next host-set change. Envoy's separate draw for choosing a priority is omitted: with one
 * priority it changes nothing.
 */
export class LeastRequestBalancer implements Balancer {
  readonly policy = 'LEAST_REQUEST';
  private readonly seed: number;
  private readonly choiceCount: number;
  private readonly activeRequestBias: number;
  private readonly now: Clock;
  private readonly slowStart: SlowStartTracker | undefined;
  private weights: Float64Array = new Float64Array(0);
  private enteredMs: Float64Array = new Float64Array(0);
  private isWeighted = false;
  /** When the hosts were last set: the schedule's initial weights are taken as of then, as Envoy's refresh does. */
  private refreshMs = 0;
  /** Built at the first pick after a host-set change, when the active request counts are known. */
  private scheduler: EdfScheduler | undefined;

  constructor(options: LeastRequestOptions, seed: number, now: Clock = () => 0) {
    this.seed = seed >>> 0;
    this.choiceCount = Math.max(1, Math.floor(options.choiceCount));
    this.activeRequestBias = normalizeBias(options.activeRequestBias);
    this.now = now;
    this.slowStart = options.slowStart && new SlowStartTracker(options.slowStart, now);
  }

  /** Replaces the hosts; a weighted schedule is rebuilt at the next pick. */
  setHosts(hosts: readonly BalancerHost[]): void {
    this.weights = getHostWeights(hosts);
    this.enteredMs = this.slowStart?.setHosts(hosts) ?? this.enteredMs;
    this.refreshMs = this.now();
    const isSlowStarting = this.slowStart?.isAnyHostInSlowStart(this.refreshMs) ?? false;
    this.isWeighted = (!areHostWeightsEqual(hosts) || isSlowStarting) && hosts.length > 1;
    this.scheduler = undefined;
  }

  /** Picks a host, -1 without hosts; advances the weighted schedule. */
  pick(context: PickContext): number {
    const count = this.weights.length;
    if (count === 0) return -1;
    return this.isWeighted ? this.pickWeighted(context) : pickFromChoices(count, this.choiceCount, context);
  }

  private pickWeighted(context: PickContext): number {
    this.scheduler ??= this.buildScheduler(context);
    const index = peekEdf(this.scheduler);
    // Like Envoy, the weight is re-read only when the picked host goes back into the schedule.
    if (index >= 0)
      rescheduleEarliestEdf(this.scheduler, this.getEffectiveWeight(index, context, this.now()));
    return index;
  }

  private buildScheduler(context: PickContext): EdfScheduler {
    const weights = new Float64Array(this.weights.length);
    for (let index = 0; index < weights.length; index += 1) {
      weights[index] = this.getEffectiveWeight(index, context, this.refreshMs);
    }
    return createEdfWithPicks(weights, this.seed);
  }

  /**
   * Envoy's `hostWeight`: `weight / (rq_active + 1) ^ active_request_bias`, scaled by the slow-start factor while
   * any host is in its window at `nowMs`.
   */
  private getEffectiveWeight(index: number, context: PickContext, nowMs: number): number {
    const weight = this.weights[index] ?? 1;
    const bias = this.activeRequestBias;
    const activePlusOne = context.activeRequests(index) + 1;
    const biased =
      bias === 0 ? weight : bias === 1 ? weight / activePlusOne : weight / Math.pow(activePlusOne, bias);
    const slowStart = this.slowStart;
    if (slowStart === undefined || !slowStart.isAnyHostInSlowStart(nowMs)) return biased;
    return slowStart.applyFactor(biased, this.enteredMs[index] ?? nowMs, nowMs);
  }
}
