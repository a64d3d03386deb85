import { describe, expect, it } from 'vitest';
import { createBalancer, type LbPolicy } from 'lbbench-proxy';
import type { Scenario } from '../../../src/scenario/types.js';
import { runSimEngine } from '../../../src/sim/sim-engine.js';
import type { SimOutcome } from '../../../src/sim/sim-types.js';
import { changeScenario, loadSimFixture, simulate, sum } from './sim-fixtures.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';

const small = await loadSimFixture('small.yaml');
const POLICIES = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM'] as const;

/** 3 pods for 4 s of 20 closed-loop connections, no request limit. */
const base = changeScenario(small, {
  replicas: 3,
  load: { durationMs: 4000, warmupMs: 100 },
  sim: { requests: undefined },
});

function runEngine(scenario: Scenario, policy: LbPolicy, seed: number): SimOutcome {
  return runSimEngine({
    scenario,
    row: envoyRow(policy),
    seed,
    isClusterIp: false,
    createBalancer,
  });
}

describe('scale up', () => {
  const scaleUp = changeScenario(base, {
    proxy: { dnsRefreshRateMs: 700 },
    events: [{ atMs: 1500, action: 'scale', replicas: 6 }],
  });

  it.each(POLICIES)(
    '%s: new pods get traffic only after the next DNS refresh, then all of them do',
    (policy) => {
      for (let seed = 1; seed <= 5; seed += 1) {
        const outcome = runEngine(scaleUp, policy, seed);
        const change = outcome.hostSets.find((set) => set.podIds.length === 6);
        expect(change).toBeDefined();
        // The refresh that brings them is the first one at or after the event, less than one period later.
        expect(change!.tMs).toBeGreaterThanOrEqual(1500);
        expect(change!.tMs).toBeLessThan(1500 + 700);
        for (const id of [3, 4, 5]) {
          expect(outcome.firstDispatchMs[id]).toBeGreaterThanOrEqual(change!.tMs);
          expect(outcome.counters.rqTotal[id]).toBeGreaterThan(0);
        }
      }
    },
  );

  it('shows the new pods in the record: absent at the start, present at the end, no zero-hit pod', () => {
    const record = simulate(scaleUp, 'ROUND_ROBIN', 1);
    expect(record.hosts.map((host) => [host.presentAtStart, host.presentAtEnd])).toEqual([
      ...Array.from({ length: 3 }, () => [true, true]),
      ...Array.from({ length: 3 }, () => [false, true]),
    ]);
    expect(record.events).toEqual([
      expect.objectContaining({ action: 'scale', replicas: 6, appliedAtMs: 1500 }),
    ]);
    expect(record.events[0]?.detail).toMatch(
      /^scaled 3 → 6: created myapp-\S+, myapp-\S+, myapp-\S+; the proxy sees/,
    );
    expect(record.metrics.zero_hit_pods).toBe(0);
    // Before the event only the first three pods appear in the timeline.
    expect(Object.keys(record.timeline[0]?.rqTotal ?? {})).toEqual([
      '127.0.1.1:80',
      '127.0.1.2:80',
      '127.0.1.3:80',
    ]);
  });

  it('leaves the new pods without traffic when no refresh comes before the end (zero-hit pods)', () => {
    const slowDns = changeScenario(scaleUp, { proxy: { dnsRefreshRateMs: 60_000 } });
    let runsWithoutRefresh = 0;
    for (let seed = 1; seed <= 5; seed += 1) {
      const record = simulate(slowDns, 'RANDOM', seed);
      // The first refresh falls at a random phase of 60 s: within this 4.1 s run only if it lands early.
      const outcome = runEngine(slowDns, 'RANDOM', seed);
      const sawNewPods = outcome.hostSets.some((set) => set.podIds.length === 6);
      expect(record.metrics.zero_hit_pods).toBe(sawNewPods ? 0 : 3);
      expect(record.distribution.pods).toBe(6);
      if (!sawNewPods) runsWithoutRefresh += 1;
    }
    expect(runsWithoutRefresh).toBeGreaterThan(0);
  });
});

