import type { Balancer, BalancerHost, BalancerOptions, PickContext } from '../types.js';
import { normalizeHostWeights } from './host-weights.js';
import { readPickHash } from './request-hash.js';
import { createUint64Words, modUint64 } from './uint64.js';
import { xxHash64Into } from './xxhash64.js';

/** MAGLEV settings: the lookup table size, a prime. */
export type MaglevOptions = BalancerOptions['maglev'];

/** Envoy's default Maglev table size. */
export const MAGLEV_DEFAULT_TABLE_SIZE = 65_537;
// Envoy's proto caps table_size at 5000011; the cap also keeps modUint64's arithmetic exact.
const MAGLEV_MAX_TABLE_SIZE = 5_000_011;

/** A Maglev lookup table: slot → host index, plus Envoy's min/max entries-per-host gauges. */
export interface MaglevTable {
  readonly slots: Int32Array;
  readonly minEntriesPerHost: number;
  readonly maxEntriesPerHost: number;
}

/** True when `value` is a prime integer. */
export function isPrime(value: number): boolean {
  if (!Number.isInteger(value) || value < 2) return false;
  for (let divisor = 2; divisor * divisor <= value; divisor += 1) if (value % divisor === 0) return false;
  return true;
}

interface BuildEntry {
  readonly hostIndex: number;
  readonly weight: number;
  readonly skip: number;
  position: number;
  targetWeight: number;
  count: number;
}

function createBuildEntries(hosts: readonly BalancerHost[], tableSize: number): BuildEntry[] {
  const { weights } = normalizeHostWeights(hosts);
  const encoder = new TextEncoder();
  const hash = createUint64Words();
  // Sorting by key makes the table independent of the order hosts arrive in.
  const sorted = hosts.map((host, hostIndex) => ({ host, hostIndex }));
  sorted.sort((a, b) =>
    a.host.key < b.host.key ? -1 : a.host.key > b.host.key ? 1 : a.hostIndex - b.hostIndex,
  );
  return sorted.map(({ host, hostIndex }) => {
    const bytes = encoder.encode(host.key);
    xxHash64Into(hash, bytes, bytes.length, 0, 0);
    const offset = modUint64(hash.hi, hash.lo, tableSize);
    xxHash64Into(hash, bytes, bytes.length, 0, 1);
    const skip = modUint64(hash.hi, hash.lo, tableSize - 1) + 1;
    return { hostIndex, weight: weights[hostIndex] ?? 0, skip, position: offset, targetWeight: 0, count: 0 };
  });
}

/** Gives `entry` its next free slot along its permutation `(offset + skip · j) % M`. */
function claimSlot(slots: Int32Array, entry: BuildEntry, tableSize: number): void {
  while ((slots[entry.position] ?? -1) !== -1) entry.position = (entry.position + entry.skip) % tableSize;
  slots[entry.position] = entry.hostIndex;
  entry.position = (entry.position + entry.skip) % tableSize;
  entry.count += 1;
}

/**
 * Builds Envoy's weighted Maglev table: hosts sorted by key, offset/skip from xxHash64 seeds 0 and 1, filled
 * in rounds r = 1, 2, …, where a host claims a slot in round r only if `r · w ≥ target` (then target += maxW).
 */
export function buildMaglevTable(hosts: readonly BalancerHost[], tableSize: number): MaglevTable {
  if (hosts.length === 0) return { slots: new Int32Array(0), minEntriesPerHost: 0, maxEntriesPerHost: 0 };
  const { maxWeight } = normalizeHostWeights(hosts);
  const entries = createBuildEntries(hosts, tableSize);
  const slots = new Int32Array(tableSize).fill(-1);
  let filled = 0;
  for (let round = 1; filled < tableSize; round += 1) {
    for (let k = 0; k < entries.length && filled < tableSize; k += 1) {
      const entry = entries[k];
      if (entry === undefined || round * entry.weight < entry.targetWeight) continue;
      entry.targetWeight += maxWeight;
      claimSlot(slots, entry, tableSize);
      filled += 1;
    }
  }
  let minEntriesPerHost = tableSize;
  let maxEntriesPerHost = 0;
  for (const { count } of entries) {
    minEntriesPerHost = Math.min(minEntriesPerHost, count);
    maxEntriesPerHost = Math.max(maxEntriesPerHost, count);
  }
  return { slots, minEntriesPerHost, maxEntriesPerHost };
}

const pickHash = createUint64Words();

/**
 * Envoy's MAGLEV: the table is rebuilt on every host-set change and a pick is `table[h % M]`, h being the
 * request hash (random without one), XOR-ed for retry attempts. A pick never changes it.
 */
export class MaglevBalancer implements Balancer {
  readonly policy = 'MAGLEV';
  private readonly tableSize: number;
  private currentTable: MaglevTable;

  /** @throws {RangeError} when `tableSize` is not a prime ≤ 5000011. */
  constructor(options: MaglevOptions) {
    const { tableSize } = options;
    if (!isPrime(tableSize) || tableSize > MAGLEV_MAX_TABLE_SIZE) {
      throw new RangeError(`maglev: table_size must be a prime ≤ ${MAGLEV_MAX_TABLE_SIZE}, got ${tableSize}`);
    }
    this.tableSize = tableSize;
    this.currentTable = buildMaglevTable([], tableSize);
  }

  /** The lookup table of the current host set. */
  get table(): MaglevTable {
    return this.currentTable;
  }

  /** Replaces the hosts and rebuilds the table. */
  setHosts(hosts: readonly BalancerHost[]): void {
    this.currentTable = buildMaglevTable(hosts, this.tableSize);
  }

  /** Picks the table slot of the request hash, -1 on an empty table. */
  pick(context: PickContext): number {
    const { slots } = this.currentTable;
    if (slots.length === 0) return -1;
    readPickHash(pickHash, context);
    let { hi, lo } = pickHash;
    if (context.attempt > 0) {
      // Envoy XORs the hash with ~0 - k + 1 = -k (mod 2^64): mostly set bits move retries far away.
      hi = (hi ^ 0xffff_ffff) >>> 0;
      lo = (lo ^ -context.attempt) >>> 0;
    }
    return slots[modUint64(hi, lo, slots.length)] ?? -1;
  }
}
