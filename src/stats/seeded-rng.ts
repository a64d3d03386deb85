/**
 * The harness's seeded pseudo-random generator (mulberry32), returning numbers in [0, 1): bootstrap CIs and
 * pod names are reproducible from the scenario's seed. A Weyl sequence scrambled by two multiply-xorshift
 * rounds. The balancers' own source is lbbench-proxy's `createRng`, which the simulator uses.
 */
export function createSeededRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
