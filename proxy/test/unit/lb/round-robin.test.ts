import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../../src/lb/rng.js';
import { RoundRobinBalancer } from '../../../src/lb/round-robin.js';
import {
  countPicks,
  createContext,
  createScriptedRng,
  makeEqualHosts,
  makeHosts,
  pickMany,
  withHosts,
} from './pick-helpers.js';

const start = (hosts: ReturnType<typeof makeHosts>, seed: number): RoundRobinBalancer =>
  withHosts(new RoundRobinBalancer(seed), hosts);
// Round robin never draws a random number: an empty script proves it.
const context = createContext({ random: createScriptedRng([]) });

function pickFrom(weights: readonly number[], seed: number, count: number): number[] {
  return pickMany(start(makeHosts(weights), seed), context, count);
}

describe('ROUND_ROBIN with equal weights', () => {
  it.each([
    { hosts: 3, seed: 0, expected: [0, 1, 2, 0, 1, 2, 0] },
    { hosts: 3, seed: 1, expected: [1, 2, 0, 1, 2, 0, 1] },
    { hosts: 3, seed: 5, expected: [2, 0, 1, 2, 0, 1, 2] },
    { hosts: 4, seed: 7, expected: [3, 0, 1, 2, 3, 0, 1] },
    { hosts: 3, seed: 0xffff_ffff, expected: [0, 1, 2, 0, 1, 2, 0] },
    { hosts: 5, seed: 123_456_789, expected: [4, 0, 1, 2, 3, 4, 0] },
    { hosts: 1, seed: 99, expected: [0, 0, 0] },
  ])('$hosts hosts from seed $seed start at seed % n and cycle: $expected', ({ hosts, seed, expected }) => {
    expect(
      pickFrom(
        Array.from({ length: hosts }, () => 1),
        seed,
        expected.length,
      ),
    ).toEqual(expected);
  });

  it('keeps its index across updates: it continues modulo the new size', () => {
    const balancer = start(makeEqualHosts(3), 1);
    expect(pickMany(balancer, context, 3)).toEqual([1, 2, 0]);
    // Index 4 over 4 hosts: 4 % 4 = 0.
    balancer.setHosts(makeEqualHosts(4));
    expect(pickMany(balancer, context, 5)).toEqual([0, 1, 2, 3, 0]);
    // Index 9 over 2 hosts: 9 % 2 = 1.
    balancer.setHosts(makeEqualHosts(2));
    expect(pickMany(balancer, context, 4)).toEqual([1, 0, 1, 0]);
  });

  it('returns -1 without hosts and resumes its index when hosts come back', () => {
    const balancer = new RoundRobinBalancer(4);
    expect(pickMany(balancer, context, 2)).toEqual([-1, -1]);
    balancer.setHosts(makeEqualHosts(3));
    expect(pickMany(balancer, context, 3)).toEqual([1, 2, 0]);
  });
});

describe('ROUND_ROBIN with unequal weights (EDF)', () => {
  it.each([
    { weights: [2, 1], seed: 0, expected: [0, 1, 0, 0, 1, 0] },
    { weights: [2, 1], seed: 1, expected: [1, 0, 0, 1, 0, 0] },
    { weights: [3, 2, 1], seed: 0, expected: [0, 1, 0, 2, 1, 0, 0, 1, 0, 2, 1, 0] },
    { weights: [3, 2, 1], seed: 4, expected: [1, 0, 0, 1, 0, 2] },
    { weights: [1, 3], seed: 0, expected: [1, 1, 0, 1, 1, 1, 0, 1] },
  ])('weights $weights from seed $seed pick $expected', ({ weights, seed, expected }) => {
    expect(pickFrom(weights, seed, expected.length)).toEqual(expected);
  });

  it('rebuilds the schedule from the same seed on update, restarting at the same point', () => {
    const balancer = start(makeHosts([3, 2, 1]), 4);
    pickMany(balancer, context, 5);
    balancer.setHosts(makeHosts([3, 2, 1]));
    expect(pickMany(balancer, context, 6)).toEqual([1, 0, 0, 1, 0, 2]);
  });

  it('switches to the index (kept from before) when weights become equal', () => {
    const balancer = start(makeHosts([2, 1]), 1);
    pickMany(balancer, context, 4);
    // Weighted picks do not advance the plain index, which is still the seed.
    balancer.setHosts(makeEqualHosts(3));
    expect(pickMany(balancer, context, 3)).toEqual([1, 2, 0]);
  });
});

