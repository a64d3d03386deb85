import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickClusterIpEndpoint } from '../../../src/backends/cluster-ip-pick.js';
import { chi2PValue } from '../../../src/stats/chi-square.js';
import { createSeededRng } from '../../../src/stats/seeded-rng.js';

/** An rng that returns the given values in turn. */
const sequence = (values: readonly number[]): (() => number) => {
  let next = 0;
  return () => values[next++] ?? Number.NaN;
};

describe('pickClusterIpEndpoint', () => {
  it('has nothing to pick without endpoints', () => {
    expect(pickClusterIpEndpoint(0, () => 0)).toBeUndefined();
  });

  it.each([
    // [endpoints, rng draws, expected pick]: rule i matches when the draw is below 1/(n-i), the last always.
    [1, [], 0],
    [3, [0.3], 0],
    [3, [0.34, 0.49], 1],
    [3, [0.34, 0.5], 2],
    [4, [0.9, 0.9, 0.2], 2],
  ] as const)(
    'walks the KUBE-SVC chain of %i endpoint(s) with draws %j to endpoint %i',
    (count, draws, expected) => {
      expect(pickClusterIpEndpoint(count, sequence(draws))).toBe(expected);
    },
  );

  it('always picks a valid endpoint', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer(), (count, seed) => {
        const index = pickClusterIpEndpoint(count, createSeededRng(seed));
        return index !== undefined && Number.isInteger(index) && index >= 0 && index < count;
      }),
    );
  });

  it('is reproducible from the seed', () => {
    const picks = (seed: number): (number | undefined)[] => {
      const rng = createSeededRng(seed);
      return Array.from({ length: 50 }, () => pickClusterIpEndpoint(5, rng));
    };
    expect(picks(7)).toEqual(picks(7));
    expect(picks(7)).not.toEqual(picks(8));
  });

  it('spreads connections uniformly: 1/n each (chi-square, seeded)', () => {
    const rng = createSeededRng(42);
    const count = 5;
    const draws = 50_000;
    const hits = new Array<number>(count).fill(0);
    for (let n = 0; n < draws; n++) {
      const index = pickClusterIpEndpoint(count, rng) ?? -1;
      hits[index] = (hits[index] ?? 0) + 1;
    }
    const expected = draws / count;
    const chi2 = hits.reduce((sum, hit) => sum + (hit - expected) ** 2 / expected, 0);
    expect(chi2PValue(chi2, count - 1)).toBeGreaterThan(0.001);
  });
});
