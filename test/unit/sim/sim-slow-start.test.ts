import { describe, expect, it } from 'vitest';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import type { EnvoyPolicyEntry } from '../../../src/scenario/types.js';
import { simulate, simulateRun } from '../../../src/sim/simulate.js';
import { changeScenario, loadSimFixture } from './sim-fixtures.js';

const small = await loadSimFixture('small.yaml');
/** Four pods, a fifth after 1 s; the proxy refreshes DNS every 100 ms. */
const scaleUp = changeScenario(small, {
  replicas: 4,
  events: [{ atMs: 1000, action: 'scale', replicas: 5 }],
  proxy: { dnsRefreshRateMs: 100, concurrency: 1 },
  load: { durationMs: 8000, warmupMs: 0 },
  sim: { requests: undefined },
});

/** The new pod's share of the requests in the 2 s after it first got one. */
function newPodShare(row: EnvoyPolicyEntry): number {
  const record = simulateRun({ scenario: scaleUp, row, repetition: 0, seed: 3 });
  const newPod = record.timeline.find((point) => Object.keys(point.rqTotal).length === 5);
  const fifth = Object.keys(newPod?.rqTotal ?? {}).find(
    (key) => !record.timeline[0]?.rqTotal[key] && record.timeline[0] !== undefined,
  );
  const startMs = newPod?.tMs ?? 0;
  let fresh = 0;
  let all = 0;
  for (const point of record.timeline) {
    if (point.tMs < startMs || point.tMs >= startMs + 2000) continue;
    for (const [key, count] of Object.entries(point.rqTotal)) {
      all += count;
      if (key === fifth) fresh += count;
    }
  }
  return fresh / all;
}

describe('slow start in the simulator', () => {
  // Least request's weight / (active + 1) makes up part of the ramp: the slow new pod has fewer requests in flight.
  it.each([
    ['ROUND_ROBIN', 0.15],
    ['LEAST_REQUEST', 0.18],
  ] as const)('%s ramps a new pod up over the window (share below %s)', (policy, bound) => {
    const withSlowStart = newPodShare({
      ...envoyRow(policy),
      settings: { slowStart: { windowMs: 10_000, aggression: 1, minWeightPercent: 10 } },
    });
    const without = newPodShare(envoyRow(policy));
    // Without slow start the fifth pod takes its fair 20 % at once; with a 10 s window it starts near the 10 % floor.
    expect(without).toBeGreaterThan(0.17);
    expect(withSlowStart).toBeLessThan(bound);
    expect(withSlowStart).toBeLessThan(without - 0.03);
  });

  it('lbbench sim takes a scenario whose rows set slowStart', () => {
    const row: EnvoyPolicyEntry = {
      ...envoyRow('ROUND_ROBIN'),
      name: 'RR-SLOW-START',
      settings: { slowStart: { windowMs: 1000, aggression: 1, minWeightPercent: 10 } },
    };
    const records = [...simulate(changeScenario(small, { policies: [row] }))];
    expect(records.map((record) => record.row)).toEqual(['RR-SLOW-START']);
  });
});

describe('slow start and pod health in the simulator (Envoy last_hc_pass_time)', () => {
  const RAMP = { windowMs: 5000, aggression: 1, minWeightPercent: 10 };
  /** Four pods long out of their window; pod 1 fails at 10 s and recovers at 11 s. Its share in 12–13 s. */
  function recoveredPodShare(proxy: Parameters<typeof changeScenario>[1]['proxy']): number {
    const scenario = changeScenario(small, {
      replicas: 4,
      events: [
        { atMs: 10_000, action: 'fail', pod: 1 },
        { atMs: 11_000, action: 'recover', pod: 1 },
      ],
      proxy: { concurrency: 1, ...proxy },
      load: { durationMs: 14_000, warmupMs: 0 },
      sim: { requests: undefined },
    });
    const row: EnvoyPolicyEntry = { ...envoyRow('ROUND_ROBIN'), settings: { slowStart: RAMP } };
    const record = simulateRun({ scenario, row, repetition: 0, seed: 3 });
    const address = record.initialPods[1]!.address;
    let own = 0;
    let all = 0;
    for (const point of record.timeline) {
      if (point.tMs < 12_000 || point.tMs >= 13_000) continue;
      for (const [key, count] of Object.entries(point.rqTotal)) {
        all += count;
        if (key === address) own += count;
      }
    }
    return own / all;
  }

  it('a pod that passes active health checking after failing starts a new window', () => {
    const share = recoveredPodShare({
      healthCheck: { intervalMs: 200, timeoutMs: 100, unhealthyThreshold: 1, healthyThreshold: 1, path: '/' },
    });
    // Weight about (1.5 s / 5 s) against three pods of weight 1: well under a quarter, but back in the set.
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.15);
  });

  it('a pod that outlier detection ejected and returned keeps its finished window', () => {
    const share = recoveredPodShare({
      outlierDetection: {
        consecutive5xx: 5,
        consecutiveGatewayFailure: undefined,
        intervalMs: 100,
        baseEjectionTimeMs: 1000,
        maxEjectionTimeMs: undefined,
        maxEjectionPercent: 100,
        successRate: undefined,
      },
    });
    expect(share).toBeGreaterThan(0.22);
  });
});
