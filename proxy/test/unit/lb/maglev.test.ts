import { describe, expect, it } from 'vitest';
import {
  buildMaglevTable,
  isPrime,
  MaglevBalancer,
  MAGLEV_DEFAULT_TABLE_SIZE,
} from '../../../src/lb/maglev.js';
import { createRng } from '../../../src/lb/rng.js';
import {
  countPicks,
  createContext,
  createScriptedRng,
  makeEqualHosts,
  makeHosts,
  withHosts,
} from './pick-helpers.js';

const M = MAGLEV_DEFAULT_TABLE_SIZE;

describe('buildMaglevTable', () => {
  it('gives weights 1:2 21,846 and 43,691 of 65,537 entries (Envoy docs)', () => {
    const table = buildMaglevTable(makeHosts([1, 2]), M);
    expect(countPicks(Array.from(table.slots), 2)).toEqual([21_846, 43_691]);
    expect([table.minEntriesPerHost, table.maxEntriesPerHost]).toEqual([21_846, 43_691]);
  });

  it('gives equal hosts equal shares within one entry', () => {
    const counts = countPicks(Array.from(buildMaglevTable(makeEqualHosts(3), M).slots), 3);
    expect(counts.sort()).toEqual([21_845, 21_846, 21_846]);
  });

  it('fills every slot, also for a small prime table', () => {
    const table = buildMaglevTable(makeHosts([3, 1, 2]), 13);
    expect(Array.from(table.slots).every((slot) => slot >= 0 && slot < 3)).toBe(true);
  });

  it('does not depend on the order of the hosts (they are sorted by key)', () => {
    const hosts = makeHosts([1, 2, 3, 1]);
    const reversed = [...hosts].reverse();
    const keysOf = (list: typeof hosts): (string | undefined)[] =>
      Array.from(buildMaglevTable(list, 251).slots, (slot) => list[slot]?.key);
    expect(keysOf(reversed)).toEqual(keysOf(hosts));
  });

  it('moves the removed host’s slots plus a few others when one of 10 hosts goes away', () => {
    const before = makeEqualHosts(10);
    const after = before.filter((_, index) => index !== 3);
    const ownersBefore = Array.from(buildMaglevTable(before, M).slots, (slot) => before[slot]?.key);
    const ownersAfter = Array.from(buildMaglevTable(after, M).slots, (slot) => after[slot]?.key);
    const movedOthers = ownersBefore.filter(
      (key, slot) => key !== '10.0.0.4:80' && key !== ownersAfter[slot],
    ).length;
    const removedShare = ownersBefore.filter((key) => key === '10.0.0.4:80').length / M;
    expect(removedShare).toBeCloseTo(0.1, 2);
    // Maglev trades a little disruption for balance: a few other slots change owner too (about 0.3 % here).
    expect(movedOthers / M).toBeGreaterThan(0);
    expect(movedOthers / M).toBeLessThan(0.02);
  });
});

describe('MAGLEV balancer', () => {
  const hosts = makeEqualHosts(5);
  const balancer = withHosts(new MaglevBalancer({ tableSize: M }), hosts);
  const hash = 0x0123_4567_89ab_cdefn;

  it.each([0, 1, 2, 3, 1000])('picks table[(h ^ -attempt) % M] for attempt %i', (attempt) => {
    const mutated = attempt === 0 ? hash : hash ^ ((1n << 64n) - BigInt(attempt));
    const index = balancer.pick(createContext({ random: createScriptedRng([]), hash, attempt }));
    expect(index).toBe(balancer.table.slots[Number(mutated % BigInt(M))]);
  });

  it('uses two random draws as the high and low words when the request has no hash', () => {
    const random = createScriptedRng([0x0123_4567, 0x89ab_cdef]);
    expect(balancer.pick(createContext({ random }))).toBe(balancer.table.slots[Number(hash % BigInt(M))]);
    expect(random.used()).toBe(2);
  });

  it('spreads random picks over equal hosts evenly (100,000 picks, ±1 point)', () => {
    const context = createContext({ random: createRng(3) });
    const counts = Array.from({ length: 5 }, () => 0);
    for (let pick = 0; pick < 100_000; pick += 1) {
      const index = balancer.pick(context);
      counts[index] = (counts[index] ?? 0) + 1;
    }
    for (const count of counts) expect(Math.abs(count / 1000 - 20)).toBeLessThanOrEqual(1);
  });

  it('returns -1 without hosts', () => {
    expect(new MaglevBalancer({ tableSize: M }).pick(createContext({ random: createRng(1) }))).toBe(-1);
  });

  it.each([65_536, 1, 0, 5_000_027])('rejects table size %i', (tableSize) => {
    expect(() => new MaglevBalancer({ tableSize })).toThrow(/table_size/);
  });
});

describe('isPrime', () => {
  it.each([
    [2, true],
    [13, true],
    [65_537, true],
    [5_000_011, true],
    [1, false],
    [65_536, false],
    [65_541, false],
    [2.5, false],
  ])('isPrime(%d) is %s', (value, expected) => {
    expect(isPrime(value)).toBe(expected);
  });
});
