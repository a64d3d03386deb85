import { describe, expect, it } from 'vitest';
import { RandomBalancer } from '../../../src/lb/random.js';
import { createRng } from '../../../src/lb/rng.js';
import {
  countPicks,
  createContext,
  createScriptedRng,
  makeEqualHosts,
  makeHosts,
  pickMany,
  toPercentages,
  withHosts,
} from './pick-helpers.js';

describe('RANDOM', () => {
  it.each([
    { hosts: 3, draws: [7, 3, 10, 0xffff_ffff], expected: [1, 0, 1, 0] },
    { hosts: 4, draws: [5, 6, 7, 8], expected: [1, 2, 3, 0] },
    { hosts: 1, draws: [12, 99], expected: [0, 0] },
  ])(
    'with $hosts hosts turns draws $draws into hosts $expected (r % n, one draw per pick)',
    ({ hosts, draws, expected }) => {
      const random = createScriptedRng(draws);
      const balancer = withHosts(new RandomBalancer(), makeEqualHosts(hosts));
      expect(pickMany(balancer, createContext({ random }), draws.length)).toEqual(expected);
      expect(random.used()).toBe(draws.length);
    },
  );

  it.each([
    { weights: [1, 1, 1], expected: [33.33, 33.33, 33.33] },
    { weights: [100, 1], expected: [50, 50] },
  ])(
    'spreads 100,000 picks over weights $weights as $expected within 1 point (weights are ignored)',
    ({ weights, expected }) => {
      const balancer = withHosts(new RandomBalancer(), makeHosts(weights));
      const indexes = pickMany(balancer, createContext({ random: createRng(5) }), 100_000);
      toPercentages(countPicks(indexes, weights.length)).forEach((share, host) => {
        expect(Math.abs(share - (expected[host] ?? 0))).toBeLessThanOrEqual(1);
      });
    },
  );

  it('returns -1 without hosts and draws nothing', () => {
    const random = createScriptedRng([]);
    expect(new RandomBalancer().pick(createContext({ random }))).toBe(-1);
  });

  it('picks from the new host list after an update', () => {
    const balancer = withHosts(new RandomBalancer(), makeEqualHosts(2));
    balancer.setHosts(makeEqualHosts(5));
    expect(balancer.pick(createContext({ random: createScriptedRng([4]) }))).toBe(4);
  });
});
