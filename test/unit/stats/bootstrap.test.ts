import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapCi } from '../../../src/stats/bootstrap.js';
import { getMedian } from '../../../src/stats/percentile.js';
import { createSeededRng } from '../../../src/stats/seeded-rng.js';

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('bootstrapCi', () => {
  it('is reproducible from the seed', () => {
    const values = [0.91, 0.95, 0.99, 0.97, 0.93, 0.98];
    const options = { level: 0.95, resamples: 500 };
    const first = bootstrapCi(values, getMedian, { ...options, rng: createSeededRng(7) });
    const second = bootstrapCi(values, getMedian, { ...options, rng: createSeededRng(7) });
    expect(second).toEqual(first);
    expect(first.level).toBe(0.95);
    expect(first.low).toBeLessThanOrEqual(first.high);
  });

  it('gives the degenerate interval for one value and for identical values', () => {
    const rng = createSeededRng(1);
    expect(bootstrapCi([4], getMedian, { level: 0.9, resamples: 100, rng })).toEqual({
      level: 0.9,
      low: 4,
      high: 4,
    });
    expect(bootstrapCi([2, 2, 2], mean, { level: 0.9, resamples: 100, rng })).toEqual({
      level: 0.9,
      low: 2,
      high: 2,
    });
  });

  it('narrows as the level drops', () => {
    const values = Array.from({ length: 40 }, (_, i) => i);
    const wide = bootstrapCi(values, mean, { level: 0.99, resamples: 2000, rng: createSeededRng(3) });
    const narrow = bootstrapCi(values, mean, { level: 0.5, resamples: 2000, rng: createSeededRng(3) });
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
    // The mean of 0..39 is 19.5 with standard error ≈ 1.8: the 99 % interval spans roughly ±4.6.
    expect(wide.low).toBeGreaterThan(12);
    expect(wide.high).toBeLessThan(27);
  });

  it.each([
    [[], { level: 0.95, resamples: 10 }, 'no values'],
    [[1, 2], { level: 1, resamples: 10 }, 'level must be in (0, 1)'],
    [[1, 2], { level: 0.95, resamples: 0 }, 'resamples must be an integer ≥ 1'],
  ])('rejects %j with %j', (values, options, message) => {
    expect(() => bootstrapCi(values, mean, { ...options, rng: createSeededRng(1) })).toThrow(message);
  });

  it('contains the point estimate of the median', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (values, seed) => {
          const ci = bootstrapCi(values, getMedian, {
            level: 0.95,
            resamples: 200,
            rng: createSeededRng(seed),
          });
          const median = getMedian(values);
          expect(ci.low).toBeLessThanOrEqual(median);
          expect(ci.high).toBeGreaterThanOrEqual(median);
        },
      ),
    );
  });
});

describe('createSeededRng', () => {
  it('returns numbers in [0, 1), the same sequence for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = createSeededRng(seed);
        const b = createSeededRng(seed);
        for (let i = 0; i < 20; i++) {
          const value = a();
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThan(1);
          expect(b()).toBe(value);
        }
      }),
    );
  });

  it('spreads values evenly', () => {
    const rng = createSeededRng(42);
    const bins = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) bins[Math.floor(rng() * 10)]! += 1;
    for (const count of bins) expect(Math.abs(count - 1000)).toBeLessThan(150);
    expect(createSeededRng(1)()).not.toBe(createSeededRng(2)());
  });
});