describe('kill', () => {
  const kill = changeScenario(base, {
    proxy: { dnsRefreshRateMs: 500 },
    load: { connections: 30 },
    sim: { baseServiceTimeMs: 10 },
    events: [{ atMs: 1000, action: 'kill', pod: 1 }],
  });

  it.each(POLICIES)(
    '%s: the killed pod’s requests in flight fail as errors, then connections are refused until the refresh',
    (policy) => {
      const record = simulate(kill, policy, 3);
      const killed = record.hosts[1]!;
      const inFlight = Number(
        /: (\d+) request\(s\) in flight failed/.exec(record.events[0]?.detail ?? '')?.[1],
      );
      expect(inFlight).toBeGreaterThan(0);
      // Failed in flight: counted in rq_total (they reached the pod) and rq_error, never in rq_success.
      expect(killed.delta.rq_total - killed.delta.rq_success).toBe(inFlight);
      expect(killed.delta.rq_error).toBe(inFlight + killed.delta.cx_connect_fail);
      expect(killed.delta.cx_connect_fail).toBeGreaterThan(0);
      expect(killed.presentAtEnd).toBe(false);
      // Other pods see no error.
      for (const host of [record.hosts[0]!, record.hosts[2]!]) expect(host.delta.rq_error).toBe(0);
      // The client got a 503 for each: non-2xx, without a pod header.
      expect(record.load.non2xx).toBe(killed.delta.rq_error);
      expect(record.load.untallied).toBe(record.load.non2xx);
      expect(record.load.responses).toBe(record.load.requestsSent);
      expect(record.metrics.error_rate).toBeCloseTo(record.load.non2xx / record.load.responses, 12);
      expect(record.metrics.error_rate).toBeGreaterThan(0);
      expect(record.crossCheck.isConsistent).toBe(false);
      expect(sum(record.hosts.map((host) => host.delta.rq_total))).toBe(
        record.load.responses - killed.delta.cx_connect_fail,
      );
    },
  );

  it('sends the killed pod nothing after the refresh that removes it', () => {
    const outcome = runEngine(kill, 'ROUND_ROBIN', 3);
    const removal = outcome.hostSets.find((set) => !set.podIds.includes(1));
    expect(removal).toBeDefined();
    const laterSeconds = outcome.buckets.slice(Math.ceil(removal!.tMs / outcome.bucketMs));
    expect(laterSeconds.length).toBeGreaterThan(0);
    for (const counts of laterSeconds) expect(counts[1]).toBe(0);
  });
});

describe('scale down', () => {
  it.each(POLICIES)('%s: pods scaled away drain: no request fails', (policy) => {
    const scaleDown = changeScenario(base, {
      replicas: 5,
      proxy: { dnsRefreshRateMs: 400 },
      events: [{ atMs: 1000, action: 'scale', replicas: 2 }],
    });
    const record = simulate(scaleDown, policy, 4);
    expect(record.metrics.error_rate).toBe(0);
    expect(record.load.non2xx + record.load.timeouts).toBe(0);
    expect(record.crossCheck.isConsistent).toBe(true);
    // The newest pods go: 3 of 5, still present at the start, gone at the end.
    expect(record.hosts.map((host) => host.presentAtEnd)).toEqual([true, true, false, false, false]);
    expect(record.events[0]?.detail).toMatch(/^scaled 5 → 2: removed /);
  });

  it('removes a killed pod first', () => {
    const killThenShrink = changeScenario(base, {
      events: [
        { atMs: 500, action: 'kill', pod: 0 },
        { atMs: 1000, action: 'scale', replicas: 2 },
      ],
    });
    const record = simulate(killThenShrink, 'RANDOM', 1);
    const removedName = record.hosts[0]?.pod ?? '';
    expect(record.events[1]?.detail).toContain(`removed ${removedName} `);
  });
});

describe('slow and timeouts', () => {
  it('a slow event changes the pod’s latency from then on', () => {
    const slow = changeScenario(base, {
      sim: { serviceTime: 'fixed', baseServiceTimeMs: 1 },
      events: [{ atMs: 2000, action: 'slow', pod: 2, delayMs: 30 }],
    });
    const record = simulate(slow, 'ROUND_ROBIN', 2);
    expect(record.load.latency.maxMs).toBeCloseTo(31, 6);
    expect(record.load.latency.minMs).toBeCloseTo(1, 6);
    expect(record.events[0]?.detail).toMatch(/\(127\.0\.1\.3:80\) now adds 30 ms/);
  });

  it('counts responses slower than load.timeout as client timeouts, not responses', () => {
    const timeouts = changeScenario(base, {
      load: { timeoutMs: 50 },
      events: [{ atMs: 1000, action: 'slow', pod: 0, delayMs: 100 }],
    });
    const record = simulate(timeouts, 'ROUND_ROBIN', 2);
    const slowHost = record.hosts[0]!;
    expect(record.load.timeouts).toBeGreaterThan(0);
    expect(slowHost.delta.rq_total - slowHost.delta.rq_success).toBe(record.load.timeouts);
    expect(record.load.responses + record.load.timeouts).toBe(record.load.requestsSent);
    expect(record.load.latency.maxMs).toBeLessThanOrEqual(50);
    expect(record.metrics.error_rate).toBeGreaterThan(0);
  });

  it('records an event on a pod that is not there without changing anything', () => {
    const missing = changeScenario(base, { events: [{ atMs: 100, action: 'slow', pod: 9, delayMs: 5 }] });
    expect(simulate(missing, 'RANDOM', 1).events[0]?.detail).toBe('no pod at index 9; nothing changed');
  });
});
