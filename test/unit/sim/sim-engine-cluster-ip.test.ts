import { createBalancer } from 'lbbench-proxy';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../src/scenario/types.js';
import { CLUSTER_IP_ROW } from '../../../src/scenario/cluster-ip-row.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import { runSimEngine } from '../../../src/sim/sim-engine.js';
import type { SimOutcome } from '../../../src/sim/sim-types.js';
import { changeScenario, loadSimFixture, sum } from './sim-fixtures.js';

const small = await loadSimFixture('small.yaml');
/** 3 pods, 5 long-lived closed-loop connections, fixed service time: the why-l7 shape. */
const fiveConnections = changeScenario(small, {
  replicas: 3,
  load: { connections: 5, durationMs: 4000, warmupMs: 0, rateRps: undefined },
  sim: { requests: undefined, serviceTime: 'fixed' },
});

function run(scenario: Scenario, isClusterIp: boolean, seed: number): SimOutcome {
  const row = isClusterIp ? CLUSTER_IP_ROW : envoyRow('ROUND_ROBIN');
  return runSimEngine({ scenario, row, seed, createBalancer });
}

const countsOf = (outcome: SimOutcome): number[] => outcome.counters.rqTotal.slice(0, 3);

describe('CLUSTER_IP in the simulator', () => {
  it.each([1, 2, 3, 4, 5, 6])(
    'seed %i: each pod gets whole connections (a multiple of one connection’s requests), 5 over 3 never even',
    (seed) => {
      const counts = countsOf(run(fiveConnections, true, seed));
      const perConnection = sum(counts) / 5;
      const connectionsPerPod = counts.map((count) => Math.round(count / perConnection));
      expect(sum(connectionsPerPod)).toBe(5);
      counts.forEach((count, pod) => {
        expect(Math.abs(count - (connectionsPerPod[pod] ?? 0) * perConnection)).toBeLessThanOrEqual(5);
      });
      expect(Math.max(...counts) - Math.min(...counts)).toBeGreaterThanOrEqual(perConnection - 5);
    },
  );

  it('where ROUND_ROBIN behind the proxy spreads the same load evenly', () => {
    const counts = countsOf(run(fiveConnections, false, 1));
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('rebinds the connections of a killed pod to the pods left, which then take all the load', () => {
    const kill = changeScenario(fiveConnections, { events: [{ atMs: 1000, action: 'kill', pod: 0 }] });
    const outcome = run(kill, true, 2);
    const secondsAfterKill = outcome.buckets.slice(Math.ceil(1500 / outcome.bucketMs));
    const toKilledPod = sum(secondsAfterKill.map((bucket) => bucket[0] ?? 0));
    const toOthers = sum(secondsAfterKill.map((bucket) => (bucket[1] ?? 0) + (bucket[2] ?? 0)));
    expect(toKilledPod).toBe(0);
    expect(toOthers).toBeGreaterThan(0);
  });
});
