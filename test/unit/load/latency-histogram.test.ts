import { describe, expect, it } from 'vitest';

import {
  addLatencyHistograms,
  createLatencyHistogram,
  decodeLatencyHistogram,
  encodeLatencyHistogram,
  recordLatencyMs,
  summarizeLatencyHistogram,
} from '../../../src/load/latency-histogram.js';

function histogramOf(latenciesMs: readonly number[]): ReturnType<typeof createLatencyHistogram> {
  const histogram = createLatencyHistogram();
  for (const latencyMs of latenciesMs) recordLatencyMs(histogram, latencyMs);
  return histogram;
}

describe('latency histogram (µs)', () => {
  it('keeps sub-millisecond response times apart instead of rounding them to 0 or 1 ms', () => {
    const summary = summarizeLatencyHistogram(histogramOf([0.41, 0.41, 0.41, 0.55, 0.9]));
    expect(summary.p50Ms).toBeCloseTo(0.41, 3);
    expect(summary.minMs).toBeCloseTo(0.41, 3);
    expect(summary.maxMs).toBeCloseTo(0.9, 3);
    expect(summary.resolutionMs).toBe(0.001);
  });

  it('stays within 1 µs or 0.1 % of each value, from 1 µs to a minute (3 significant digits)', () => {
    for (const latencyMs of [0.001, 0.0375, 0.4123, 7.777, 1234.5, 60_000]) {
      const summary = summarizeLatencyHistogram(histogramOf([latencyMs]));
      expect(Math.abs(summary.p50Ms - latencyMs)).toBeLessThanOrEqual(Math.max(0.001 * latencyMs, 0.000_501));
    }
  });

  it('decodes what it encodes, and the decoded histogram still grows past its old range', () => {
    const decoded = decodeLatencyHistogram(encodeLatencyHistogram(histogramOf([0.2, 3, 40])));
    expect(decoded.totalCount).toBe(3);
    recordLatencyMs(decoded, 3_600_000);
    expect(summarizeLatencyHistogram(decoded).maxMs).toBeGreaterThan(3_590_000);
  });

  it('adds histograms count for count, leaving the inputs unchanged', () => {
    const a = histogramOf([0.3, 0.4]);
    const b = histogramOf([5]);
    const sum = addLatencyHistograms([a, b]);
    expect(sum.totalCount).toBe(3);
    expect(a.totalCount).toBe(2);
    expect(summarizeLatencyHistogram(sum).maxMs).toBeCloseTo(5, 2);
  });

  it('summarizes an empty histogram as zeros', () => {
    expect(summarizeLatencyHistogram(createLatencyHistogram())).toEqual({
      minMs: 0,
      meanMs: 0,
      p50Ms: 0,
      p90Ms: 0,
      p99Ms: 0,
      p999Ms: 0,
      maxMs: 0,
      resolutionMs: 0.001,
    });
  });
});
