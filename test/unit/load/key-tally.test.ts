import { describe, expect, it } from 'vitest';
import { LbbenchError } from '../../../src/errors.js';
import { KeyTallyCounter, listKeyPeriodBoundariesMs, mergeKeyTallies } from '../../../src/load/key-tally.js';
import type { KeyTally } from '../../../src/load/key-tally.js';

describe('key tally', () => {
  it('counts key → pod per period of completion time (a boundary starts the next period)', () => {
    const counter = new KeyTallyCounter([1000, 3000]);
    counter.record('user-1', 'pod-a', 0);
    counter.record('user-1', 'pod-a', 999);
    counter.record('user-1', 'pod-b', 1000);
    counter.record('user-2', 'pod-c', 2999);
    counter.record('user-2', 'pod-c', 5000);
    expect(counter.snapshot()).toEqual({
      boundariesMs: [1000, 3000],
      periods: [
        { 'user-1': { 'pod-a': 2 } },
        { 'user-1': { 'pod-b': 1 }, 'user-2': { 'pod-c': 1 } },
        { 'user-2': { 'pod-c': 1 } },
      ],
    });
  });

  it('has one period when nothing changes the host set', () => {
    const counter = new KeyTallyCounter([]);
    counter.record('user-9', 'pod-a', 123_456);
    expect(counter.snapshot()).toEqual({ boundariesMs: [], periods: [{ 'user-9': { 'pod-a': 1 } }] });
  });

  it('takes the times of the events that may change the host set, not slow events', () => {
    expect(
      listKeyPeriodBoundariesMs([
        { atMs: 8000, action: 'kill', pod: 0 },
        { atMs: 2000, action: 'slow', pod: 1, delayMs: 5 },
        { atMs: 5000, action: 'scale', replicas: 5 },
        { atMs: 8000, action: 'scale', replicas: 4 },
      ]),
    ).toEqual([5000, 8000]);
  });

  it('merges exactly, in any order', () => {
    const a: KeyTally = { boundariesMs: [10], periods: [{ k1: { p1: 2 } }, { k1: { p2: 1 } }] };
    const b: KeyTally = { boundariesMs: [10], periods: [{ k1: { p1: 1, p3: 4 }, k2: { p1: 1 } }, {}] };
    const c: KeyTally = { boundariesMs: [10], periods: [{}, { k1: { p2: 5 } }] };
    const expected: KeyTally = {
      boundariesMs: [10],
      periods: [{ k1: { p1: 3, p3: 4 }, k2: { p1: 1 } }, { k1: { p2: 6 } }],
    };
    expect(mergeKeyTallies(mergeKeyTallies(a, b), c)).toEqual(expected);
    expect(mergeKeyTallies(c, mergeKeyTallies(b, a))).toEqual(expected);
  });

  it('refuses to merge tallies of different periods', () => {
    const a: KeyTally = { boundariesMs: [10], periods: [{}, {}] };
    const b: KeyTally = { boundariesMs: [], periods: [{}] };
    expect(() => mergeKeyTallies(a, b)).toThrow(LbbenchError);
    expect(() => mergeKeyTallies(a, b)).toThrow(/different periods/);
  });
});
