import type { Balancer, BalancerHost, BalancerOptions, PickContext } from '../types.js';
import { normalizeHostWeights } from './host-weights.js';
import { MURMUR_STD_HASH_SEED, murmurHash2Into } from './murmur-hash2.js';
import { readPickHash } from './request-hash.js';
import { createUint64Words, type Uint64Words } from './uint64.js';
import { xxHash64Into } from './xxhash64.js';

/** RING_HASH settings: minimum/maximum ring size and the hash function for ring keys. */
export type RingHashOptions = BalancerOptions['ringHash'];

/** A ketama ring sorted by hash: entry i has hash `(hashHi[i], hashLo[i])` and owner `hostIndexes[i]`. */
export interface HashRing {
  readonly hashHi: Uint32Array;
  readonly hashLo: Uint32Array;
  readonly hostIndexes: Int32Array;
  /** Envoy's `ring_hash_lb.min_hashes_per_host` / `max_hashes_per_host` gauges. */
  readonly minHashesPerHost: number;
  readonly maxHashesPerHost: number;
}

const ENCODER = new TextEncoder();
const ASCII_ZERO = 0x30;
const ASCII_UNDERSCORE = 0x5f;
const MAX_DECIMAL_DIGITS = 16;

/** Writes `value` in decimal ASCII at `offset` and returns the offset after it. */
function writeDecimal(buffer: Uint8Array, offset: number, value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  let rest = value;
  for (let position = offset + digits - 1; position >= offset; position -= 1) {
    buffer[position] = ASCII_ZERO + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return offset + digits;
}

interface RingEntries {
  readonly hashHi: Uint32Array;
  readonly hashLo: Uint32Array;
  readonly hostIndexes: Int32Array;
  count: number;
}

function createEntries(capacity: number): RingEntries {
  return {
    hashHi: new Uint32Array(capacity),
    hashLo: new Uint32Array(capacity),
    hostIndexes: new Int32Array(capacity),
    count: 0,
  };
}

/** Hashes `"<key>_<i>"` for i = 0..count-1 into `entries`. */
function addHostEntries(
  entries: RingEntries,
  hostIndex: number,
  key: string,
  count: number,
  options: RingHashOptions,
): void {
  const buffer = new Uint8Array(key.length * 3 + 1 + MAX_DECIMAL_DIGITS);
  const prefixLength = ENCODER.encodeInto(key, buffer).written + 1;
  buffer[prefixLength - 1] = ASCII_UNDERSCORE;
  const hash: Uint64Words = createUint64Words();
  for (let i = 0; i < count; i += 1) {
    const length = writeDecimal(buffer, prefixLength, i);
    if (options.hashFunction === 'MURMUR_HASH_2') murmurHash2Into(hash, buffer, length, MURMUR_STD_HASH_SEED);
    else xxHash64Into(hash, buffer, length, 0, 0);
    entries.hashHi[entries.count] = hash.hi;
    entries.hashLo[entries.count] = hash.lo;
    entries.hostIndexes[entries.count] = hostIndex;
    entries.count += 1;
  }
}

function sortEntries(entries: RingEntries, minHashes: number, maxHashes: number): HashRing {
  const { hashHi, hashLo, hostIndexes, count } = entries;
  const order = Uint32Array.from({ length: count }, (_, index) => index);
  order.sort((a, b) => (hashHi[a] ?? 0) - (hashHi[b] ?? 0) || (hashLo[a] ?? 0) - (hashLo[b] ?? 0));
  return {
    hashHi: Uint32Array.from(order, (index) => hashHi[index] ?? 0),
    hashLo: Uint32Array.from(order, (index) => hashLo[index] ?? 0),
    hostIndexes: Int32Array.from(order, (index) => hostIndexes[index] ?? 0),
    minHashesPerHost: minHashes,
    maxHashesPerHost: maxHashes,
  };
}

/**
 * Builds Envoy's ketama ring: `scale = min(ceil(minW · minRing) / minW, maxRing)` over normalized weights,
 * host i gets the entries that running sums of `scale · w_i` give it, each keyed `"<ip:port>_<j>"` and hashed
 * with xxHash64 seed 0 (or MurmurHash2), then everything is sorted by hash.
 */
export function buildHashRing(hosts: readonly BalancerHost[], options: RingHashOptions): HashRing {
  if (hosts.length === 0) return sortEntries(createEntries(0), 0, 0);
  const { weights, minWeight } = normalizeHostWeights(hosts);
  const scale = Math.min(Math.ceil(minWeight * options.minimumRingSize) / minWeight, options.maximumRingSize);
  const entries = createEntries(Math.ceil(scale) + hosts.length);
  let currentHashes = 0;
  let targetHashes = 0;
  let minHashes = Number.POSITIVE_INFINITY;
  let maxHashes = 0;
  hosts.forEach((host, hostIndex) => {
    // Running sums spread fractional entry counts stably over the hosts, exactly as Envoy's loop does.
    targetHashes += scale * (weights[hostIndex] ?? 0);
    let count = 0;
    for (; currentHashes < targetHashes; currentHashes += 1) count += 1;
    addHostEntries(entries, hostIndex, host.key, count, options);
    minHashes = Math.min(minHashes, count);
    maxHashes = Math.max(maxHashes, count);
  });
  return sortEntries(entries, minHashes, maxHashes);
}

/** Index of the first ring entry whose hash is ≥ `(hi, lo)`, wrapping to 0 past the end; -1 for an empty ring. */
export function findRingEntry(ring: HashRing, hi: number, lo: number): number {
  const size = ring.hostIndexes.length;
  if (size === 0) return -1;
  let low = 0;
  let high = size;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const middleHi = ring.hashHi[middle] ?? 0;
    if (middleHi < hi || (middleHi === hi && (ring.hashLo[middle] ?? 0) < lo)) low = middle + 1;
    else high = middle;
  }
  return low === size ? 0 : low;
}

