import { describe, expect, it } from 'vitest';
import { computeDistribution } from '../../../src/stats/distribution.js';
import { computeRateFairness } from '../../../src/stats/rate-fairness.js';
import { buildTimeline, even, repeat } from './timeline-builders.js';

const OLD = ['a', 'b', 'c'];
const NEW = ['d', 'e', 'f'];
const ALL = [...OLD, ...NEW];

describe('computeRateFairness', () => {
  it('equals jain and cv of the counts when every host is present all along', () => {
    const timeline = buildTimeline(1000, [
      { a: 100, b: 80, c: 120 },
      { a: 90, b: 110, c: 100 },
    ]);
    const expected = computeDistribution([190, 190, 220]);
    const fairness = computeRateFairness({
      timeline,
      hostsAtStart: new Set(OLD),
      killedAtMs: new Map(),
    });
    expect(fairness.rateJain).toBeCloseTo(expected.jain, 12);
    expect(fairness.rateCv).toBeCloseTo(expected.cv, 12);
  });

  it.each([
    {
      // In the interval they join, new pods are credited half of it: half the old pods' count is their fair share.
      name: 'a scale-up: new pods joined mid-interval, then every pod got its fair share',
      rows: [
        ...repeat(even(OLD, 200), 4),
        { ...even(OLD, 200), ...even(NEW, 100) },
        ...repeat(even(ALL, 100), 4),
      ],
      killed: new Map<string, number>(),
    },
    {
      name: 'a kill: the dead pod stays listed with nothing until the refresh, the others share its part',
      rows: [...repeat(even(OLD, 100), 4), { a: 150, b: 0, c: 150 }, { a: 150, c: 150 }],
      killed: new Map([['b', 4000]]),
    },
  ])('is 1 when every pod got its fair share of its time in the host set: $name', ({ rows, killed }) => {
    const fairness = computeRateFairness({
      timeline: buildTimeline(1000, rows),
      hostsAtStart: new Set(OLD),
      killedAtMs: killed,
    });
    expect(fairness.rateJain).toBeCloseTo(1, 12);
    expect(fairness.rateCv).toBeCloseTo(0, 12);
  });

  it('punishes a pod that is in the host set but never receives traffic', () => {
    const rows = [...repeat(even(OLD, 100), 2), ...repeat({ ...even(OLD, 100), d: 0 }, 4)];
    const fairness = computeRateFairness({
      timeline: buildTimeline(1000, rows),
      hostsAtStart: new Set(OLD),
      killedAtMs: new Map(),
    });
    expect(fairness.rateJain).toBeCloseTo(0.75, 12);
  });

  it('leaves out a pod never in the host set, and gives an even spread for no timeline at all', () => {
    expect(computeRateFairness({ timeline: [], hostsAtStart: new Set(OLD), killedAtMs: new Map() })).toEqual({
      rateJain: 1,
      rateCv: 0,
    });
    const fairness = computeRateFairness({
      timeline: buildTimeline(1000, repeat(even(OLD, 100), 3)),
      hostsAtStart: new Set(ALL),
      killedAtMs: new Map(),
    });
    expect(fairness).toEqual({ rateJain: 1, rateCv: 0 });
  });
});
