import { describe, expect, it } from 'vitest';
import { murmurHash2String } from '../../../src/lb/murmur-hash2.js';
import { hashHeaderValue } from '../../../src/lb/request-hash.js';
import { buildHashRing, findRingEntry, RingHashBalancer, type HashRing } from '../../../src/lb/ring-hash.js';
import { createRng } from '../../../src/lb/rng.js';
import { xxHash64String } from '../../../src/lb/xxhash64.js';
import type { BalancerOptions } from '../../../src/types.js';
import {
  countPicks,
  createContext,
  createScriptedRng,
  makeEqualHosts,
  makeHosts,
  withHosts,
} from './pick-helpers.js';

const OPTIONS: BalancerOptions['ringHash'] = {
  minimumRingSize: 1024,
  maximumRingSize: 8_388_608,
  hashFunction: 'XX_HASH',
};

const entryHash = (ring: HashRing, entry: number): bigint =>
  (BigInt(ring.hashHi[entry] ?? 0) << 32n) | BigInt(ring.hashLo[entry] ?? 0);

const ringHashes = (ring: HashRing): bigint[] =>
  Array.from(ring.hostIndexes, (_, entry) => entryHash(ring, entry));

describe('buildHashRing', () => {
  it.each([
    {
      name: '3 equal hosts, min 1024 (Envoy docs)',
      weights: [1, 1, 1],
      min: 1024,
      max: 8_388_608,
      perHost: [342, 342, 342],
    },
    { name: 'weights 1:2, min 1024', weights: [1, 2], min: 1024, max: 8_388_608, perHost: [342, 684] },
    {
      name: '4 equal hosts, min 1024',
      weights: [1, 1, 1, 1],
      min: 1024,
      max: 8_388_608,
      perHost: [256, 256, 256, 256],
    },
    { name: 'weights 1:3, min 100', weights: [1, 3], min: 100, max: 8_388_608, perHost: [25, 75] },
    {
      name: '4 hosts capped at 6 entries (1.5 each, running sums)',
      weights: [1, 1, 1, 1],
      min: 1024,
      max: 6,
      perHost: [2, 1, 2, 1],
    },
    { name: 'one host', weights: [5], min: 1024, max: 8_388_608, perHost: [1024] },
  ])('sizes the ring for $name: $perHost', ({ weights, min, max, perHost }) => {
    const ring = buildHashRing(makeHosts(weights), {
      ...OPTIONS,
      minimumRingSize: min,
      maximumRingSize: max,
    });
    expect(countPicks(Array.from(ring.hostIndexes), weights.length)).toEqual(perHost);
    expect(ring.hostIndexes.length).toBe(perHost.reduce((sum, count) => sum + count, 0));
    expect([ring.minHashesPerHost, ring.maxHashesPerHost]).toEqual([
      Math.min(...perHost),
      Math.max(...perHost),
    ]);
  });

  it.each([
    { hashFunction: 'XX_HASH' as const, hash: (key: string) => xxHash64String(key) },
    { hashFunction: 'MURMUR_HASH_2' as const, hash: (key: string) => murmurHash2String(key) },
  ])('holds the $hashFunction hashes of "<ip:port>_<i>", sorted ascending', ({ hashFunction, hash }) => {
    const hosts = makeHosts([1, 2]);
    const ring = buildHashRing(hosts, { ...OPTIONS, minimumRingSize: 12, hashFunction });
    const expected = [
      ...Array.from({ length: 4 }, (_, i) => hash(`10.0.0.1:80_${i}`)),
      ...Array.from({ length: 8 }, (_, i) => hash(`10.0.0.2:80_${i}`)),
    ].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(ringHashes(ring)).toEqual(expected);
    const ownerOf = new Map(
      hosts.flatMap((host, index) =>
        Array.from({ length: 8 }, (_, i) => [hash(`${host.key}_${i}`), index] as const),
      ),
    );
    ringHashes(ring).forEach((value, entry) => {
      expect(ring.hostIndexes[entry]).toBe(ownerOf.get(value));
    });
  });

  it('is empty without hosts', () => {
    expect(buildHashRing([], OPTIONS).hostIndexes.length).toBe(0);
  });
});

describe('findRingEntry', () => {
  const ring = buildHashRing(makeEqualHosts(3), OPTIONS);
  const size = ring.hostIndexes.length;
  const at = (value: bigint): number =>
    findRingEntry(ring, Number(value >> 32n), Number(value & 0xffff_ffffn));

  it.each([
    { name: 'an entry’s own hash finds that entry', hash: () => entryHash(ring, 5), entry: 5 },
    { name: 'one above an entry finds the next one', hash: () => entryHash(ring, 5) + 1n, entry: 6 },
    { name: 'zero finds the first entry', hash: () => 0n, entry: 0 },
    { name: 'above the last entry wraps to the first', hash: () => entryHash(ring, size - 1) + 1n, entry: 0 },
    { name: 'the largest hash wraps to the first', hash: () => (1n << 64n) - 1n, entry: 0 },
  ])('$name', ({ hash, entry }) => {
    expect(at(hash())).toBe(entry);
  });
});