const pickHash = createUint64Words();

/**
 * Envoy's RING_HASH: the ring is rebuilt on every host-set change; a pick takes the first entry with
 * hash ≥ h (h is the request hash, or random without one), and retry attempt k moves to `(entry + k) % size`.
 * A pick never changes it.
 */
export class RingHashBalancer implements Balancer {
  readonly policy = 'RING_HASH';
  private readonly options: RingHashOptions;
  private currentRing: HashRing;

  /** @throws {RangeError} when the ring sizes are not 1 ≤ minimum ≤ maximum. */
  constructor(options: RingHashOptions) {
    const { minimumRingSize, maximumRingSize } = options;
    if (!(minimumRingSize >= 1 && minimumRingSize <= maximumRingSize)) {
      throw new RangeError(
        `ring hash: minimum_ring_size (${minimumRingSize}) must be ≥ 1 and ≤ maximum_ring_size (${maximumRingSize})`,
      );
    }
    this.options = options;
    this.currentRing = buildHashRing([], options);
  }

  /** The ring of the current host set. */
  get ring(): HashRing {
    return this.currentRing;
  }

  /** Replaces the hosts and rebuilds the ring. */
  setHosts(hosts: readonly BalancerHost[]): void {
    this.currentRing = buildHashRing(hosts, this.options);
  }

  /** Picks the ring entry of the request hash, -1 on an empty ring. */
  pick(context: PickContext): number {
    const ring = this.currentRing;
    const size = ring.hostIndexes.length;
    if (size === 0) return -1;
    readPickHash(pickHash, context);
    let entry = findRingEntry(ring, pickHash.hi, pickHash.lo);
    // A host-selection retry behaves as if the chosen entry were not on the ring (Envoy's `attempt` offset).
    if (context.attempt > 0) entry = (entry + context.attempt) % size;
    return ring.hostIndexes[entry] ?? -1;
  }
}
