import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../../src/gates/evaluate-gates.js';
import { parseGate } from '../../../src/gates/parse-gate.js';
import type { RunRecord } from '../../../src/results/types.js';
import type { RunMetrics } from '../../../src/stats/types.js';
import { buildMetricSummary, buildPolicySummary } from './gate-fixtures.js';

const gate = (expression: string) => parseGate({ row: '*', expression, origin: 'scenario' });

const RESULTS = {
  runs: [],
  summaries: [
    buildPolicySummary('ROUND_ROBIN', { jain: [0.9999, 0.9998, 1], cv: [0.001, 0.002, 0.003] }),
    buildPolicySummary('RANDOM', {
      cv: buildMetricSummary([0.01, 0.05, 0.02, 0.03, 0.04], { low: 0.015, high: 0.045 }),
      null_cv: [0.012, 0.012, 0.012, 0.012, 0.012],
      error_rate: [0, 0, 0.002, 0, 0],
    }),
  ],
};

describe('evaluateGates', () => {
  it('compares the median by default and reports value, threshold and verdict', () => {
    const [passed, failed] = evaluateGates(
      [gate('ROUND_ROBIN: jain >= 0.9999'), gate('ROUND_ROBIN: cv < 0.002')],
      RESULTS,
    );
    expect(passed).toEqual({
      gate: 'ROUND_ROBIN: jain >= 0.9999',
      row: 'ROUND_ROBIN',
      metric: 'jain',
      value: 0.9999,
      threshold: 0.9999,
      operator: '>=',
      passed: true,
      baselineValue: undefined,
      error: undefined,
    });
    expect(failed).toMatchObject({ value: 0.002, threshold: 0.002, passed: false, error: undefined });
  });

  it.each([
    ['RANDOM: p95(cv) <= 0.05', 0.05, true],
    ['RANDOM: p50(cv) <= 0.03', 0.03, true],
    ['RANDOM: p20(cv) < 0.01', 0.01, false],
    ['RANDOM: ci_high(cv) <= 0.04', 0.045, false],
    ['RANDOM: ci_low(cv) >= 0.015', 0.015, true],
    ['RANDOM: max(error_rate) == 0', 0.002, false],
    ['RANDOM: median(error_rate) == 0', 0, true],
  ])('%s reduces the repetitions to %d', (expression, value, passed) => {
    expect(evaluateGates([gate(expression)], RESULTS)[0]).toMatchObject({ value, passed });
  });

  it('evaluates metrics of the same row on the right-hand side', () => {
    const [result] = evaluateGates([gate('RANDOM: p95(cv) <= 3 * null_cv + 0.01')], RESULTS);
    expect(result?.threshold).toBeCloseTo(0.046, 12);
    expect(result).toMatchObject({ value: 0.05, passed: false });
  });

  it('applies a * gate to every row in the results, in their order', () => {
    const results = evaluateGates([gate('*: cv <= 0.01')], RESULTS);
    expect(results.map((result) => [result.row, result.gate, result.value, result.passed])).toEqual([
      ['ROUND_ROBIN', '*: cv <= 0.01', 0.002, true],
      ['RANDOM', '*: cv <= 0.01', 0.03, false],
    ]);
  });

  it('fails a gate whose row is absent, or that has nothing to apply to', () => {
    expect(evaluateGates([gate('MAGLEV: cv <= 1')], RESULTS)[0]).toMatchObject({
      row: 'MAGLEV',
      passed: false,
      error: 'no results for row MAGLEV; the rows are: ROUND_ROBIN, RANDOM',
    });
    expect(evaluateGates([gate('cv <= 1')], { runs: [], summaries: [] })[0]).toMatchObject({
      row: '*',
      passed: false,
      error: 'the results hold no row to apply it to',
    });
  });

  it('compares with a baseline and records the baseline value', () => {
    const baseline = { summaries: [buildPolicySummary('RANDOM', { cv: [0.02, 0.03, 0.04] })] };
    const [result] = evaluateGates([gate('RANDOM: cv <= baseline.cv * 1.10 + 0.005')], RESULTS, baseline);
    expect(result).toMatchObject({ value: 0.03, baselineValue: 0.03, passed: true, error: undefined });
    expect(result?.threshold).toBeCloseTo(0.038, 12);
    const [p95] = evaluateGates([gate('RANDOM: p95(cv) <= p95(baseline.cv)')], RESULTS, baseline);
    expect(p95).toMatchObject({ value: 0.05, threshold: 0.04, baselineValue: 0.04, passed: false });
  });

  it('fails baseline gates when the baseline or its row is missing', () => {
    const expression = 'RANDOM: cv <= baseline.cv';
    expect(evaluateGates([gate(expression)], RESULTS)[0]).toMatchObject({
      passed: false,
      value: 0.03,
      error: 'it refers to baseline.<metric> but no baseline results were given',
    });
    const baseline = { summaries: [buildPolicySummary('ROUND_ROBIN', {})] };
    expect(evaluateGates([gate(expression)], RESULTS, baseline)[0]).toMatchObject({
      passed: false,
      error: 'the baseline has no results for row RANDOM; its rows are: ROUND_ROBIN',
    });
  });

  it('fails a gate whose threshold is not finite', () => {
    expect(evaluateGates([gate('RANDOM: cv <= 1 / (null_cv - null_cv)')], RESULTS)[0]).toMatchObject({
      passed: false,
      value: 0.03,
      error:
        'the value or threshold is not a finite number (a metric missing from the results, or a division by zero)',
    });
  });

  it('summarises a row that only has runs', () => {
    const metrics = RESULTS.summaries[0]!.metrics;
    const runMetrics = (cv: number): RunMetrics =>
      Object.fromEntries(
        Object.entries(metrics).map(([name]) => [name, name === 'cv' ? cv : 0]),
      ) as RunMetrics;
    // Only the fields the evaluator reads.
    const runs = [0.1, 0.3, 0.2].map(
      (cv) => ({ row: 'MAGLEV', metrics: runMetrics(cv) }) as unknown as RunRecord,
    );
    const [result] = evaluateGates([gate('MAGLEV: cv <= 0.2')], { runs, summaries: [] });
    expect(result).toMatchObject({ row: 'MAGLEV', value: 0.2, passed: true });
  });

  it('passes `m <= x` exactly when the value is ≤ x', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 9 }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        (values, threshold) => {
          const summaries = [buildPolicySummary('RANDOM', { rps: values })];
          const [result] = evaluateGates([gate(`RANDOM: rps <= ${threshold}`)], { runs: [], summaries });
          const median = summaries[0]!.metrics.rps.median;
          expect(result?.threshold).toBe(threshold === 0 ? 0 : threshold);
          expect(result?.passed).toBe(median <= threshold);
        },
      ),
    );
  });
});

