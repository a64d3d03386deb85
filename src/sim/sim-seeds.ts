import { createRng, deriveSeed, type Rng } from 'lbbench-proxy';

// Streams of the model's own randomness; far above any worker index, so they never meet the workers' seeds.
const MODEL_STREAM_BASE = 1_000_000;
/** The model's random sources, each its own stream so that one's use never shifts another's values. */
export const MODEL_STREAMS = { setup: 0, service: 1, arrivals: 2, clusterIp: 3 } as const;
/** Pod p's own randomness (its latency samples and error draws) is stream `FIRST_POD_STREAM + p`. */
export const FIRST_POD_STREAM = 16;

const UINT32_RANGE = 4_294_967_296;

/**
 * A worker's random source and balancer seed, derived as lbbench-proxy derives them from its `--seed`: worker w
 * seeds its generator with deriveSeed(seed, w) and its first cluster's balancer with deriveSeed(that, 1).
 */
export function createWorkerRandomness(
  runSeed: number,
  worker: number,
): { random: Rng; balancerSeed: number } {
  const workerSeed = deriveSeed(runSeed, worker);
  return { random: createRng(workerSeed), balancerSeed: deriveSeed(workerSeed, 1) };
}

/** The model's random source for `stream` (one of {@link MODEL_STREAMS}). */
export function createModelRng(runSeed: number, stream: number): Rng {
  return createRng(deriveSeed(runSeed, MODEL_STREAM_BASE + stream));
}

/** A uniform value in [0, 1) from a uint32 source. */
export function drawUnit(rng: Rng): number {
  return rng() / UINT32_RANGE;
}

/** An exponential value with the given mean (inverse transform; never infinite since 1 − u > 0). */
export function drawExponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng() / UINT32_RANGE);
}
