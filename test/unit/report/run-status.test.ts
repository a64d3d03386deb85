import { describe, expect, it } from 'vitest';
import { describeCoverage, listPolicies, sortRuns } from '../../../src/report/run-status.js';
import type { ResultsFile } from '../../../src/results/types.js';
import { loadFixture } from './load-fixture.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';

describe('describeCoverage', () => {
  it.each([
    ['complete', 'Complete: all 3 runs finished.', true],
    ['interrupted', 'Interrupted: 3 of 3 runs finished.', false],
    ['failed', 'Failed: 3 of 3 runs finished.', false],
  ] as const)('describes a %s run', async (status, headline, isComplete) => {
    const results = await loadFixture('quickstart-3-policies');
    const coverage = describeCoverage({ ...results, status });
    expect(coverage.headline).toBe(headline);
    expect(coverage.isComplete).toBe(isComplete);
  });

  it('names the missing policies and repetitions of a partial run', async () => {
    const results = await loadFixture('slow-pod-repetitions-partial');
    const fewer: ResultsFile = {
      ...results,
      runs: results.runs.filter((run) => run.repetition !== 2 || run.row !== 'ROUND_ROBIN'),
    };
    const coverage = describeCoverage(fewer);
    expect(coverage.incomplete).toEqual([
      { policy: 'ROUND_ROBIN', ran: 2, expected: 3 },
      { policy: 'RANDOM', ran: 0, expected: 3 },
    ]);
    expect(coverage.headline).toBe(
      'Partial results: 5 of 9 runs finished; missing ROUND_ROBIN (2 of 3 repetitions), RANDOM (0 of 3 repetitions).',
    );
  });

  it('does not call a run complete when the status says so but runs are missing', async () => {
    const results = await loadFixture('slow-pod-repetitions-partial');
    expect(describeCoverage({ ...results, status: 'complete' })).toMatchObject({
      isComplete: false,
      headline: 'Marked complete, but 6 of 9 runs finished; missing RANDOM (0 of 3 repetitions).',
    });
  });
});

describe('ordering', () => {
  it('keeps the scenario order of policies, then policies only seen in the results', async () => {
    const results = await loadFixture('quickstart-3-policies');
    const reordered: ResultsFile = {
      ...results,
      scenario: { ...results.scenario, policies: [envoyRow('RANDOM'), envoyRow('ROUND_ROBIN')] },
    };
    expect(listPolicies(reordered)).toEqual(['RANDOM', 'ROUND_ROBIN', 'LEAST_REQUEST']);
    expect(sortRuns(reordered).map((run) => run.row)).toEqual(['RANDOM', 'ROUND_ROBIN', 'LEAST_REQUEST']);
  });
});
