import { createRng, deriveSeed, type Rng } from 'lbbench-proxy';
import type { KeySpec } from '../scenario/types.js';

/** The stream of the run seed the request keys are drawn from; far from the proxy's worker streams. */
const KEY_SEED_STREAM = 2_000_000;
const UINT32_RANGE = 4_294_967_296;

/** Draws key numbers in 1…count from a {@link KeySpec}'s distribution. */
export type KeySampler = () => number;

/** The header value of key number `n`: `user-<n>`. */
export function formatKey(n: number): string {
  return `user-${n}`;
}

/**
 * The seed of one key stream of a run: load generator `generatorIndex` of a live run, or the simulator (which
 * passes its own stream), so every generator draws its own reproducible sequence from the run's seed.
 */
export function deriveKeySeed(runSeed: number, stream: number): number {
  return deriveSeed(deriveSeed(runSeed, KEY_SEED_STREAM), stream);
}

/** A key sampler with its own seeded source (lbbench-proxy's sfc32). */
export function createSeededKeySampler(spec: KeySpec, seed: number): KeySampler {
  return createKeySampler(spec, createRng(seed));
}

/**
 * A sampler of `spec`'s distribution over uniform uint32 draws of `rng`: uniform gives every key 1/count; zipf
 * gives key n the probability (1/n^s) / H(count, s), key 1 the most frequent. Zipf draws by inverse transform
 * over the cumulative probabilities (a binary search, O(log count) per draw).
 */
export function createKeySampler(spec: KeySpec, rng: Rng): KeySampler {
  const { count } = spec;
  if (spec.distribution === 'uniform') {
    return () => Math.floor((rng() / UINT32_RANGE) * count) + 1;
  }
  const cumulative = computeZipfCumulative(count, spec.exponent ?? 1);
  return () => findFirstAbove(cumulative, rng() / UINT32_RANGE) + 1;
}

/** The probability of each key under `spec`, key 1 first (the theory the samplers are tested against). */
export function computeKeyProbabilities(spec: KeySpec): Float64Array {
  const probabilities = new Float64Array(spec.count);
  if (spec.distribution === 'uniform') return probabilities.fill(1 / spec.count);
  const exponent = spec.exponent ?? 1;
  let total = 0;
  for (let n = 1; n <= spec.count; n += 1) total += n ** -exponent;
  for (let n = 1; n <= spec.count; n += 1) probabilities[n - 1] = n ** -exponent / total;
  return probabilities;
}

function computeZipfCumulative(count: number, exponent: number): Float64Array {
  const cumulative = computeKeyProbabilities({ header: '', count, distribution: 'zipf', exponent });
  for (let index = 1; index < count; index += 1) {
    cumulative[index] = (cumulative[index] ?? 0) + (cumulative[index - 1] ?? 0);
  }
  // Rounding may leave the last sum just below 1; a draw in [0, 1) must always find a key.
  cumulative[count - 1] = 1;
  return cumulative;
}

/** The first index whose cumulative probability exceeds `unit` (in [0, 1)). */
function findFirstAbove(cumulative: Float64Array, unit: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((cumulative[middle] ?? 1) > unit) high = middle;
    else low = middle + 1;
  }
  return low;
}
