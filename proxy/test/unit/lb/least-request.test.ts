import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeastRequestBalancer, type LeastRequestOptions } from '../../../src/lb/least-request.js';
import { createRng } from '../../../src/lb/rng.js';
import { RoundRobinBalancer } from '../../../src/lb/round-robin.js';
import type { BalancerHost, PickContext } from '../../../src/types.js';
import {
  countPicks,
  createContext,
  createScriptedRng,
  makeEqualHosts,
  makeHosts,
  pickMany,
  toPercentages,
  withHosts,
} from './pick-helpers.js';

const DEFAULTS = { choiceCount: 2, activeRequestBias: 1, slowStart: undefined };

/** A LEAST_REQUEST balancer with `hosts` and `seed`. */
function start(
  hosts: readonly BalancerHost[],
  seed: number,
  options: LeastRequestOptions = DEFAULTS,
): LeastRequestBalancer {
  return withHosts(new LeastRequestBalancer(options, seed), hosts);
}

describe('LEAST_REQUEST with equal weights (N_CHOICES)', () => {
  it.each([
    { name: 'a tie keeps the first draw', active: [0, 0, 0], draws: [1, 2], expected: 1 },
    { name: 'a tie keeps the first draw (loaded)', active: [2, 2, 0], draws: [0, 1], expected: 0 },
    { name: 'a strictly smaller count replaces', active: [5, 3, 0], draws: [0, 1], expected: 1 },
    { name: 'a larger count does not replace', active: [3, 5, 0], draws: [0, 1], expected: 0 },
    { name: 'draws are random() % n', active: [0, 9, 0], draws: [7, 11], expected: 2 },
    { name: 'with replacement: both draws on the busy host', active: [0, 9, 0], draws: [4, 1], expected: 1 },
    {
      name: 'three choices take the least of three',
      active: [3, 2, 1],
      draws: [0, 1, 2],
      choiceCount: 3,
      expected: 2,
    },
    {
      name: 'three choices, tie after a win keeps it',
      active: [3, 1, 1],
      draws: [0, 1, 2],
      choiceCount: 3,
      expected: 1,
    },
  ])('$name', ({ active, draws, expected, choiceCount = 2 }) => {
    const balancer = start(makeEqualHosts(3), 0, { ...DEFAULTS, choiceCount });
    const random = createScriptedRng(draws);
    expect(balancer.pick(createContext({ random, active }))).toBe(expected);
    expect(random.used()).toBe(choiceCount);
  });

  it('behaves exactly like RANDOM on the first draw when all counts are equal', () => {
    const draws = [5, 1, 3, 8, 2, 2, 9, 4];
    const indexes = pickMany(
      start(makeEqualHosts(4), 0),
      createContext({ random: createScriptedRng(draws) }),
      4,
    );
    expect(indexes).toEqual([5 % 4, 3 % 4, 2 % 4, 9 % 4]);
  });

  it('ignores activeRequestBias when weights are equal (Envoy up to 1.37)', () => {
    const balancer = start(makeEqualHosts(2), 0, {
      choiceCount: 2,
      activeRequestBias: 0,
      slowStart: undefined,
    });
    expect(balancer.pick(createContext({ random: createScriptedRng([0, 1]), active: [4, 2] }))).toBe(1);
  });

  it('returns -1 without hosts and draws nothing', () => {
    const random = createScriptedRng([]);
    expect(start([], 0).pick(createContext({ random }))).toBe(-1);
  });
});

