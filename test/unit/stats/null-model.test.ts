import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeDistribution } from '../../../src/stats/distribution.js';
import { computeNullBand, computeShareBand } from '../../../src/stats/null-model.js';
import { createSeededRng } from '../../../src/stats/seeded-rng.js';

/** Per-host totals of W round-robin workers, each starting at `offsets[w]` and making `picks[w]` picks. */
function simulateRoundRobin(pods: number, offsets: readonly number[], picks: readonly number[]): number[] {
  const counts = Array.from({ length: pods }, () => 0);
  picks.forEach((k, w) => {
    for (let i = 0; i < k; i++) counts[((offsets[w] ?? 0) + i) % pods]! += 1;
  });
  return counts;
}

describe('computeNullBand', () => {
  it('gives the multinomial CV sqrt((n-1)/N) and a chi-square band for RANDOM and LEAST_REQUEST', () => {
    for (const policy of ['RANDOM', 'LEAST_REQUEST', 'MAGLEV'] as const) {
      const band = computeNullBand({ policy, pods: 5, total: 10_000, level: 0.99 });
      expect(band.model).toBe('multinomial');
      expect(band.expectedCv).toBeCloseTo(0.02, 12);
      // χ²(4) quantiles: 0.005 → 0.20699, 0.995 → 14.8603.
      expect(band.lowCv).toBeCloseTo(Math.sqrt(0.206989 / 10_000), 6);
      expect(band.highCv).toBeCloseTo(Math.sqrt(14.860259 / 10_000), 6);
    }
  });

  it('holds about `level` of random spreads (seeded simulation)', () => {
    const rng = createSeededRng(11);
    const band = computeNullBand({ policy: 'RANDOM', pods: 4, total: 400, level: 0.9 });
    let outside = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const counts = [0, 0, 0, 0];
      for (let i = 0; i < 400; i++) counts[Math.floor(rng() * 4)]! += 1;
      const { cv } = computeDistribution(counts);
      if (cv < band.lowCv || cv > band.highCv) outside++;
    }
    // Expected 10 % outside; the binomial standard error over 2000 trials is 0.7 %.
    expect(outside / trials).toBeGreaterThan(0.07);
    expect(outside / trials).toBeLessThan(0.13);
  });

  it('bounds ROUND_ROBIN by W·sqrt(⌊n/2⌋⌈n/2⌉)/N and reaches the bound when the extras line up', () => {
    const band = computeNullBand({ policy: 'ROUND_ROBIN', pods: 4, total: 4 * 1000 + 8, workers: 4 });
    expect(band.model).toBe('round-robin');
    expect(band.lowCv).toBe(0);
    expect(band.highCv).toBeCloseTo((4 * 2) / 4008, 12);
    // Four workers, each with 2 extra picks landing on pods 0 and 1.
    const counts = simulateRoundRobin(4, [0, 0, 0, 0], [1002, 1002, 1002, 1002]);
    expect(computeDistribution(counts).cv).toBeCloseTo(band.highCv, 12);
    expect(computeNullBand({ policy: 'ROUND_ROBIN', pods: 3, total: 300 }).expectedCv).toBeCloseTo(
      Math.sqrt(8 / 6) / 300,
      12,
    );
  });

  it('never sees a round-robin spread above the ROUND_ROBIN bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.array(fc.tuple(fc.nat(100), fc.integer({ min: 0, max: 300 })), { minLength: 1, maxLength: 8 }),
        (pods, workers) => {
          const counts = simulateRoundRobin(
            pods,
            workers.map(([offset]) => offset),
            workers.map(([, picks]) => picks),
          );
          const stats = computeDistribution(counts);
          const band = computeNullBand({
            policy: 'ROUND_ROBIN',
            pods,
            total: stats.total,
            workers: workers.length,
          });
          expect(stats.cv).toBeLessThanOrEqual(band.highCv + 1e-12);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(workers.length);
        },
      ),
    );
  });

  it('adds ring-arc imbalance for RING_HASH', () => {
    const band = computeNullBand({ policy: 'RING_HASH', pods: 4, total: 1e9 });
    expect(band.model).toBe('ring-hash');
    // 256 entries per host: arc CV² ≈ (n−1)/(n·m) = 3/1024.
    expect(band.expectedCv).toBeCloseTo(Math.sqrt(3 / 1024 + 3 / 1e9), 9);
    expect(band.highCv).toBeGreaterThan(band.expectedCv);
  });

  it.each([
    [1, 100],
    [5, 0],
  ])('is the degenerate band for %d pods and %d requests', (pods, total) => {
    expect(computeNullBand({ policy: 'RANDOM', pods, total })).toMatchObject({
      model: 'none',
      expectedCv: 0,
      lowCv: 0,
      highCv: 0,
    });
  });
});

describe('computeShareBand', () => {
  it('is 1/n ± z·sqrt(p(1−p)/N)', () => {
    const band = computeShareBand(4, 10_000, 0.95);
    const halfWidth = 1.959964 * Math.sqrt((0.25 * 0.75) / 10_000);
    expect(band.expectedShare).toBe(0.25);
    expect(band.lowShare).toBeCloseTo(0.25 - halfWidth, 6);
    expect(band.highShare).toBeCloseTo(0.25 + halfWidth, 6);
  });

  it('collapses to the expected share without requests', () => {
    expect(computeShareBand(2, 0)).toEqual({
      expectedShare: 0.5,
      lowShare: 0.5,
      highShare: 0.5,
      level: 0.95,
    });
    expect(computeShareBand(0, 10).expectedShare).toBe(0);
  });
});
