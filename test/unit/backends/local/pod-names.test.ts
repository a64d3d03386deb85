import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../../src/stats/seeded-rng.js';

import {
  createPodName,
  createSafeString,
  createTemplateHash,
  getPodAddress,
} from '../../../../src/backends/local/pod-names.js';

const SAFE = /^[bcdfghjklmnpqrstvwxz2456789]*$/;

describe('pod names', () => {
  it('look like Deployment pods: myapp-<10-char hash>-<5-char id>', () => {
    const rng = createSeededRng(42);
    const hash = createTemplateHash(rng);
    const name = createPodName({ deployment: 'myapp', templateHash: hash, taken: new Set(), rng });
    expect(name).toMatch(/^myapp-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(name.startsWith(`myapp-${hash}-`)).toBe(true);
  });

  it('are the same for the same seed and differ for another', () => {
    const namesFor = (seed: number): string[] => {
      const rng = createSeededRng(seed);
      const templateHash = createTemplateHash(rng);
      return [0, 1, 2].map(() => createPodName({ deployment: 'myapp', templateHash, taken: new Set(), rng }));
    };
    expect(namesFor(7)).toEqual(namesFor(7));
    expect(namesFor(7)).not.toEqual(namesFor(8));
  });

  it('never repeat a taken name', () => {
    // An rng that repeats its first draws forces a collision on the second pod.
    const draws = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5];
    let i = 0;
    const rng = (): number => draws[i++ % draws.length] ?? 0;
    const first = createPodName({ deployment: 'myapp', templateHash: 'h', taken: new Set(), rng });
    const second = createPodName({ deployment: 'myapp', templateHash: 'h', taken: new Set([first]), rng });
    expect(second).not.toBe(first);
  });

  it('use only the safe alphabet, for any rng in [0, 1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1 }),
        (values) => {
          let i = 0;
          const text = createSafeString(12, () => values[i++ % values.length] ?? 0);
          return text.length === 12 && SAFE.test(text);
        },
      ),
    );
  });
});

describe('getPodAddress', () => {
  it.each([
    [0, '127.0.1.1'],
    [1, '127.0.1.2'],
    [253, '127.0.1.254'],
    [254, '127.0.2.1'],
    [255 * 254 - 1, '127.0.255.254'],
  ])('index %i → %s', (index, address) => {
    expect(getPodAddress(index)).toBe(address);
  });

  it.each([-1, 1.5, 255 * 254, Number.NaN])('rejects index %d', (index) => {
    expect(() => getPodAddress(index)).toThrow(RangeError);
  });

  it('gives distinct loopback addresses that never end in .0 or .255', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 * 254 - 2 }), (index) => {
        const address = getPodAddress(index);
        const last = Number(address.split('.')[3]);
        return (
          address.startsWith('127.0.') && last >= 1 && last <= 254 && address !== getPodAddress(index + 1)
        );
      }),
    );
  });
});