describe('LEAST_REQUEST with unequal weights (EDF)', () => {
  it('with bias 0 is plain weighted round robin from the same seed', () => {
    const hosts = makeHosts([3, 2, 1]);
    const leastRequest = start(hosts, 11, { choiceCount: 2, activeRequestBias: 0, slowStart: undefined });
    const roundRobin = withHosts(new RoundRobinBalancer(11), hosts);
    const context = createContext({ random: createScriptedRng([]), active: [7, 0, 3] });
    expect(pickMany(leastRequest, context, 30)).toEqual(pickMany(roundRobin, context, 30));
  });

  it('re-reads a host’s active requests only when it is re-inserted after a pick', () => {
    const active = [0, 0];
    const context: PickContext = {
      ...createContext({ random: createScriptedRng([]) }),
      activeRequests: (index) => active[index] ?? 0,
    };
    // Schedule from seed 0 with weights 2:1 at rest: host 0 (due 0.5), then host 1 and host 0 (both due 1).
    const balancer = start(makeHosts([2, 1]), 0);
    expect(balancer.pick(context)).toBe(0);
    active[0] = 100;
    expect(balancer.pick(context)).toBe(1);
    // Host 0 went back in with its old weight before it became busy, so it is still picked once more...
    expect(balancer.pick(context)).toBe(0);
    // ...and only then re-inserted with 2/101, far behind host 1.
    expect(pickMany(balancer, context, 20)).toEqual(Array.from({ length: 20 }, () => 1));
  });

  it('builds its schedule at the first pick after an update, with the counts of that moment', () => {
    const context = createContext({ random: createScriptedRng([]), active: [3, 0] });
    // 2/(3+1) = 0.5 against 1/(0+1) = 1: host 1 gets two picks in three.
    const balancer = start(makeHosts([1, 1]), 0);
    balancer.setHosts(makeHosts([2, 1]));
    expect(countPicks(pickMany(balancer, context, 300), 2)).toEqual([100, 200]);
  });

  it.each([
    { bias: 1, expected: [100, 200] },
    { bias: 0.5, expected: [150, 150] },
    { bias: 0, expected: [200, 100] },
    { bias: -1, expected: [100, 200] },
    { bias: Number.NaN, expected: [100, 200] },
  ])('uses weight / (active + 1)^bias with bias $bias (negative and NaN mean 1)', ({ bias, expected }) => {
    const balancer = start(makeHosts([2, 1]), 5, {
      choiceCount: 2,
      activeRequestBias: bias,
      slowStart: undefined,
    });
    const context = createContext({ random: createScriptedRng([]), active: [3, 0] });
    expect(countPicks(pickMany(balancer, context, 300), 2)).toEqual(expected);
  });
});

describe('LEAST_REQUEST: Envoy’s LeastRequestLoadBalancerWeightTest splits (100,000 picks, ±1 point)', () => {
  it.each([
    { weights: [1, 1, 1], active: [0, 0, 0], expected: [33.3, 33.3, 33.3] },
    { weights: [1, 1, 1], active: [0, 0, 10], expected: [44.45, 44.45, 11.1] },
    { weights: [1, 1], active: [0, 10], expected: [75, 25] },
    { weights: [2, 1], active: [0, 0], expected: [66.66, 33.33] },
    { weights: [2, 1], active: [1, 0], expected: [50, 50] },
    { weights: [2, 1, 1], active: [1, 0, 0], expected: [33.3, 33.3, 33.3] },
  ])('weights $weights with rq_active $active split $expected', ({ weights, active, expected }) => {
    const context = createContext({ random: createRng(31_337), active });
    const indexes = pickMany(start(makeHosts(weights), 17), context, 100_000);
    toPercentages(countPicks(indexes, weights.length)).forEach((share, host) => {
      expect(Math.abs(share - (expected[host] ?? 0))).toBeLessThanOrEqual(1);
    });
  });
});

describe('LEAST_REQUEST properties', () => {
  it('picks in range for any weights, counts and choice count, and repeats itself for the same seeds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ weight: fc.integer({ min: 1, max: 4 }), active: fc.nat(20) }), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (hosts, choiceCount, seed) => {
          const active = hosts.map((host) => host.active);
          const run = (): number[] =>
            pickMany(
              start(makeHosts(hosts.map((host) => host.weight)), seed, {
                choiceCount,
                activeRequestBias: 1,
                slowStart: undefined,
              }),
              createContext({ random: createRng(seed), active }),
              50,
            );
          const indexes = run();
          expect(indexes.every((index) => index >= 0 && index < hosts.length)).toBe(true);
          expect(run()).toEqual(indexes);
        },
      ),
      { numRuns: 50 },
    );
  });
});
