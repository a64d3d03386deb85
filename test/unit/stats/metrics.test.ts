import { describe, expect, it } from 'vitest';
import { computeRunMetrics, summarizeRow } from '../../../src/stats/metrics.js';
import { createSeededRng } from '../../../src/stats/seeded-rng.js';
import { METRIC_NAMES } from '../../../src/stats/types.js';
import type { LatencySummary } from '../../../src/stats/types.js';

const LATENCY: LatencySummary = {
  minMs: 0.5,
  meanMs: 2,
  p50Ms: 1.5,
  p90Ms: 3,
  p99Ms: 7,
  p999Ms: 12,
  maxMs: 20,
  resolutionMs: 1,
};

const NO_EVENTS = {
  rateFairness: { rateJain: 1, rateCv: 0 },
  eventMetrics: {
    convergence_ms: Number.NaN,
    errors_after_kill: Number.NaN,
    removed_traffic_ms: Number.NaN,
    slow_share_before: Number.NaN,
    slow_share_after: Number.NaN,
  },
};

describe('computeRunMetrics', () => {
  it('maps distribution, latency and throughput into the metric names', () => {
    const metrics = computeRunMetrics({
      counts: [100, 100, 100],
      latency: LATENCY,
      responses: 310,
      errors: 31,
      durationMs: 2000,
      slowPodShare: 0.25,
      ...NO_EVENTS,
    });
    expect(Object.keys(metrics).sort()).toEqual([...METRIC_NAMES].sort());
    expect(metrics).toMatchObject({
      jain: 1,
      cv: 0,
      cv_over_null: 0,
      max_over_mean: 1,
      min_over_mean: 1,
      zero_hit_pods: 0,
      chi2: 0,
      chi2_pvalue: 1,
      p50_ms: 1.5,
      p90_ms: 3,
      p99_ms: 7,
      p999_ms: 12,
      max_ms: 20,
      rps: 155,
      error_rate: 0.1,
      requests: 300,
      slow_pod_share: 0.25,
    });
    expect(metrics.null_cv).toBeCloseTo(Math.sqrt(2 / 300), 12);
  });

  it.each([
    [0, 0, 0],
    [0, 5, 1],
    [10, 20, 1],
  ])('error rate of %d responses and %d errors is %d', (responses, errors, expected) => {
    const metrics = computeRunMetrics({
      counts: [1],
      latency: LATENCY,
      responses,
      errors,
      durationMs: 0,
      slowPodShare: 0,
      ...NO_EVENTS,
    });
    expect(metrics.error_rate).toBe(expected);
    expect(metrics.rps).toBe(0);
  });
});

describe('summarizeRow', () => {
  const runs = [0.9, 0.95, 0.97, 0.99, 0.92].map((jain, i) => ({
    ...computeRunMetrics({
      counts: [10, 10],
      latency: LATENCY,
      responses: 20,
      errors: 0,
      durationMs: 1000,
      slowPodShare: 0,
      ...NO_EVENTS,
    }),
    jain,
    p99_ms: 10 + i,
  }));

  it('gives every metric its values, median and a bootstrap CI of the median', () => {
    const summary = summarizeRow('RANDOM', runs, createSeededRng(1), { resamples: 500 });
    expect(summary.row).toBe('RANDOM');
    expect(summary.repetitions).toBe(5);
    expect(Object.keys(summary.metrics).sort()).toEqual([...METRIC_NAMES].sort());
    expect(summary.metrics.jain.values).toEqual([0.9, 0.95, 0.97, 0.99, 0.92]);
    expect(summary.metrics.jain.median).toBe(0.95);
    expect(summary.metrics.jain.ci.level).toBe(0.95);
    expect(summary.metrics.jain.ci.low).toBeLessThanOrEqual(0.95);
    expect(summary.metrics.jain.ci.high).toBeGreaterThanOrEqual(0.95);
    expect(summary.metrics.p99_ms.median).toBe(12);
    expect(summary.metrics.rps.ci).toEqual({ level: 0.95, low: 20, high: 20 });
  });

  it('is reproducible from the seed and degenerate for one run', () => {
    const a = summarizeRow('RANDOM', runs, createSeededRng(5));
    const b = summarizeRow('RANDOM', runs, createSeededRng(5));
    expect(b).toEqual(a);
    const single = summarizeRow('ROUND_ROBIN', [runs[0]!], createSeededRng(5));
    expect(single.metrics.jain.ci).toEqual({ level: 0.95, low: 0.9, high: 0.9 });
  });

  it('throws without runs', () => {
    expect(() => summarizeRow('RANDOM', [], createSeededRng(1))).toThrow(
      'cannot summarise row RANDOM: no runs',
    );
  });
});

describe('summarizeRow with event metrics', () => {
  const base = computeRunMetrics({
    counts: [10, 10],
    latency: LATENCY,
    responses: 20,
    errors: 0,
    durationMs: 1000,
    slowPodShare: 0,
    ...NO_EVENTS,
  });

  it.each([
    { name: 'every repetition has the event', values: [500, 250, 1000], median: 500 },
    { name: 'a repetition never converged', values: [500, Number.NaN, 1000], median: Number.NaN },
    { name: 'no repetition had the event', values: [Number.NaN, Number.NaN], median: Number.NaN },
  ])('gives the median only when $name', ({ values, median }) => {
    const runs = values.map((value) => ({ ...base, convergence_ms: value }));
    const summary = summarizeRow('ROUND_ROBIN', runs, createSeededRng(1), { resamples: 100 });
    expect(summary.metrics.convergence_ms.median).toEqual(median);
    expect(summary.metrics.convergence_ms.values).toEqual(values);
    if (Number.isNaN(median)) expect(summary.metrics.convergence_ms.ci.low).toBeNaN();
  });
});
