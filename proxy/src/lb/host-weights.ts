import type { BalancerHost } from '../types.js';

/** True when every host has the same weight (Envoy's `hostWeightsAreEqual`); true for 0 or 1 host. */
export function areHostWeightsEqual(hosts: readonly BalancerHost[]): boolean {
  const first = hosts[0];
  return first === undefined || hosts.every((host) => host.weight === first.weight);
}

/** The hosts' weights as a typed array, index for index. */
export function getHostWeights(hosts: readonly BalancerHost[]): Float64Array {
  return Float64Array.from(hosts, (host) => host.weight);
}

/**
 * Host weights divided by their sum (Envoy's `normalizeHostWeights` without locality weighting), with the
 * smallest and largest normalized weight.
 */
export function normalizeHostWeights(hosts: readonly BalancerHost[]): {
  readonly weights: Float64Array;
  readonly minWeight: number;
  readonly maxWeight: number;
} {
  let sum = 0;
  for (const host of hosts) sum += host.weight;
  const weights = Float64Array.from(hosts, (host) => host.weight / sum);
  let minWeight = 1;
  let maxWeight = 0;
  for (const weight of weights) {
    minWeight = Math.min(minWeight, weight);
    maxWeight = Math.max(maxWeight, weight);
  }
  return { weights, minWeight, maxWeight };
}
