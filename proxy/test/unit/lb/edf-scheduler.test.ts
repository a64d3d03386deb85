import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToEdf,
  createEdfScheduler,
  createEdfWithPicks,
  EDF_MAX_INITIAL_PICKS,
  peekEdf,
  pickAndAddEdf,
  pickFromEdf,
  rescheduleEarliestEdf,
  type EdfScheduler,
} from '../../../src/lb/edf-scheduler.js';

/** An empty scheduler with entries added in order, as Envoy did before createWithPicks. */
function createFresh(weights: readonly number[]): EdfScheduler {
  const scheduler = createEdfScheduler(weights.length);
  weights.forEach((weight, entry) => {
    addToEdf(scheduler, entry, weight);
  });
  return scheduler;
}

function pickSequence(scheduler: EdfScheduler, weights: readonly number[], count: number): number[] {
  return Array.from({ length: count }, () => pickAndAddEdf(scheduler, weights));
}

describe('EDF scheduler', () => {
  it.each([
    { weights: [2, 1], expected: [0, 1, 0, 0, 1, 0, 0, 1, 0] },
    // Deadlines A 1/3, B 1/2, C 1: A B A, then C (deadline 1, added first) before B and A, all due at 1.
    { weights: [3, 2, 1], expected: [0, 1, 0, 2, 1, 0, 0, 1, 0] },
    { weights: [1, 1, 1], expected: [0, 1, 2, 0, 1, 2] },
    { weights: [1, 4], expected: [1, 1, 1, 0, 1, 1, 1, 1, 0] },
  ])('picks weights $weights from an empty scheduler as $expected', ({ weights, expected }) => {
    expect(pickSequence(createFresh(weights), weights, expected.length)).toEqual(expected);
  });

  it('breaks equal deadlines by insertion order (FIFO)', () => {
    const scheduler = createEdfScheduler(3);
    addToEdf(scheduler, 2, 1);
    addToEdf(scheduler, 0, 1);
    addToEdf(scheduler, 1, 1);
    expect(pickSequence(scheduler, [1, 1, 1], 6)).toEqual([2, 0, 1, 2, 0, 1]);
  });

  it('moves the current time to the picked deadline and re-adds relative to it', () => {
    const scheduler = createFresh([2, 1]);
    expect(pickFromEdf(scheduler)).toBe(0);
    expect(scheduler.currentTime).toBe(0.5);
    addToEdf(scheduler, 0, 0.25);
    // Host 0 is now due at 0.5 + 4, so host 1 (due at 1) is picked four times first.
    expect(pickSequence(scheduler, [0.25, 1], 5)).toEqual([1, 1, 1, 1, 0]);
  });

  it('reschedules the earliest entry exactly like a pick followed by an add, whatever the new weights', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (weights, laterWeights) => {
          const popAndPush = createFresh(weights);
          const inPlace = createFresh(weights);
          for (const weight of laterWeights) {
            const entry = pickFromEdf(popAndPush);
            addToEdf(popAndPush, entry, weight);
            expect(peekEdf(inPlace)).toBe(entry);
            expect(rescheduleEarliestEdf(inPlace, weight)).toBe(entry);
          }
          expect(inPlace.currentTime).toBe(popAndPush.currentTime);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('returns -1 when empty and refuses entries beyond its capacity', () => {
    const scheduler = createEdfScheduler(1);
    expect(pickFromEdf(scheduler)).toBe(-1);
    expect(peekEdf(scheduler)).toBe(-1);
    expect(rescheduleEarliestEdf(scheduler, 1)).toBe(-1);
    addToEdf(scheduler, 0, 1);
    expect(() => {
      addToEdf(scheduler, 1, 1);
    }).toThrow(RangeError);
  });
});

describe('createEdfWithPicks', () => {
  it.each([
    { weights: [2, 1], picks: 0, expected: [0, 1, 0, 0, 1, 0] },
    { weights: [2, 1], picks: 1, expected: [1, 0, 0, 1, 0, 0] },
    { weights: [2, 1], picks: 2, expected: [0, 0, 1, 0, 0, 1] },
    { weights: [2, 1], picks: 3, expected: [0, 1, 0, 0, 1, 0] },
    { weights: [3, 2, 1], picks: 0, expected: [0, 1, 0, 2, 1, 0, 0, 1, 0, 2, 1, 0] },
    { weights: [3, 2, 1], picks: 1, expected: [1, 0, 2, 1, 0, 0] },
    { weights: [3, 2, 1], picks: 2, expected: [0, 2, 1, 0, 0, 1] },
    { weights: [3, 2, 1], picks: 3, expected: [2, 1, 0, 0, 1, 0] },
    { weights: [3, 2, 1], picks: 4, expected: [1, 0, 0, 1, 0, 2] },
    { weights: [3, 2, 1], picks: 5, expected: [0, 0, 1, 0, 2, 1] },
    { weights: [3, 2, 1], picks: 6, expected: [0, 1, 0, 2, 1, 0] },
    { weights: [3, 2, 1], picks: 1_000_003, expected: [1, 0, 2, 1, 0, 0] },
  ])('starts weights $weights after $picks emulated picks at $expected', ({ weights, picks, expected }) => {
    expect(pickSequence(createEdfWithPicks(weights, picks), weights, expected.length)).toEqual(expected);
  });

  it.each([
    [2, 1],
    [4, 1],
    [2, 1, 1],
    [1, 1, 1],
  ])('continues exactly like an empty scheduler after the same picks for weights %j', (...weights) => {
    for (let picks = 0; picks < 120; picks += 1) {
      const fresh = createFresh(weights);
      pickSequence(fresh, weights, picks);
      expect(pickSequence(createEdfWithPicks(weights, picks), weights, 24)).toEqual(
        pickSequence(fresh, weights, 24),
      );
    }
  });

  it('stays within 2 picks per host of an empty scheduler after the same picks, for any weights', () => {
    // Exact equality does not hold in general: float noise in repeated 1/w sums breaks ties differently.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 7 }),
        fc.integer({ min: 0, max: 2000 }),
        (weights, picks) => {
          const fresh = createFresh(weights);
          pickSequence(fresh, weights, picks);
          const emulated = createEdfWithPicks(weights, picks);
          // Running difference of per-host pick counts between the two schedulers.
          const countDifferences = weights.map(() => 0);
          let largestDifference = 0;
          for (let pick = 0; pick < 100; pick += 1) {
            const a = pickAndAddEdf(fresh, weights);
            const b = pickAndAddEdf(emulated, weights);
            countDifferences[a] = (countDifferences[a] ?? 0) + 1;
            countDifferences[b] = (countDifferences[b] ?? 0) - 1;
            largestDifference = Math.max(largestDifference, ...countDifferences.map(Math.abs));
          }
          expect(largestDifference).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('takes the picks as uint32 modulo 429496729', () => {
    const weights = [5, 3, 2];
    expect(pickSequence(createEdfWithPicks(weights, EDF_MAX_INITIAL_PICKS + 7), weights, 20)).toEqual(
      pickSequence(createEdfWithPicks(weights, 7), weights, 20),
    );
    expect(pickSequence(createEdfWithPicks(weights, 2 ** 32 + 7), weights, 20)).toEqual(
      pickSequence(createEdfWithPicks(weights, 7), weights, 20),
    );
  });

  it('builds an empty scheduler for no entries', () => {
    expect(pickFromEdf(createEdfWithPicks([], 12))).toBe(-1);
  });
});
