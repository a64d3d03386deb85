import { describe, expect, it } from 'vitest';
import type { ResultsFile, RunRecord } from '../../../src/results/types.js';
import type { ScenarioEvent } from '../../../src/scenario/types.js';
import { renderKeysSection } from '../../../src/report/html-keys.js';
import { renderSummaryMarkdown } from '../../../src/report/summary-md.js';
import { buildKeysMovedPoints } from '../../../src/report/spec-data-keys.js';
import { buildKeysMovedSpec } from '../../../src/report/spec-keys.js';
import { buildReportCharts } from '../../../src/report/spec.js';
import { computeKeyFigures } from '../../../src/stats/key-metrics.js';
import { loadFixture } from './load-fixture.js';

/** The events-sim fixture (slow at 1 s, scale 3 → 4 at 2 s, kill at 3 s) with a key tally on every run. */
async function loadKeyedFixture(): Promise<ResultsFile> {
  const results = await loadFixture('events-sim');
  const withKeys = (run: RunRecord, movedAtScale: boolean): RunRecord => {
    const keyFigures = computeKeyFigures(
      {
        boundariesMs: [2000, 3000],
        periods: [
          { 'user-1': { a: 4 }, 'user-2': { b: 2 } },
          { 'user-1': { [movedAtScale ? 'd' : 'a']: 4 }, 'user-2': { b: 2 } },
          { 'user-1': { c: 3 }, 'user-2': { b: 1 } },
        ],
      },
      results.scenario.events,
    );
    return {
      ...run,
      keyFigures,
      metrics: { ...run.metrics, key_affinity: 1, keys_moved: 0.5, hot_pod_share: keyFigures.hotPodShare },
    };
  };
  return { ...results, runs: results.runs.map((run, index) => withKeys(run, index === 0)) };
}

/**
 * The events-sim fixture with a `fail` of pod 2 at 2.5 s and a `recover` of it at 2.8 s added, and a tally that
 * splits there too: the fail moves user-1 (its pod was ejected), the recover moves nothing.
 */
async function loadFaultFixture(): Promise<ResultsFile> {
  const results = await loadFixture('events-sim');
  const faults: readonly ScenarioEvent[] = [
    { atMs: 2500, action: 'fail', pod: 2 },
    { atMs: 2800, action: 'recover', pod: 2 },
  ];
  const events = [...results.scenario.events, ...faults].sort((a, b) => a.atMs - b.atMs);
  const withFaults = (run: RunRecord): RunRecord => ({
    ...run,
    events: [
      ...run.events,
      ...faults.map((event) => ({ ...event, appliedAtMs: event.atMs, detail: '' })),
    ].sort((a, b) => a.atMs - b.atMs),
    keyFigures: computeKeyFigures(
      {
        boundariesMs: [2000, 2500, 2800, 3000],
        periods: [
          { 'user-1': { a: 4 }, 'user-2': { b: 2 } },
          { 'user-1': { a: 4 }, 'user-2': { b: 2 } },
          { 'user-1': { d: 4 }, 'user-2': { b: 2 } },
          { 'user-1': { d: 4 }, 'user-2': { b: 2 } },
          { 'user-1': { d: 3 }, 'user-2': { b: 1 } },
        ],
      },
      events,
    ),
  });
  return { ...results, scenario: { ...results.scenario, events }, runs: results.runs.map(withFaults) };
}

describe('the keys part of the report', () => {
  it('has a keys-moved bar per run and host-set event, with the least share a consistent hash moves', async () => {
    const points = buildKeysMovedPoints(await loadKeyedFixture());
    expect(points.map((point) => [point.policy, point.event, point.share, point.minimalShare])).toEqual([
      ['ROUND_ROBIN', 'scale → 4 at 2 s', 0.5, 0.25],
      ['ROUND_ROBIN', 'kill #1 at 3 s', 0.5, 0.25],
      ['LEAST_REQUEST', 'scale → 4 at 2 s', 0, 0.25],
      ['LEAST_REQUEST', 'kill #1 at 3 s', 0.5, 0.25],
    ]);
  });

  it('labels pod faults as no host-set change, with no consistent-hash minimum', async () => {
    const points = buildKeysMovedPoints(await loadFaultFixture());
    expect(
      points
        .filter((point) => point.policy === 'ROUND_ROBIN')
        .map((point) => [point.event, point.isHostSetChange, point.share, point.minimalShare]),
    ).toEqual([
      ['scale → 4 at 2 s', true, 0, 0.25],
      ['fail #2 at 2.5 s (no host-set change)', false, 0.5, undefined],
      ['recover #2 at 2.8 s (no host-set change)', false, 0, undefined],
      ['kill #1 at 3 s', true, 0, 0.25],
    ]);
  });

  it('charts keys moved only for results with keys', async () => {
    const keyed = await loadKeyedFixture();
    expect(buildReportCharts(keyed).map((chart) => chart.id)).toContain('chart-keys-moved');
    expect(buildReportCharts(await loadFixture('events-sim')).map((chart) => chart.id)).not.toContain(
      'chart-keys-moved',
    );
    expect(buildKeysMovedSpec(keyed)).toMatchSnapshot();
  });

  it('explains each key metric in one line, and says when there are no keys', async () => {
    const html = renderKeysSection(await loadKeyedFixture());
    for (const name of ['key_affinity', 'keys_moved', 'hot_pod_share'])
      expect(html).toContain(`<code>${name}</code>:`);
    expect(html).toContain('RANDOM');
    expect(renderKeysSection(await loadFixture('events-sim'))).toContain('sends no keys');
  });

  it('adds a Keys table to summary.md only for results with keys', async () => {
    const summary = renderSummaryMarkdown(await loadKeyedFixture());
    expect(summary).toContain('| ROUND\\_ROBIN | 1.000 | 0.500 |');
    expect(summary).toContain('- `keys_moved`: per host-set change');
    expect(renderSummaryMarkdown(await loadFixture('events-sim'))).not.toContain('### Keys');
  });
});
