import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/stats/histogram.js';
import { getPercentile, sortAscending } from '../../../src/stats/percentile.js';

function buildHistogram(valuesUs: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of valuesUs) histogram.record(value);
  return histogram;
}

const valuesArbitrary = fc.array(fc.integer({ min: 0, max: 60_000_000 }), { maxLength: 200 });

describe('LatencyHistogram', () => {
  it('is exact below 128 µs', () => {
    const histogram = buildHistogram([5, 1, 3, 2, 4]);
    expect([0, 20, 40, 60, 80, 100].map((p) => histogram.percentile(p))).toEqual([1, 1, 2, 3, 4, 5]);
    expect(histogram.count).toBe(5);
    expect(histogram.meanUs).toBe(3);
  });

  it.each([
    [128, 129],
    [1000, 1007],
    [20_000, 20_223],
    [1_500_000, 1_507_327],
  ])('puts %d µs in a bucket whose top is %d µs', (value, top) => {
    const histogram = buildHistogram([value, 1e9]);
    expect(histogram.percentile(50)).toBe(top);
  });

  it('returns 0 for an empty histogram and summarises in ms', () => {
    const empty = new LatencyHistogram();
    expect(empty.percentile(99)).toBe(0);
    expect(empty.toSummary()).toEqual({
      minMs: 0,
      meanMs: 0,
      p50Ms: 0,
      p90Ms: 0,
      p99Ms: 0,
      p999Ms: 0,
      maxMs: 0,
      resolutionMs: 0.001,
    });
    const summary = buildHistogram([1000, 2000, 3000]).toSummary();
    expect(summary).toMatchObject({ minMs: 1, maxMs: 3, meanMs: 2, p50Ms: 2.015, resolutionMs: 0.016 });
  });

  it('takes p99.9 of 1000 values from rank 999, not 1000', () => {
    const histogram = new LatencyHistogram();
    histogram.record(5, 999);
    histogram.record(100);
    expect(histogram.percentile(99.9)).toBe(5);
    expect(histogram.percentile(100)).toBe(100);
  });

  it('records a value several times and rejects bad input', () => {
    const histogram = new LatencyHistogram();
    histogram.record(10, 3);
    expect(histogram.count).toBe(3);
    expect(() => {
      histogram.record(-1);
    }).toThrow('≥ 0 µs');
    expect(() => {
      histogram.record(Number.NaN);
    }).toThrow('≥ 0 µs');
    expect(() => {
      histogram.record(1, 0);
    }).toThrow('integer ≥ 1');
    expect(() => histogram.percentile(101)).toThrow('[0, 100]');
  });

  it('keeps min ≤ p50 ≤ p99 ≤ max', () => {
    fc.assert(
      fc.property(valuesArbitrary, (values) => {
        const histogram = buildHistogram(values);
        const [p0, p50, p99, p100] = [0, 50, 99, 100].map((p) => histogram.percentile(p));
        expect(p0).toBe(histogram.minUs);
        expect(p100).toBe(histogram.maxUs);
        expect(p0! <= p50! && p50! <= p99! && p99! <= p100!).toBe(true);
      }),
    );
  });

  it('stays within 1/64 above the exact nearest-rank percentile', () => {
    fc.assert(
      fc.property(
        valuesArbitrary.filter((values) => values.length > 0),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, percent) => {
          const exact = getPercentile(sortAscending(values), percent);
          const approximate = buildHistogram(values).percentile(percent);
          expect(approximate).toBeGreaterThanOrEqual(exact);
          expect(approximate).toBeLessThanOrEqual(exact + exact / 64 + 1);
        },
      ),
    );
  });

  it('merges associatively and keeps the count', () => {
    fc.assert(
      fc.property(valuesArbitrary, valuesArbitrary, valuesArbitrary, (a, b, c) => {
        const [ha, hb, hc] = [buildHistogram(a), buildHistogram(b), buildHistogram(c)];
        const left = ha.merge(hb).merge(hc);
        const right = ha.merge(hb.merge(hc));
        expect(left.toJSON()).toEqual(right.toJSON());
        expect(left.toJSON()).toEqual(buildHistogram([...a, ...b, ...c]).toJSON());
        expect(left.count).toBe(a.length + b.length + c.length);
        expect(ha.count).toBe(a.length);
      }),
    );
  });
});
