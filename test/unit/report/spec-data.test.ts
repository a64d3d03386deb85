import { describe, expect, it } from 'vitest';
import { buildCrossCheckRows, NO_POD_HEADER } from '../../../src/report/spec-data-cross-check.js';
import { buildFairnessRows } from '../../../src/report/spec-data-fairness.js';
import {
  abbreviatePods,
  buildLatencyPoints,
  buildShareRows,
  type ShareRow,
} from '../../../src/report/spec-data.js';
import type { ResultsFile } from '../../../src/results/types.js';
import { loadFixture } from './load-fixture.js';

function rowsOf<K extends ShareRow['kind']>(
  rows: readonly ShareRow[],
  kind: K,
): Extract<ShareRow, { kind: K }>[] {
  return rows.filter((row): row is Extract<ShareRow, { kind: K }> => row.kind === kind);
}

describe('abbreviatePods', () => {
  it.each([
    [['myapp-7c9d-4lq2x', 'myapp-7c9d-9mz7k'], 'myapp-7c9d-', ['4lq2x', '9mz7k']],
    [['127.0.1.1:8080', '127.0.1.2:8080'], '127.0.1.', ['1:8080', '2:8080']],
    [['pod-1', 'pod-1x'], 'pod-', ['1', '1x']],
    [['only-one'], '', ['only-one']],
    [['alpha', 'beta'], '', ['alpha', 'beta']],
    [['-a', 'b'], '', ['-a', 'b']],
    [['same-', 'same-'], '', ['same-', 'same-']],
  ])('shortens %j with prefix %j', (pods, prefix, labels) => {
    const abbreviation = abbreviatePods(pods);
    expect(abbreviation.prefix).toBe(prefix);
    expect(pods.map(abbreviation.labelOf)).toEqual(labels);
  });
});

describe('buildShareRows', () => {
  it('gives shares that sum to 1 per policy and a symmetric 95% binomial band around 1/n', async () => {
    const results = await loadFixture('quickstart-3-policies');
    const rows = buildShareRows(results);
    for (const band of rowsOf(rows, 'null')) {
      const shares = rowsOf(rows, 'pooled').filter((row) => row.policy === band.policy);
      expect(shares.reduce((sum, row) => sum + row.share, 0)).toBeCloseTo(1, 12);
      expect(band.expectedShare).toBeCloseTo(1 / 3, 12);
      const halfWidth = 1.96 * Math.sqrt(((1 / 3) * (2 / 3)) / band.requests);
      expect(band.bandHigh - band.expectedShare).toBeCloseTo(halfWidth, 4);
      expect(band.expectedShare - band.bandLow).toBeCloseTo(halfWidth, 4);
    }
    expect(rowsOf(rows, 'repetition')).toEqual([]);
  });

  it('flags pods outside the band and adds one dot per pod and repetition', async () => {
    const rows = buildShareRows(await loadFixture('slow-pod-repetitions-partial'));
    const pooled = rowsOf(rows, 'pooled');
    expect(pooled.filter((row) => row.policy === 'LEAST_REQUEST').map((row) => row.band)).toEqual([
      'outside',
      'outside',
      'outside',
    ]);
    expect(pooled.filter((row) => row.policy === 'ROUND_ROBIN').map((row) => row.band)).toEqual([
      'inside',
      'inside',
      'inside',
    ]);
    expect(rowsOf(rows, 'repetition')).toHaveLength(2 * 3 * 3);
    expect(rows.some((row) => row.policy === 'RANDOM')).toBe(false);
  });
});

describe('buildLatencyPoints', () => {
  it('raises values under the resolution to it for the log axis and says so', async () => {
    const results = await loadFixture('quickstart-3-policies');
    const summaries = results.summaries.map((summary) =>
      summary.row === 'RANDOM'
        ? { ...summary, metrics: { ...summary.metrics, p50_ms: { ...summary.metrics.p50_ms, median: 0 } } }
        : summary,
    );
    const points = buildLatencyPoints({ ...results, summaries });
    expect(points.find((point) => point.policy === 'RANDOM' && point.percentile === 'p50')).toEqual({
      policy: 'RANDOM',
      percentile: 'p50',
      valueMs: 0,
      plotMs: 1,
      resolution: 'below resolution',
    });
    expect(points.filter((point) => point.resolution === 'measured')).toHaveLength(14);
  });
});

describe('buildCrossCheckRows', () => {
  it('shows client − proxy per pod and a bar for responses without a pod header', async () => {
    const results = await loadFixture('quickstart-3-policies');
    const runs = results.runs.map((run) =>
      run.row === 'RANDOM' ? { ...run, load: { ...run.load, untallied: 5 } } : run,
    );
    const rows = buildCrossCheckRows({ ...results, runs } satisfies ResultsFile);
    const deltas = rows.filter((row) => row.kind === 'delta' && row.policy === 'RANDOM');
    expect(deltas.map((row) => (row.kind === 'delta' ? [row.podLabel, row.delta, row.label] : []))).toEqual([
      ['4lq2x', -1, 'Δ −1'],
      ['9mz7k', -1, 'Δ −1'],
      ['tx5wd', -1, 'Δ −1'],
      [NO_POD_HEADER, 5, 'Δ +5'],
    ]);
    expect(
      rows
        .filter((row) => row.kind === 'delta' && row.policy === 'ROUND_ROBIN')
        .map((row) => row.kind === 'delta' && row.label),
    ).toEqual(['=', '=', '=']);
  });
});

describe('buildFairnessRows', () => {
  it('keeps each repetition and the summary CI, and drops values that are not finite', async () => {
    const results = await loadFixture('slow-pod-repetitions-partial');
    const runs = results.runs.map((run, index) =>
      index === 0 ? { ...run, metrics: { ...run.metrics, jain: Number.NaN } } : run,
    );
    const rows = buildFairnessRows({ ...results, runs });
    const jain = rows.filter((row) => row.metric.startsWith('Jain'));
    expect(jain.filter((row) => row.kind === 'value')).toHaveLength(5);
    expect(jain.filter((row) => row.kind === 'ci').map((row) => row.policy)).toEqual([
      'ROUND_ROBIN',
      'LEAST_REQUEST',
    ]);
  });
});
