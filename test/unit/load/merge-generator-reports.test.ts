import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { LoadTotals } from '../../../src/load/generator-report.js';
import { LOAD_COUNT_NAMES } from '../../../src/load/generator-report.js';
import { decodeLatencyHistogram, summarizeLatencyHistogram } from '../../../src/load/latency-histogram.js';
import { mergeGeneratorReports, mergeLoadTotals } from '../../../src/load/merge-generator-reports.js';
import { createGeneratorReport, encodeLatencies } from './generator-report-fixture.js';

const countArb = fc.nat({ max: 1_000_000 });

const totalsArb: fc.Arbitrary<LoadTotals> = fc
  .record({
    connections: fc.integer({ min: 1, max: 100 }),
    rateRps: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: null }),
    measureStartMs: fc.integer({ min: 0, max: 10_000 }),
    lengthMs: fc.integer({ min: 0, max: 10_000 }),
    counts: fc.record(Object.fromEntries(LOAD_COUNT_NAMES.map((name) => [name, countArb]))),
    podTally: fc.dictionary(fc.constantFrom('myapp-a', 'myapp-b', 'myapp-c'), countArb),
    latenciesMs: fc.array(fc.double({ min: 0.001, max: 60_000, noNaN: true }), { maxLength: 40 }),
  })
  .map(({ lengthMs, latenciesMs, counts, ...rest }) => ({
    ...rest,
    counts: counts as unknown as LoadTotals['counts'],
    measureEndMs: rest.measureStartMs + lengthMs,
    latency: encodeLatencies(latenciesMs),
  }));

/** What a merge must preserve, with the histogram compared by its bucket counts rather than its encoding. */
function comparable(totals: LoadTotals): unknown {
  const histogram = decodeLatencyHistogram(totals.latency.histogram);
  const percentiles = [0, 10, 50, 90, 99, 99.9, 100].map((p) => histogram.getValueAtPercentile(p));
  const tally = Object.entries(totals.podTally).filter(([, count]) => count > 0);
  return {
    ...totals,
    podTally: Object.fromEntries(tally.sort(([a], [b]) => a.localeCompare(b))),
    latency: { samples: totals.latency.samples, count: histogram.totalCount, percentiles },
  };
}

describe('mergeLoadTotals', () => {
  it('is associative', () => {
    fc.assert(
      fc.property(totalsArb, totalsArb, totalsArb, (a, b, c) => {
        const left = mergeLoadTotals(mergeLoadTotals(a, b), c);
        const right = mergeLoadTotals(a, mergeLoadTotals(b, c));
        expect(comparable(left)).toEqual(comparable(right));
      }),
      { numRuns: 60 },
    );
  });

  it('is commutative', () => {
    fc.assert(
      fc.property(totalsArb, totalsArb, (a, b) => {
        expect(comparable(mergeLoadTotals(a, b))).toEqual(comparable(mergeLoadTotals(b, a)));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps every count: counts, tallies and latency samples add up, the window is the union', () => {
    fc.assert(
      fc.property(totalsArb, totalsArb, (a, b) => {
        const merged = mergeLoadTotals(a, b);
        for (const name of LOAD_COUNT_NAMES)
          expect(merged.counts[name]).toBe(a.counts[name] + b.counts[name]);
        const tallyOf = (totals: LoadTotals): number =>
          Object.values(totals.podTally).reduce((sum, count) => sum + count, 0);
        expect(tallyOf(merged)).toBe(tallyOf(a) + tallyOf(b));
        expect(merged.latency.samples).toBe(a.latency.samples + b.latency.samples);
        expect(decodeLatencyHistogram(merged.latency.histogram).totalCount).toBe(merged.latency.samples);
        expect(merged.connections).toBe(a.connections + b.connections);
        expect(merged.measureStartMs).toBe(Math.min(a.measureStartMs, b.measureStartMs));
        expect(merged.measureEndMs).toBe(Math.max(a.measureEndMs, b.measureEndMs));
      }),
      { numRuns: 60 },
    );
  });
});

describe('mergeGeneratorReports', () => {
  it('merges histograms, not percentiles: the merged p50 is that of all responses together', () => {
    // Generator 0 is fast (0.4 ms × 3), generator 1 slow (10 ms × 1): averaging p50s would give 5.2 ms.
    const merged = mergeGeneratorReports([
      createGeneratorReport(0, 2, [0.4, 0.4, 0.4]),
      createGeneratorReport(1, 2, [10]),
    ]);
    const summary = summarizeLatencyHistogram(decodeLatencyHistogram(merged.latency.histogram));
    expect(summary.p50Ms).toBeCloseTo(0.4, 3);
    expect(summary.maxMs).toBeCloseTo(10, 1);
    expect(merged).toMatchObject({
      generatorCount: 2,
      connections: 20,
      counts: { status2xx: 4, responses: 6, untallied: 2 },
      podTally: { 'myapp-0': 3, 'myapp-1': 1 },
      startSpreadMs: 1,
    });
  });

  it('gives one generator its own totals back', () => {
    const report = createGeneratorReport(0, 1);
    const merged = mergeGeneratorReports([report]);
    expect(merged.counts).toEqual(report.counts);
    expect(merged.latency).toEqual(report.latency);
  });

  it.each([
    ['no report', [], /no load generator reported/],
    [
      'a missing generator',
      [createGeneratorReport(0, 3), createGeneratorReport(2, 3)],
      /no report from generator\(s\) 1/,
    ],
    [
      'a repeated generator',
      [createGeneratorReport(0, 2), createGeneratorReport(0, 2)],
      /no report from generator\(s\) 1/,
    ],
    [
      'another generator count',
      [createGeneratorReport(0, 2), createGeneratorReport(1, 3)],
      /generator 1 ran as 1\/3/,
    ],
    [
      'another start time',
      [createGeneratorReport(0, 2), createGeneratorReport(1, 2, undefined, { startAtMs: 5 })],
      /generator 1 waited for start time 5/,
    ],
  ])('refuses %s', (_name, reports, message) => {
    expect(() => mergeGeneratorReports(reports)).toThrow(message);
  });
});
