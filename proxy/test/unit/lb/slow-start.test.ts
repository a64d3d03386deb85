import { describe, expect, it } from 'vitest';
import { LeastRequestBalancer } from '../../../src/lb/least-request.js';
import { createRng } from '../../../src/lb/rng.js';
import { RoundRobinBalancer } from '../../../src/lb/round-robin.js';
import { SlowStartTracker, getSlowStartFactor } from '../../../src/lb/slow-start.js';
import type { SlowStartConfig } from '../../../src/types.js';
import { countPicks, createContext, makeEqualHosts, pickMany } from './pick-helpers.js';

const WINDOW_10S: SlowStartConfig = { windowMs: 10_000, aggression: 1, minWeightPercent: 10 };

describe('getSlowStartFactor (Envoy applySlowStartFactor)', () => {
  it.each([
    // Linear ramp: age / window, never below min_weight_percent.
    { config: WINDOW_10S, ageMs: 5000, expected: 0.5 },
    { config: WINDOW_10S, ageMs: 2500, expected: 0.25 },
    { config: WINDOW_10S, ageMs: 500, expected: 0.1 },
    // Age counts in whole milliseconds and at least 1 ms: 1/10000, raised to the 10 % floor.
    { config: WINDOW_10S, ageMs: 0, expected: 0.1 },
    { config: { ...WINDOW_10S, minWeightPercent: 0 }, ageMs: 0.4, expected: 0.0001 },
    // Out of the window: the full weight.
    { config: WINDOW_10S, ageMs: 10_000, expected: 1 },
    // aggression 2: (age/window)^(1/2); 0.25 → 0.5. aggression 0.5: 0.5^2 = 0.25.
    { config: { ...WINDOW_10S, aggression: 2 }, ageMs: 2500, expected: 0.5 },
    { config: { ...WINDOW_10S, aggression: 0.5 }, ageMs: 5000, expected: 0.25 },
    // aggression ≤ 0 or NaN acts as 1.0.
    { config: { ...WINDOW_10S, aggression: 0 }, ageMs: 5000, expected: 0.5 },
    { config: { ...WINDOW_10S, aggression: Number.NaN }, ageMs: 5000, expected: 0.5 },
    { config: { ...WINDOW_10S, minWeightPercent: 60 }, ageMs: 5000, expected: 0.6 },
  ])('window 10 s, age $ageMs ms, $config.aggression/$config.minWeightPercent% → $expected', (row) => {
    expect(getSlowStartFactor(row.config, row.ageMs)).toBeCloseTo(row.expected, 12);
  });
});

describe('SlowStartTracker', () => {
  it('puts hosts present at start-up in the window counted from the balancer creation', () => {
    let nowMs = 1000;
    const tracker = new SlowStartTracker(WINDOW_10S, () => nowMs);
    const entered = tracker.setHosts(makeEqualHosts(3));
    expect([...entered]).toEqual([1000, 1000, 1000]);
    nowMs = 11_000;
    expect(tracker.isAnyHostInSlowStart()).toBe(true);
    nowMs = 11_001;
    expect(tracker.isAnyHostInSlowStart()).toBe(false);
  });

  it('keeps a host entry time while it stays and gives a returning host a new window', () => {
    let nowMs = 0;
    const tracker = new SlowStartTracker(WINDOW_10S, () => nowMs);
    const hosts = makeEqualHosts(3);
    tracker.setHosts(hosts);
    nowMs = 20_000;
    expect([...tracker.setHosts(hosts.slice(0, 2))]).toEqual([0, 0]);
    expect(tracker.isAnyHostInSlowStart()).toBe(false);
    nowMs = 25_000;
    expect([...tracker.setHosts(hosts)]).toEqual([0, 0, 25_000]);
    expect(tracker.isAnyHostInSlowStart()).toBe(true);
  });
});

describe('slow start in the EDF balancers', () => {
  /** Four hosts long out of their window, then a fifth joins at t = 60 s; picks spread over `spanMs`. */
  function newHostShare(
    create: (now: () => number) => RoundRobinBalancer | LeastRequestBalancer,
    spanMs: number,
  ) {
    let nowMs = 0;
    const balancer = create(() => nowMs);
    balancer.setHosts(makeEqualHosts(4));
    nowMs = 60_000;
    balancer.setHosts(makeEqualHosts(5));
    const context = createContext({ random: createRng(7) });
    const picks: number[] = [];
    for (let step = 0; step < 5000; step += 1) {
      nowMs = 60_000 + (step * spanMs) / 5000;
      picks.push(balancer.pick(context));
    }
    return (countPicks(picks, 5)[4] ?? 0) / picks.length;
  }

  it('ROUND_ROBIN gives the new host about the integral of its ramp over the window', () => {
    const share = newHostShare((now) => new RoundRobinBalancer(3, { slowStart: WINDOW_10S }, now), 10_000);
    // Weight w(t) = max(0.1, t/10) against four hosts of weight 1: mean share over the window ≈ 0.12.
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.16);
    const without = newHostShare((now) => new RoundRobinBalancer(3, { slowStart: undefined }, now), 10_000);
    expect(without).toBeCloseTo(0.2, 3);
  });

  it('LEAST_REQUEST switches to the weighted schedule while a host ramps up', () => {
    const options = { choiceCount: 2, activeRequestBias: 1, slowStart: WINDOW_10S };
    const share = newHostShare((now) => new LeastRequestBalancer(options, 3, now), 10_000);
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.16);
  });

  it('ramps the new host to its full share once the window has passed', () => {
    let nowMs = 0;
    const balancer = new RoundRobinBalancer(3, { slowStart: WINDOW_10S }, () => nowMs);
    balancer.setHosts(makeEqualHosts(4));
    nowMs = 60_000;
    balancer.setHosts(makeEqualHosts(5));
    nowMs = 75_000;
    // The schedule stays (Envoy rebuilds only on host-set changes) but weights are now all 1 once re-inserted.
    pickMany(balancer, createContext({ random: createRng(1) }), 50);
    const counts = countPicks(pickMany(balancer, createContext({ random: createRng(1) }), 5000), 5);
    expect(counts[4]).toBeGreaterThanOrEqual(999);
    expect(counts[4]).toBeLessThanOrEqual(1001);
  });
});
