import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  getMedian,
  getNearestRank,
  getPercentile,
  getPercentiles,
  sortAscending,
} from '../../../src/stats/percentile.js';

describe('getPercentile (nearest rank)', () => {
  const values = [15, 20, 35, 40, 50];
  it.each([
    [0, 15],
    [5, 15],
    [20, 15],
    [30, 20],
    [40, 20],
    [50, 35],
    [95, 50],
    [100, 50],
  ])('p%d of [15,20,35,40,50] is %d', (percent, expected) => {
    expect(getPercentile(values, percent)).toBe(expected);
  });

  it('does not let float noise push a whole rank to the next value', () => {
    // 99.9 / 100 * 1000 is 999.0000000000001 in binary floating point; the rank is exactly 999.
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(getPercentile(values, 99.9)).toBe(999);
    expect(getNearestRank(99.9, 2000)).toBe(1998);
    expect(getNearestRank((100 * (1 - 0.95)) / 2, 2000)).toBe(50);
    expect(getNearestRank(99.9, 1001)).toBe(1000);
    expect(getNearestRank(99.995, 99_999_999)).toBe(99_995_000);
  });

  it('throws for no values or a bad percent', () => {
    expect(() => getPercentile([], 50)).toThrow('no values');
    expect(() => getPercentile([1], 101)).toThrow('[0, 100]');
    expect(() => getPercentile([1], Number.NaN)).toThrow('[0, 100]');
  });

  it('keeps min ≤ p50 ≤ p99 ≤ max and returns observed values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }),
        (input) => {
          const [p0, p50, p99, p100] = getPercentiles(input, [0, 50, 99, 100]) as [
            number,
            number,
            number,
            number,
          ];
          expect(p0).toBe(Math.min(...input));
          expect(p100).toBe(Math.max(...input));
          expect(p0 <= p50 && p50 <= p99 && p99 <= p100).toBe(true);
          expect(input).toContain(p50);
        },
      ),
    );
  });

  it('has at least percent % of values at or below it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (input, percent) => {
          const value = getPercentile(sortAscending(input), percent);
          const atOrBelow = input.filter((x) => x <= value).length;
          expect(atOrBelow / input.length).toBeGreaterThanOrEqual(percent / 100 - 1e-12);
        },
      ),
    );
  });
});

describe('getMedian', () => {
  it.each([
    [[3], 3],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[0.9, 0.9], 0.9],
  ])('median of %j is %d', (input, expected) => {
    expect(getMedian(input)).toBe(expected);
  });

  it('does not change its input', () => {
    const input = [3, 1, 2];
    getMedian(input);
    expect(input).toEqual([3, 1, 2]);
  });

  it('throws for no values', () => {
    expect(() => getMedian([])).toThrow('no values');
  });
});