describe('evaluateGates on event metrics', () => {
  const results = {
    runs: [],
    summaries: [
      buildPolicySummary('ROUND_ROBIN', { convergence_ms: [250, 500, 1250], removed_traffic_ms: [750] }),
      buildPolicySummary('RANDOM', {
        convergence_ms: {
          median: Number.NaN,
          values: [250, Number.NaN],
          ci: { level: 0.95, low: Number.NaN, high: Number.NaN },
        },
      }),
    ],
  };

  it.each([
    ['ROUND_ROBIN: convergence_ms <= 1000', 500, true],
    ['ROUND_ROBIN: max(convergence_ms) <= 1000', 1250, false],
    ['ROUND_ROBIN: removed_traffic_ms <= 2500', 750, true],
  ])('%s reads the worst event per run, reduced over repetitions', (expression, value, passed) => {
    expect(evaluateGates([gate(expression)], results)[0]).toMatchObject({ value, passed, error: undefined });
  });

  it('fails a gate on an event metric without a value and says why', () => {
    const [result] = evaluateGates([gate('RANDOM: convergence_ms <= 1000')], results);
    expect(result).toMatchObject({ passed: false });
    expect(result?.error).toMatch(
      /^convergence_ms has no value: a repetition had no scale-up event, or its new pods/,
    );
  });
});
