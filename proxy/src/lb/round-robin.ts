import type { Balancer, BalancerHost, PickResult } from '../types.js';
import { createEdfWithPicks, pickAndAddEdf, type EdfScheduler } from './edf-scheduler.js';
import { areHostWeightsEqual, getHostWeights } from './host-weights.js';

/**
 * One worker's ROUND_ROBIN state. It is linear: `pick` advances this object in place and returns it, so
 * always continue with the returned state and never pick again from an older reference.
 */
export interface RoundRobinState {
  readonly hosts: readonly BalancerHost[];
  /** The worker's seed as a uint32: the first index and the EDF's emulated initial picks. */
  readonly seed: number;
  /** Next index for equal weights; starts at `seed` and survives host-set updates. */
  index: number;
  /** Weighted schedule when host weights differ, undefined when they are equal. */
  readonly scheduler: EdfScheduler | undefined;
  readonly weights: Float64Array;
}

function buildState(hosts: readonly BalancerHost[], seed: number, index: number): RoundRobinState {
  const weights = getHostWeights(hosts);
  // Like Envoy's refresh(): no schedule for equal weights or fewer than two hosts, and the same seed on
  // every rebuild.
  const scheduler = areHostWeightsEqual(hosts) ? undefined : createEdfWithPicks(weights, seed);
  return { hosts, seed, index, scheduler, weights };
}

function pickRoundRobin(state: RoundRobinState): PickResult<RoundRobinState> {
  const count = state.hosts.length;
  if (count === 0) return { index: -1, state };
  if (state.scheduler !== undefined) return { index: pickAndAddEdf(state.scheduler, state.weights), state };
  const index = state.index % count;
  state.index += 1;
  return { index, state };
}

/**
 * Creates Envoy's ROUND_ROBIN: with equal weights `hosts[index % n]` with an index that starts at the seed
 * and is never reset (it continues modulo the new size after an update); with unequal weights an EDF
 * schedule built with `createWithPicks(seed)` and rebuilt, with the same seed, on every update.
 * The context's random source is not used. States are linear (see {@link RoundRobinState}).
 */
export function createRoundRobinBalancer(): Balancer<RoundRobinState> {
  return {
    policy: 'ROUND_ROBIN',
    init: (hosts, seed) => buildState(hosts, seed >>> 0, seed >>> 0),
    update: (state, hosts) => buildState(hosts, state.seed, state.index),
    pick: (state) => pickRoundRobin(state),
  };
}
