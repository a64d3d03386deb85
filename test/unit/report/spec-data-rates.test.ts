import { describe, expect, it } from 'vitest';
import { buildEventMarkers, buildEventRows } from '../../../src/report/spec-data-events.js';
import { buildRateCells } from '../../../src/report/spec-data-rates.js';
import type { ResultsFile, RunRecord, TimelinePoint } from '../../../src/results/types.js';
import { loadFixture } from './load-fixture.js';

async function withTimeline(timeline: readonly TimelinePoint[]): Promise<ResultsFile> {
  const results = await loadFixture('quickstart-3-policies');
  const run = results.runs[0] as RunRecord;
  const hosts = ['a', 'b'].map((address) => ({ ...run.hosts[0]!, address, pod: address }));
  return { ...results, runs: [{ ...run, hosts, timeline }] };
}

describe('buildRateCells', () => {
  it('turns every timeline interval into req/s per pod that adds back up to the run total', async () => {
    const results = await loadFixture('slow-pod-repetitions-partial');
    const cells = buildRateCells(results);
    for (const run of results.runs) {
      const label = `${run.row} · rep #${run.repetition + 1}`;
      const mine = cells.filter((cell) => cell.run === label);
      expect(mine).toHaveLength(run.timeline.length * run.hosts.length);
      expect(mine.reduce((sum, cell) => sum + cell.requests, 0)).toBe(run.distribution.total);
      for (const cell of mine) {
        expect(cell.rateRps * (cell.tEndS - cell.tStartS)).toBeCloseTo(cell.requests, 6);
      }
    }
  });

  it.each([
    {
      name: 'draws a partial last interval as a rate: up to when its requests ran out at the previous rate',
      last: { tMs: 2000, rqTotal: { a: 25, b: 25 } },
      expected: { tEndS: 1.25, rateRps: 100 },
    },
    {
      name: 'keeps a full last interval as it is',
      last: { tMs: 2000, rqTotal: { a: 100, b: 100 } },
      expected: { tEndS: 2, rateRps: 100 },
    },
  ])('$name', async ({ last, expected }) => {
    const cells = buildRateCells(await withTimeline([{ tMs: 1000, rqTotal: { a: 100, b: 100 } }, last]));
    const tail = cells.filter((cell) => cell.tStartS === 1);
    expect(tail.map((cell) => cell.pod)).toEqual(['a', 'b']);
    for (const cell of tail) expect(cell).toMatchObject(expected);
  });

  it('leaves out a last interval without any request (the load had stopped)', async () => {
    const cells = buildRateCells(
      await withTimeline([
        { tMs: 1000, rqTotal: { a: 100, b: 100 } },
        { tMs: 1040, rqTotal: { a: 0, b: 0 } },
      ]),
    );
    expect(cells.map((cell) => cell.tEndS)).toEqual([1, 1]);
  });
});

describe('event markers and rows', () => {
  it('marks each applied event of each run and lists its figures', async () => {
    const base = await withTimeline([{ tMs: 1000, rqTotal: { a: 100, b: 100 } }]);
    const run = base.runs[0] as RunRecord;
    const results: ResultsFile = {
      ...base,
      runs: [
        {
          ...run,
          events: [{ atMs: 500, action: 'kill', pod: 1, appliedAtMs: 510, detail: 'killed b', podName: 'b' }],
          eventFigures: [
            {
              action: 'kill',
              atMs: 510,
              host: 'b',
              removedTrafficMs: Number.NaN,
              errorsAfterKill: 12,
              note: 'n',
            },
          ],
        },
      ],
    };
    expect(buildEventMarkers(results)).toEqual([
      { kind: 'event', run: run.row, tS: 0.51, label: 'kill #1', detail: 'killed b' },
    ]);
    expect(buildEventRows(results)).toEqual([
      {
        run: run.row,
        atS: 0.51,
        event: 'kill #1',
        detail: 'killed b',
        figures: [
          ['removed_traffic_ms', 'not reached'],
          ['errors_after_kill', '12'],
        ],
        note: 'n',
      },
    ]);
  });
});
