import type { Rng } from '../types.js';

const GOLDEN_GAMMA = 0x9e3779b9;
const WARM_UP_ROUNDS = 12;

/** MurmurHash3's 32-bit finalizer: a bijection on uint32 that spreads every input bit over the output. */
function mixUint32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Creates a seeded sfc32 generator returning uniform uint32 values; the same seed always gives the same
 * sequence. The four words of state come from splitmix32 so that nearby seeds give unrelated streams.
 */
export function createRng(seed: number): Rng {
  let splitState = seed >>> 0;
  const nextSplit = (): number => {
    splitState = (splitState + GOLDEN_GAMMA) >>> 0;
    return mixUint32(splitState);
  };
  let a = nextSplit();
  let b = nextSplit();
  let c = nextSplit();
  let counter = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + counter) | 0;
    counter = (counter + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let round = 0; round < WARM_UP_ROUNDS; round += 1) next();
  return next;
}

/**
 * Derives the seed of stream `stream` (a worker, a repetition) from a base seed, as a uint32. For a fixed
 * base, different streams below 2^32 always give different seeds.
 */
export function deriveSeed(base: number, stream: number): number {
  // Both steps are bijections, so distinct streams cannot collide for one base.
  return mixUint32(mixUint32(base >>> 0) ^ Math.imul((stream + 1) >>> 0, GOLDEN_GAMMA));
}
