import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../../src/lb/rng.js';

const draw = (seed: number, count: number): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng());
};

describe('createRng', () => {
  it('gives the same sequence for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (seed) => {
        expect(draw(seed, 50)).toEqual(draw(seed, 50));
      }),
      { numRuns: 50 },
    );
  });

  it('returns integers in [0, 2^32)', () => {
    const values = draw(12_345, 10_000);
    expect(values.every((value) => Number.isInteger(value) && value >= 0 && value < 2 ** 32)).toBe(true);
  });

  it('gives unrelated sequences for neighbouring seeds', () => {
    const first = draw(1, 8);
    const second = draw(2, 8);
    expect(first.filter((value, index) => value === second[index])).toEqual([]);
  });

  it('is close to uniform: each of 16 buckets gets 1/16 of 160,000 draws within 3 %', () => {
    const rng = createRng(7);
    const buckets = Array.from({ length: 16 }, () => 0);
    for (let index = 0; index < 160_000; index += 1) {
      const bucket = rng() >>> 28;
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(300);
  });
});

describe('deriveSeed', () => {
  it('is deterministic and a uint32', () => {
    expect(deriveSeed(42, 3)).toBe(deriveSeed(42, 3));
    expect(deriveSeed(42, 3) >>> 0).toBe(deriveSeed(42, 3));
  });

  it('gives every stream of one base its own seed', () => {
    const seeds = new Set(Array.from({ length: 10_000 }, (_, stream) => deriveSeed(42, stream)));
    expect(seeds.size).toBe(10_000);
  });

  it('depends on the base', () => {
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(2, 0));
  });
});
