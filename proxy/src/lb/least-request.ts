import type { Balancer, BalancerHost, BalancerOptions, PickContext, PickResult } from '../types.js';
import { createEdfWithPicks, peekEdf, rescheduleEarliestEdf, type EdfScheduler } from './edf-scheduler.js';
import { areHostWeightsEqual, getHostWeights } from './host-weights.js';

/** LEAST_REQUEST settings: `choice_count` and `active_request_bias`. */
export type LeastRequestOptions = BalancerOptions['leastRequest'];

/**
 * One worker's LEAST_REQUEST state. It is linear: with unequal weights `pick` advances the EDF schedule in
 * place, so always continue with the returned state and never pick again from an older reference.
 */
export interface LeastRequestState {
  readonly hosts: readonly BalancerHost[];
  readonly seed: number;
  readonly choiceCount: number;
  readonly activeRequestBias: number;
  readonly weights: Float64Array;
  readonly isWeighted: boolean;
  /** Built at the first pick after init/update, when the active request counts are known. */
  scheduler: EdfScheduler | undefined;
}

/** Envoy treats a negative or NaN bias as 1.0 (with a warning). */
function normalizeBias(bias: number): number {
  return Number.isNaN(bias) || bias < 0 ? 1 : bias;
}

/** Envoy's `hostWeight`: `weight / (rq_active + 1) ^ active_request_bias`. */
function getEffectiveWeight(state: LeastRequestState, index: number, context: PickContext): number {
  const weight = state.weights[index] ?? 1;
  const bias = state.activeRequestBias;
  if (bias === 0) return weight;
  const activePlusOne = context.activeRequests(index) + 1;
  return bias === 1 ? weight / activePlusOne : weight / Math.pow(activePlusOne, bias);
}

function buildScheduler(state: LeastRequestState, context: PickContext): EdfScheduler {
  const weights = new Float64Array(state.hosts.length);
  for (let index = 0; index < weights.length; index += 1) {
    weights[index] = getEffectiveWeight(state, index, context);
  }
  return createEdfWithPicks(weights, state.seed);
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

function pickWeighted(state: LeastRequestState, context: PickContext): number {
  state.scheduler ??= buildScheduler(state, context);
  const index = peekEdf(state.scheduler);
  // Like Envoy, the weight is re-read only when the picked host goes back into the schedule.
  if (index >= 0) rescheduleEarliestEdf(state.scheduler, getEffectiveWeight(state, index, context));
  return index;
}

function pickLeastRequest(state: LeastRequestState, context: PickContext): PickResult<LeastRequestState> {
  const count = state.hosts.length;
  if (count === 0) return { index: -1, state };
  const index = state.isWeighted
    ? pickWeighted(state, context)
    : pickFromChoices(count, state.choiceCount, context);
  return { index, state };
}

function buildState(
  hosts: readonly BalancerHost[],
  seed: number,
  options: LeastRequestOptions,
): LeastRequestState {
  return {
    hosts,
    seed,
    choiceCount: Math.max(1, Math.floor(options.choiceCount)),
    activeRequestBias: normalizeBias(options.activeRequestBias),
    weights: getHostWeights(hosts),
    isWeighted: !areHostWeightsEqual(hosts),
    scheduler: undefined,
  };
}

/**
 * Creates Envoy's LEAST_REQUEST (as of 1.37). Equal weights: N_CHOICES power-of-`choiceCount` choices on the
 * context's `activeRequests`, drawing `random() % n` with replacement. Unequal weights: an EDF schedule
 * (`createWithPicks(seed)`) with effective weight `weight / (active + 1) ^ bias`, evaluated when a host is
 * re-inserted after its pick; `activeRequestBias` has no effect when weights are equal. Envoy's separate draw
 * for choosing a priority is omitted: with one priority it changes nothing. States are linear.
 */
export function createLeastRequestBalancer(options: LeastRequestOptions): Balancer<LeastRequestState> {
  return {
    policy: 'LEAST_REQUEST',
    init: (hosts, seed) => buildState(hosts, seed >>> 0, options),
    update: (state, hosts) => buildState(hosts, state.seed, options),
    pick: (state, context) => pickLeastRequest(state, context),
  };
}
