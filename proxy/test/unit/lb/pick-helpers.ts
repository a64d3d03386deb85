import type { Balancer, BalancerHost, PickContext, Rng } from '../../../src/types.js';

/** Hosts `10.0.0.<i+1>:80` with the given weights (one host per weight). */
export function makeHosts(weights: readonly number[]): BalancerHost[] {
  return weights.map((weight, index) => ({ key: `10.0.0.${index + 1}:80`, weight }));
}

/** Equal-weight hosts. */
export function makeEqualHosts(count: number): BalancerHost[] {
  return makeHosts(Array.from({ length: count }, () => 1));
}

/** An Rng that returns `values` in order and fails the test if asked for more; `used()` counts draws. */
export function createScriptedRng(values: readonly number[]): Rng & { used: () => number } {
  let next = 0;
  const rng = (): number => {
    const value = values[next];
    if (value === undefined) throw new Error(`scripted Rng exhausted after ${values.length} draws`);
    next += 1;
    return value;
  };
  return Object.assign(rng, { used: () => next });
}

/** A pick context; `activeRequests` defaults to 0 for every host. */
export function createContext(options: {
  readonly random: Rng;
  readonly active?: readonly number[];
  readonly hash?: bigint | undefined;
  readonly attempt?: number;
}): PickContext {
  const active = options.active ?? [];
  return {
    random: options.random,
    activeRequests: (index) => active[index] ?? 0,
    hash: options.hash,
    attempt: options.attempt ?? 0,
  };
}

/** Gives `balancer` its hosts and returns it. */
export function withHosts<B extends Balancer>(balancer: B, hosts: readonly BalancerHost[]): B {
  balancer.setHosts(hosts);
  return balancer;
}

/** Runs `count` picks and returns the indexes. */
export function pickMany(balancer: Balancer, context: PickContext, count: number): number[] {
  return Array.from({ length: count }, () => balancer.pick(context));
}

/** How many times each of `hostCount` hosts was picked. */
export function countPicks(indexes: readonly number[], hostCount: number): number[] {
  const counts = Array.from({ length: hostCount }, () => 0);
  for (const index of indexes) counts[index] = (counts[index] ?? 0) + 1;
  return counts;
}

/** Per-host shares in percent. */
export function toPercentages(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  return counts.map((count) => (100 * count) / total);
}
