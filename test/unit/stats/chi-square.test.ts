import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chi2Cdf,
  chi2PValue,
  chi2Quantile,
  logGamma,
  regularizedGammaQ,
} from '../../../src/stats/chi-square.js';

describe('logGamma', () => {
  it.each([
    [1, 0],
    [2, 0],
    [5, Math.log(24)],
    [0.5, Math.log(Math.sqrt(Math.PI))],
    [10.5, Math.log(1133278.388948786)],
    [100, 359.1342053695754],
  ])('ln Γ(%d)', (x, expected) => {
    expect(logGamma(x)).toBeCloseTo(expected, 10);
  });
});

describe('chi2PValue', () => {
  // Critical values from standard chi-square tables.
  it.each([
    [3.841459, 1, 0.05],
    [6.634897, 1, 0.01],
    [5.991465, 2, 0.05],
    [11.070498, 5, 0.05],
    [15.086272, 5, 0.01],
    [16.918978, 9, 0.05],
    [23.209251, 10, 0.01],
    [124.342113, 100, 0.05],
    [2, 2, Math.exp(-1)],
    [0.0039321, 1, 0.95],
  ])('χ²=%d with df=%d has p≈%d', (chi2, df, p) => {
    expect(chi2PValue(chi2, df)).toBeCloseTo(p, 6);
  });

  it.each([
    [0, 3, 1],
    [5, 0, 1],
    [1e6, 4, 0],
  ])('edge case χ²=%d df=%d gives %d', (chi2, df, p) => {
    expect(chi2PValue(chi2, df)).toBeCloseTo(p, 12);
  });

  it('matches the closed form for df = 2: Q(1, x/2) = exp(-x/2)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 60, noNaN: true }), (x) => {
        expect(chi2PValue(x, 2)).toBeCloseTo(Math.exp(-x / 2), 10);
      }),
    );
  });

  it('is a decreasing function of χ²', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 200, noNaN: true }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        (a, b, df) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(chi2PValue(low, df)).toBeGreaterThanOrEqual(chi2PValue(high, df) - 1e-12);
        },
      ),
    );
  });

  it('rejects invalid gamma arguments', () => {
    expect(() => regularizedGammaQ(0, 1)).toThrow('a > 0');
    expect(() => regularizedGammaQ(1, -1)).toThrow('x ≥ 0');
  });
});

describe('chi2Quantile', () => {
  it.each([
    [0.95, 1, 3.841459],
    [0.99, 9, 21.665994],
    [0.005, 2, 0.010025],
    [0.5, 4, 3.356694],
    [0, 3, 0],
  ])('p=%d df=%d → %d', (p, df, expected) => {
    expect(chi2Quantile(p, df)).toBeCloseTo(expected, 5);
  });

  it('inverts the CDF', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.integer({ min: 1, max: 300 }),
        (p, df) => {
          expect(chi2Cdf(chi2Quantile(p, df), df)).toBeCloseTo(p, 8);
        },
      ),
    );
  });

  it.each([
    [1, 2],
    [-0.1, 2],
    [0.5, 0],
  ])('rejects p=%d df=%d', (p, df) => {
    expect(() => chi2Quantile(p, df)).toThrow('chi2Quantile needs');
  });
});
