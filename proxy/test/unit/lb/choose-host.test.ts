import { describe, expect, it } from 'vitest';
import { chooseHost } from '../../../src/lb/choose-host.js';
import { RingHashBalancer } from '../../../src/lb/ring-hash.js';
import { MaglevBalancer } from '../../../src/lb/maglev.js';
import { createRng } from '../../../src/lb/rng.js';
import { RoundRobinBalancer } from '../../../src/lb/round-robin.js';
import type { Balancer } from '../../../src/types.js';
import { createContext, makeEqualHosts, withHosts } from './pick-helpers.js';

const RING = { minimumRingSize: 1024, maximumRingSize: 8_388_608, hashFunction: 'XX_HASH' } as const;
const HASHES = [1n, 0x1234_5678_9abc_def0n, 0xffff_0000_ffff_0000n, 42n, 7_777_777_777n];

/** Host selection for a retry of a request with `hash`: at most `maxAttempts` picks, rejecting `previous`. */
function retryPick(
  balancer: Balancer,
  hash: bigint | undefined,
  previous: readonly number[],
  maxAttempts = 2,
) {
  const random = createRng(5);
  return chooseHost(balancer, (attempt) => createContext({ random, hash, attempt }), {
    maxAttempts,
    shouldSelectAnotherHost: (index) => previous.includes(index),
  });
}

describe('chooseHost with retry host predicates', () => {
  it.each(HASHES)('RING_HASH without a predicate retries the same host (hash %s)', (hash) => {
    const ring = withHosts(new RingHashBalancer(RING), makeEqualHosts(5));
    const first = ring.pick(createContext({ random: createRng(1), hash }));
    expect(retryPick(ring, hash, [])).toBe(first);
  });

  it.each(HASHES)('MAGLEV without a predicate retries the same host (hash %s)', (hash) => {
    const maglev = withHosts(new MaglevBalancer({ tableSize: 65_537 }), makeEqualHosts(5));
    const first = maglev.pick(createContext({ random: createRng(1), hash }));
    expect(retryPick(maglev, hash, [])).toBe(first);
  });

  it.each(HASHES)('RING_HASH with previous_hosts moves to the next ring entry (hash %s)', (hash) => {
    const ring = withHosts(new RingHashBalancer(RING), makeEqualHosts(5));
    const first = ring.pick(createContext({ random: createRng(1), hash }));
    const moved = ring.pick(createContext({ random: createRng(1), hash, attempt: 1 }));
    // The predicate rejects the first host; attempt 1 is the entry after it, which may belong to the same host.
    expect(retryPick(ring, hash, [first])).toBe(moved);
  });

  it('RING_HASH returns the last host picked when every attempt is rejected', () => {
    const ring = withHosts(new RingHashBalancer(RING), makeEqualHosts(3));
    const hash = HASHES[1];
    const third = ring.pick(createContext({ random: createRng(1), hash, attempt: 2 }));
    expect(retryPick(ring, hash, [0, 1, 2], 3)).toBe(third);
  });

  it('ROUND_ROBIN re-picks past rejected hosts, each attempt advancing the index', () => {
    const roundRobin = withHosts(new RoundRobinBalancer(0), makeEqualHosts(4));
    expect(retryPick(roundRobin, undefined, [0, 1], 4)).toBe(2);
    // Without the predicate a retry is a plain next pick: host 3.
    expect(retryPick(roundRobin, undefined, [])).toBe(3);
    // max attempts 2 (the default host_selection_retry_max_attempts 1): two rejections return the second pick.
    expect(retryPick(roundRobin, undefined, [0, 1])).toBe(1);
  });
});
