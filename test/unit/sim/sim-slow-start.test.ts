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
