import { describe, expect, it } from 'vitest';
import type { KeyTally } from '../../../src/load/key-tally.js';
import type { ScenarioEvent } from '../../../src/scenario/types.js';
import { computeKeyFigures, reduceKeyMetrics } from '../../../src/stats/key-metrics.js';

const SCALE_AT_5S: readonly ScenarioEvent[] = [{ atMs: 5000, action: 'scale', replicas: 5 }];
const AT_100_AND_200: readonly ScenarioEvent[] = [
  { atMs: 100, action: 'kill', pod: 0 },
  { atMs: 200, action: 'scale', replicas: 3 },
];

describe('key metrics', () => {
  it('computes affinity, hot pod share and keys moved on a hand-made tally', () => {
    const tally: KeyTally = {
      boundariesMs: [5000],
      periods: [
        // 10 responses: majority counts 3 + 2 + 2 = 7: k1 split 3/1, k2 2/2 (a tie goes to pod name order), k3 2.
        { k1: { a: 3, b: 1 }, k2: { b: 2, a: 2 }, k3: { c: 2 } },
        // 10 responses, majority counts 4 + 3 + 2 = 9: k1 moves to c, k2 stays on a, k4 is new (seen only after).
        { k1: { c: 4 }, k2: { a: 3, c: 1 }, k4: { b: 2 } },
      ],
    };
    const figures = computeKeyFigures(tally, SCALE_AT_5S);
    expect(figures.keys).toBe(4);
    expect(figures.responses).toBe(20);
    // (3 + 2 + 2) + (4 + 3 + 2) = 16 of 20.
    expect(figures.keyAffinity).toBeCloseTo(16 / 20, 12);
    // a: 3 + 2 + 3 = 8 of 20.
    expect(figures.hotPod).toBe('a');
    expect(figures.hotPodShare).toBeCloseTo(8 / 20, 12);
    // k1, k2 seen on both sides (k3 only before, k4 only after); k1 moved a → c.
    expect(figures.events).toEqual([
      { atMs: 5000, actions: ['scale'], isHostSetChange: true, keysSeenBoth: 2, keysMoved: 1, share: 0.5 },
    ]);
    expect(reduceKeyMetrics(figures)).toEqual({ key_affinity: 0.8, keys_moved: 0.5, hot_pod_share: 0.4 });
  });

  it('has affinity 1 and no keys_moved without events when every key sticks to one pod', () => {
    const figures = computeKeyFigures({ boundariesMs: [], periods: [{ k1: { a: 5 }, k2: { b: 7 } }] }, []);
    expect(figures.keyAffinity).toBe(1);
    expect(figures.events).toEqual([]);
    const metrics = reduceKeyMetrics(figures);
    expect(metrics.key_affinity).toBe(1);
    expect(metrics.keys_moved).toBeNaN();
    expect(metrics.hot_pod_share).toBeCloseTo(7 / 12, 12);
  });

  it('gives an event no keys_moved when no key is seen on both sides', () => {
    const figures = computeKeyFigures(
      { boundariesMs: [100], periods: [{ k1: { a: 1 } }, { k2: { a: 1 } }] },
      AT_100_AND_200,
    );
    expect(figures.events[0]).toMatchObject({ keysSeenBoth: 0, keysMoved: 0 });
    expect(figures.events[0]?.share).toBeNaN();
    expect(reduceKeyMetrics(figures).keys_moved).toBeNaN();
  });

  it('reduces keys_moved to the worst event', () => {
    const figures = computeKeyFigures(
      {
        boundariesMs: [100, 200],
        periods: [
          { k1: { a: 1 }, k2: { a: 1 } },
          { k1: { b: 1 }, k2: { a: 1 } },
          { k1: { c: 1 }, k2: { b: 1 } },
        ],
      },
      AT_100_AND_200,
    );
    expect(figures.events.map((event) => event.share)).toEqual([0.5, 1]);
    expect(reduceKeyMetrics(figures).keys_moved).toBe(1);
  });

  it('names the events at each boundary and leaves pod faults alone out of keys_moved', () => {
    const tally: KeyTally = {
      boundariesMs: [100, 200, 300],
      periods: [
        { k1: { a: 1 }, k2: { a: 1 } },
        // fail #0 at 100 ms: the pod is ejected, both keys move (not a host-set change).
        { k1: { b: 1 }, k2: { c: 1 } },
        // kill #1 with a scale at 200 ms: one key of two moves.
        { k1: { b: 1 }, k2: { d: 1 } },
        // recover #0 at 300 ms: nothing moves.
        { k1: { b: 1 }, k2: { d: 1 } },
      ],
    };
    const events: readonly ScenarioEvent[] = [
      { atMs: 50, action: 'slow', pod: 2, delayMs: 5 },
      { atMs: 100, action: 'fail', pod: 0 },
      { atMs: 200, action: 'kill', pod: 1 },
      { atMs: 200, action: 'scale', replicas: 4 },
      { atMs: 300, action: 'recover', pod: 0 },
    ];
    const figures = computeKeyFigures(tally, events);
    expect(figures.events.map((event) => [event.actions, event.isHostSetChange, event.share])).toEqual([
      [['fail'], false, 1],
      [['kill', 'scale'], true, 0.5],
      [['recover'], false, 0],
    ]);
    expect(reduceKeyMetrics(figures).keys_moved).toBe(0.5);
  });

  it('has no keys_moved when only pod faults split the periods', () => {
    const figures = computeKeyFigures(
      { boundariesMs: [100], periods: [{ k1: { a: 1 } }, { k1: { b: 1 } }] },
      [{ atMs: 100, action: 'hang', pod: 0 }],
    );
    expect(figures.events[0]).toMatchObject({ actions: ['hang'], isHostSetChange: false, share: 1 });
    expect(reduceKeyMetrics(figures).keys_moved).toBeNaN();
  });

  it('is NaN everywhere for an empty tally or a run without keys', () => {
    const empty = reduceKeyMetrics(computeKeyFigures({ boundariesMs: [], periods: [{}] }, []));
    expect(Object.values(empty).every(Number.isNaN)).toBe(true);
    expect(Object.values(reduceKeyMetrics(undefined)).every(Number.isNaN)).toBe(true);
  });
});