describe('ROUND_ROBIN properties', () => {
  const hostCounts = fc.integer({ min: 1, max: 12 });
  const seeds = fc.integer({ min: 0, max: 0xffff_ffff });

  it('gives each host floor(k/n) or ceil(k/n) of one worker’s k picks', () => {
    fc.assert(
      fc.property(hostCounts, seeds, fc.integer({ min: 0, max: 500 }), (hostCount, seed, picks) => {
        const counts = countPicks(
          pickFrom(
            Array.from({ length: hostCount }, () => 1),
            seed,
            picks,
          ),
          hostCount,
        );
        const allowed = [Math.floor(picks / hostCount), Math.ceil(picks / hostCount)];
        expect(counts.filter((count) => !allowed.includes(count))).toEqual([]);
      }),
    );
  });

  it('converges to the weights: every host stays within 2 picks of k·w/W', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 8 }),
        seeds,
        (weights, seed) => {
          const total = weights.reduce((sum, weight) => sum + weight, 0);
          const picks = 20 * total;
          const counts = countPicks(pickFrom(weights, seed, picks), weights.length);
          const deviations = counts.map((count, host) =>
            Math.abs(count - (picks * (weights[host] ?? 0)) / total),
          );
          expect(Math.max(...deviations)).toBeLessThanOrEqual(2);
        },
      ),
    );
  });

  it('always picks an index in range, also across updates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 10 }), {
          minLength: 1,
          maxLength: 4,
        }),
        seeds,
        (hostSets, seed) => {
          const balancer = start(makeHosts(hostSets[0] ?? [1]), seed);
          for (const weights of hostSets) {
            balancer.setHosts(makeHosts(weights));
            const indexes = pickMany(balancer, context, 25);
            expect(indexes.every((index) => index >= 0 && index < weights.length)).toBe(true);
          }
        },
      ),
    );
  });

  it('gives the same sequence for the same seed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 8 }),
        seeds,
        (weights, seed) => {
          expect(pickFrom(weights, seed, 40)).toEqual(pickFrom(weights, seed, 40));
        },
      ),
    );
  });
});

describe('ROUND_ROBIN over several workers (Envoy §2.10)', () => {
  /** Per-host totals when `workerPicks[w]` requests land on worker w, each with its own seeded state. */
  function aggregate(hostCount: number, seeds: readonly number[], workerPicks: readonly number[]): number[] {
    const totals = Array.from({ length: hostCount }, () => 0);
    seeds.forEach((seed, worker) => {
      const counts = countPicks(
        pickFrom(
          Array.from({ length: hostCount }, () => 1),
          seed,
          workerPicks[worker] ?? 0,
        ),
        hostCount,
      );
      counts.forEach((count, host) => (totals[host] = (totals[host] ?? 0) + count));
    });
    return totals;
  }
  const spread = (totals: readonly number[]): number => Math.max(...totals) - Math.min(...totals);

  it.each([
    // Two workers whose offsets coincide (seeds 0 and 3 → offset 0) each send one request to host 0.
    { seeds: [0, 3], workerPicks: [1, 1], totals: [2, 0, 0] },
    // The same two requests on one worker go to two hosts.
    { seeds: [0], workerPicks: [2], totals: [1, 1, 0] },
    // Offsets 0, 1, 2 complement each other and even out.
    { seeds: [0, 1, 2], workerPicks: [1, 1, 1], totals: [1, 1, 1] },
    // Four workers at offset 1, three requests each: hosts 1 and 2 get the extras from every worker.
    { seeds: [1, 4, 7, 10], workerPicks: [5, 5, 5, 5], totals: [4, 8, 8] },
  ])(
    'workers with seeds $seeds and picks $workerPicks give totals $totals',
    ({ seeds, workerPicks, totals }) => {
      expect(aggregate(3, seeds, workerPicks)).toEqual(totals);
    },
  );

  it('keeps the aggregate spread at most the number of workers with traffic, and reaches that bound', () => {
    let largestSpread = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 8 }),
        (hostCount, baseSeed, workerPicks) => {
          const seeds = workerPicks.map((_, worker) => deriveSeed(baseSeed, worker));
          const totals = aggregate(hostCount, seeds, workerPicks);
          const busyWorkers = workerPicks.filter((picks) => picks > 0).length;
          expect(spread(totals)).toBeLessThanOrEqual(busyWorkers);
          largestSpread = Math.max(largestSpread, spread(totals));
        },
      ),
      { numRuns: 200 },
    );
    expect(largestSpread).toBeGreaterThan(1);
  });

  it('spreads 10,000 requests from 8 randomly chosen workers by at most 8 instead of 1', () => {
    const rng = createRng(2024);
    const seeds = Array.from({ length: 8 }, (_, worker) => deriveSeed(99, worker));
    const workerPicks = Array.from({ length: 8 }, () => 0);
    for (let request = 0; request < 10_000; request += 1) {
      const worker = rng() % 8;
      workerPicks[worker] = (workerPicks[worker] ?? 0) + 1;
    }
    const totals = aggregate(3, seeds, workerPicks);
    expect(totals.reduce((sum, count) => sum + count, 0)).toBe(10_000);
    expect(spread(totals)).toBeLessThanOrEqual(8);
    expect(spread(aggregate(3, [seeds[0] ?? 0], [10_000]))).toBeLessThanOrEqual(1);
  });
});
