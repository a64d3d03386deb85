import fc from 'fast-check';
import { describe, it } from 'vitest';
import { createSeededRng } from '../../../src/stats/seeded-rng.js';

describe('createSeededRng', () => {
  it('yields numbers in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = createSeededRng(seed);
        return Array.from({ length: 50 }, rng).every((value) => value >= 0 && value < 1);
      }),
    );
  });
});
