import { createRng } from 'lbbench-proxy';
import { describe, expect, it } from 'vitest';
import {
  computeKeyProbabilities,
  createKeySampler,
  createSeededKeySampler,
  deriveKeySeed,
  formatKey,
} from '../../../src/load/key-distribution.js';
import type { KeySpec } from '../../../src/scenario/types.js';

const ZIPF: KeySpec = { header: 'x-user-id', count: 1000, distribution: 'zipf', exponent: 1.1 };
const UNIFORM: KeySpec = { header: 'x-user-id', count: 20, distribution: 'uniform', exponent: undefined };

function drawCounts(spec: KeySpec, draws: number, seed: number): Float64Array {
  const sample = createSeededKeySampler(spec, seed);
  const counts = new Float64Array(spec.count);
  for (let i = 0; i < draws; i += 1) {
    const n = sample();
    counts[n - 1] = (counts[n - 1] ?? 0) + 1;
  }
  return counts;
}

describe('key distribution', () => {
  it('names key n user-n', () => {
    expect(formatKey(1)).toBe('user-1');
    expect(formatKey(1000)).toBe('user-1000');
  });

  it('gives zipf key n a probability proportional to 1 / n^s', () => {
    const probabilities = computeKeyProbabilities(ZIPF);
    const sum = probabilities.reduce((total, p) => total + p, 0);
    expect(sum).toBeCloseTo(1, 12);
    expect((probabilities[0] ?? 0) / (probabilities[1] ?? 1)).toBeCloseTo(2 ** 1.1, 12);
    expect((probabilities[9] ?? 0) / (probabilities[99] ?? 1)).toBeCloseTo(10 ** 1.1, 9);
  });

  it('draws zipf frequencies that match the theory (chi-square over the 20 hottest keys and the rest)', () => {
    const draws = 200_000;
    const counts = drawCounts(ZIPF, draws, 7);
    const probabilities = computeKeyProbabilities(ZIPF);
    // Bins: keys 1…20 one by one, then 21…1000 together: every expected count is large.
    let chi2 = 0;
    let restObserved = draws;
    let restExpected = draws;
    for (let index = 0; index < 20; index += 1) {
      const expected = draws * (probabilities[index] ?? 0);
      const observed = counts[index] ?? 0;
      chi2 += (observed - expected) ** 2 / expected;
      restObserved -= observed;
      restExpected -= expected;
    }
    chi2 += (restObserved - restExpected) ** 2 / restExpected;
    // 20 degrees of freedom: P(chi2 > 52.4) = 0.0001 under the theory.
    expect(chi2).toBeLessThan(52.4);
    // The hottest key is drawn about 1 / H(1000, 1.1) of the time.
    expect((counts[0] ?? 0) / draws).toBeCloseTo(probabilities[0] ?? 0, 2);
  });

  it('draws every uniform key about equally often', () => {
    const draws = 100_000;
    const counts = drawCounts(UNIFORM, draws, 3);
    const expected = draws / UNIFORM.count;
    const chi2 = counts.reduce((total, observed) => total + (observed - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: P(chi2 > 50.7) = 0.0001.
    expect(chi2).toBeLessThan(50.7);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it('stays within 1…count even for the largest uint32 draws', () => {
    const extremes = [0, 0xffffffff, 0xfffffffe];
    const zipf = createKeySampler(ZIPF, () => extremes.shift() ?? 0);
    expect([zipf(), zipf(), zipf()]).toEqual([1, 1000, 1000]);
    const uniform = createKeySampler(UNIFORM, () => 0xffffffff);
    expect(uniform()).toBe(20);
  });

  it('repeats the same keys for the same seed and differs across generators', () => {
    const draw = (seed: number): number[] => {
      const sample = createSeededKeySampler(ZIPF, seed);
      return Array.from({ length: 50 }, () => sample());
    };
    expect(draw(deriveKeySeed(42, 0))).toEqual(draw(deriveKeySeed(42, 0)));
    expect(draw(deriveKeySeed(42, 0))).not.toEqual(draw(deriveKeySeed(42, 1)));
    expect(draw(deriveKeySeed(42, 0))).not.toEqual(draw(deriveKeySeed(43, 0)));
  });

  it('takes any uint32 source', () => {
    const sample = createKeySampler(UNIFORM, createRng(1));
    expect(Number.isInteger(sample())).toBe(true);
  });
});
