import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeDistribution } from '../../../src/stats/distribution.js';

const countsArbitrary = fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 50 });

describe('computeDistribution', () => {
  it('describes a perfectly even spread', () => {
    const stats = computeDistribution([100, 100, 100, 100]);
    expect(stats).toMatchObject({
      pods: 4,
      total: 400,
      shares: [0.25, 0.25, 0.25, 0.25],
      mean: 100,
      stddev: 0,
      cv: 0,
      jain: 1,
      maxOverMean: 1,
      minOverMean: 1,
      zeroHitPods: 0,
      chi2: 0,
      chi2PValue: 1,
      cvOverNull: 0,
    });
    expect(stats.nullCv).toBeCloseTo(Math.sqrt(3 / 400), 12);
  });

  it('computes every statistic of a skewed spread by hand', () => {
    // counts 10, 20, 30: mean 20, squared deviations 100 + 0 + 100, σ = sqrt(200/3).
    const stats = computeDistribution([10, 20, 30]);
    const sigma = Math.sqrt(200 / 3);
    expect(stats.shares).toEqual([10 / 60, 20 / 60, 30 / 60]);
    expect(stats.stddev).toBeCloseTo(sigma, 12);
    expect(stats.cv).toBeCloseTo(sigma / 20, 12);
    expect(stats.jain).toBeCloseTo(3600 / (3 * 1400), 12);
    expect(stats.maxOverMean).toBe(1.5);
    expect(stats.minOverMean).toBe(0.5);
    expect(stats.chi2).toBeCloseTo(10, 12);
    expect(stats.chi2PValue).toBeCloseTo(Math.exp(-5), 10);
    expect(stats.nullCv).toBeCloseTo(Math.sqrt(2 / 60), 12);
    expect(stats.cvOverNull).toBeCloseTo(sigma / 20 / Math.sqrt(2 / 60), 12);
  });

  it('counts zero-hit pods and gives them a zero share', () => {
    const stats = computeDistribution([50, 0, 50, 0]);
    expect(stats.zeroHitPods).toBe(2);
    expect(stats.minOverMean).toBe(0);
    expect(stats.maxOverMean).toBe(2);
    expect(stats.jain).toBe(0.5);
    expect(stats.chi2PValue).toBeLessThan(1e-20);
  });

  it.each([
    ['no pods', [], { pods: 0, total: 0, shares: [], zeroHitPods: 0 }],
    ['no requests', [0, 0, 0], { pods: 3, total: 0, shares: [0, 0, 0], zeroHitPods: 3 }],
    ['one pod', [42], { pods: 1, total: 42, shares: [1], zeroHitPods: 0, mean: 42 }],
  ])('returns finite neutral values for %s', (_name, counts, expected) => {
    const stats = computeDistribution(counts);
    expect(stats).toMatchObject({
      ...expected,
      cv: 0,
      jain: 1,
      maxOverMean: 1,
      minOverMean: 1,
      chi2: 0,
      chi2PValue: 1,
      nullCv: 0,
      cvOverNull: 0,
    });
    expect(JSON.stringify(stats)).not.toMatch(/:null|NaN|Infinity/);
  });

  it.each([[[1, -1]], [[1, Number.NaN]], [[Infinity]]])('rejects invalid counts %j', (counts) => {
    expect(() => computeDistribution(counts)).toThrow('request counts must be finite and ≥ 0');
  });

  it('keeps Jain = 1/(1+CV²), χ² = CV²·N and Jain in [1/n, 1]', () => {
    fc.assert(
      fc.property(countsArbitrary, (counts) => {
        const stats = computeDistribution(counts);
        expect(stats.jain).toBeCloseTo(1 / (1 + stats.cv ** 2), 9);
        expect(stats.chi2).toBeCloseTo(stats.cv ** 2 * stats.total, 6);
        expect(stats.jain).toBeLessThanOrEqual(1 + 1e-12);
        expect(stats.jain).toBeGreaterThanOrEqual(1 / counts.length - 1e-12);
        expect(stats.minOverMean).toBeLessThanOrEqual(stats.maxOverMean);
      }),
    );
  });

  it('has shares summing to 1 and is invariant to scaling the counts', () => {
    fc.assert(
      fc.property(countsArbitrary, fc.integer({ min: 2, max: 100 }), (counts, factor) => {
        const stats = computeDistribution(counts);
        const scaled = computeDistribution(counts.map((count) => count * factor));
        if (stats.total > 0) {
          expect(stats.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        }
        expect(scaled.cv).toBeCloseTo(stats.cv, 9);
        expect(scaled.jain).toBeCloseTo(stats.jain, 9);
        expect(scaled.nullCv).toBeCloseTo(stats.nullCv / Math.sqrt(factor), 9);
      }),
    );
  });

  it('never produces a non-finite number', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 5 }), (counts) => {
        const stats = computeDistribution(counts);
        for (const value of Object.values(stats)) {
          if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
        }
      }),
    );
  });
});
