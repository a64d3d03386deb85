import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVerdictRows, getMedian, getPolicyMetric } from '../../../src/report/verdict.js';
import type { ResultsFile } from '../../../src/results/types.js';
import { loadFixture } from './load-fixture.js';

describe('getMedian', () => {
  it.each([
    [[], Number.NaN],
    [[3], 3],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[1, Number.NaN, 5], 3],
  ])('median of %j is %d', (values, expected) => {
    expect(getMedian(values)).toBe(expected);
  });

  it('lies between the smallest and the largest value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 1 }), (values) => {
        const median = getMedian(values);
        expect(median).toBeGreaterThanOrEqual(Math.min(...values));
        expect(median).toBeLessThanOrEqual(Math.max(...values));
      }),
    );
  });
});

describe('buildVerdictRows', () => {
  it('reads medians from the summaries, errors from the runs, and gate tallies per policy', async () => {
    const rows = buildVerdictRows(await loadFixture('slow-pod-repetitions-partial'));
    expect(rows.map((row) => [row.policy, row.repetitions, row.gatesPassed, row.gatesFailed])).toEqual([
      ['ROUND_ROBIN', 3, 1, 0],
      ['LEAST_REQUEST', 3, 1, 1],
      ['RANDOM', 0, 0, 1],
    ]);
    expect(rows[1]?.values.max_over_mean).toBeCloseTo(1.23153, 5);
    expect(rows[1]?.values.errors).toBe(0);
    expect(rows[2]?.values).toEqual({});
  });

  it('marks the best shown value per column, all ties, and nothing when every row ties', async () => {
    const rows = buildVerdictRows(await loadFixture('quickstart-3-policies'));
    const marked = rows.map((row) => [...row.best].sort());
    expect(marked).toEqual([
      ['chi2_pvalue', 'cv', 'cv_over_null', 'max_over_mean', 'min_over_mean', 'p99_ms'],
      ['max_over_mean', 'min_over_mean'],
      ['rps'],
    ]);
  });

  it('falls back to the median of the runs when a policy has no summary', async () => {
    const results = await loadFixture('slow-pod-repetitions-partial');
    const withoutSummaries: ResultsFile = { ...results, summaries: [] };
    const values = results.runs.filter((run) => run.row === 'LEAST_REQUEST').map((run) => run.metrics.cv);
    expect(getPolicyMetric(withoutSummaries, 'LEAST_REQUEST', 'cv')).toBe(getMedian(values));
    expect(buildVerdictRows(withoutSummaries)[1]?.values.cv).toBe(getMedian(values));
  });
});