describe('RING_HASH balancer', () => {
  const hosts = makeEqualHosts(3);
  const balancer = withHosts(new RingHashBalancer(OPTIONS), hosts);
  const ring = balancer.ring;

  it.each([
    { attempt: 0, entry: 5 },
    { attempt: 1, entry: 6 },
    { attempt: 2, entry: 7 },
    { attempt: 1026 + 1, entry: 6 },
  ])('retry attempt $attempt of a hash on entry 5 uses entry $entry', ({ attempt, entry }) => {
    const index = balancer.pick(
      createContext({ random: createScriptedRng([]), hash: entryHash(ring, 5), attempt }),
    );
    expect(index).toBe(ring.hostIndexes[entry]);
  });

  it('uses two random draws as the high and low words when the request has no hash', () => {
    const value = entryHash(ring, 100);
    const random = createScriptedRng([Number(value >> 32n), Number(value & 0xffff_ffffn)]);
    expect(balancer.pick(createContext({ random }))).toBe(ring.hostIndexes[100]);
    expect(random.used()).toBe(2);
  });

  it('sends a header hash to the same host from every worker', () => {
    const hash = hashHeaderValue('user-42');
    const picks = [1, 2, 3].map((seed) =>
      withHosts(new RingHashBalancer(OPTIONS), hosts).pick(createContext({ random: createRng(seed), hash })),
    );
    expect(new Set(picks).size).toBe(1);
  });

  /** Share of 20,000 random keys that change owner, and the share that lived on the removed host. */
  function measureRemoval(minimumRingSize: number): {
    moved: number;
    onRemoved: number;
    movedOthers: number;
  } {
    const before = makeEqualHosts(10);
    const after = before.filter((_, index) => index !== 3);
    const ringBefore = buildHashRing(before, { ...OPTIONS, minimumRingSize });
    const ringAfter = buildHashRing(after, { ...OPTIONS, minimumRingSize });
    const ownerOf = (ring: HashRing, hosts: typeof before, hi: number, lo: number): string | undefined =>
      hosts[ring.hostIndexes[findRingEntry(ring, hi, lo)] ?? -1]?.key;
    const rng = createRng(77);
    const keys = 20_000;
    let moved = 0;
    let onRemoved = 0;
    let movedOthers = 0;
    for (let key = 0; key < keys; key += 1) {
      const hi = rng();
      const lo = rng();
      const ownerBefore = ownerOf(ringBefore, before, hi, lo);
      const ownerAfter = ownerOf(ringAfter, after, hi, lo);
      if (ownerBefore === '10.0.0.4:80') onRemoved += 1;
      if (ownerBefore !== ownerAfter) moved += 1;
      if (ownerBefore !== ownerAfter && ownerBefore !== '10.0.0.4:80') movedOthers += 1;
    }
    return { moved: moved / keys, onRemoved: onRemoved / keys, movedOthers: movedOthers / keys };
  }

  it('moves only the removed host’s keys when the survivors keep their entry count', () => {
    // Minimum 81 gives 9 entries per host for both 10 and 9 hosts, so surviving entries stay put.
    expect(buildHashRing(makeEqualHosts(10), { ...OPTIONS, minimumRingSize: 81 }).maxHashesPerHost).toBe(9);
    expect(buildHashRing(makeEqualHosts(9), { ...OPTIONS, minimumRingSize: 81 }).maxHashesPerHost).toBe(9);
    const { moved, onRemoved, movedOthers } = measureRemoval(81);
    expect(movedOthers).toBe(0);
    expect(moved).toBe(onRemoved);
  });

  it('moves about 1/N of the keys when one of 10 hosts goes away with the default minimum ring', () => {
    // The removed host's ~1/N, plus the arcs the survivors' new entries claim (103 → 114 entries each).
    const { moved, onRemoved, movedOthers } = measureRemoval(1024);
    expect(onRemoved).toBeGreaterThan(0.07);
    expect(onRemoved).toBeLessThan(0.13);
    expect(movedOthers).toBeLessThan(0.1);
    expect(moved).toBeLessThan(0.25);
  });

  it('returns -1 without hosts', () => {
    expect(new RingHashBalancer(OPTIONS).pick(createContext({ random: createRng(1) }))).toBe(-1);
  });

  it.each([
    { minimumRingSize: 0, maximumRingSize: 10 },
    { minimumRingSize: 2048, maximumRingSize: 1024 },
  ])('rejects ring sizes $minimumRingSize..$maximumRingSize', (sizes) => {
    expect(() => new RingHashBalancer({ ...OPTIONS, ...sizes })).toThrow(/minimum_ring_size/);
  });
});
