/**
 * A seeded pseudo-random generator returning numbers in [0, 1), so bootstrap CIs are reproducible from a seed.
 * It is the 32-bit "mulberry" construction: a Weyl sequence scrambled by two multiply-xorshift rounds.
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
