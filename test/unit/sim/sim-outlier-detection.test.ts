import { describe, expect, it } from 'vitest';
import { changeScenario, loadBundledScenario, simulate } from './sim-fixtures.js';

const POLICIES = ['ROUND_ROBIN', 'LEAST_REQUEST'] as const;

/** failing-pod.yaml with outlier detection alone (its rows also retry; sim-retries.test.ts covers that). */
async function loadWithoutRetries() {
  return changeScenario(await loadBundledScenario('failing-pod'), { proxy: { retries: undefined } });
}

describe('outlier detection in the simulator (failing-pod.yaml)', () => {
  it.each(POLICIES)(
    '%s: ejects the failing pod after its fifth 503; only requests already sent to it fail',
    async (policy) => {
      const scenario = changeScenario(await loadWithoutRetries(), {
        load: { durationMs: 5000, warmupMs: 500 },
      });
      const record = simulate(scenario, policy, 1);
      const fail = record.events.find((event) => event.action === 'fail');
      const ejection = record.healthEvents?.find((event) => event.action === 'eject');
      expect(ejection?.pod).toBe(fail?.podName);
      expect(ejection!.tMs).toBeGreaterThanOrEqual(fail!.appliedAtMs);
      // Five consecutive 503s eject; requests already on their way to the pod fail too, and that is all.
      expect(record.load.non2xx).toBeGreaterThanOrEqual(5);
      expect(record.load.non2xx).toBeLessThan(scenario.load.connections);
      const failing = record.hosts.find((host) => host.pod === fail?.podName);
      expect(failing?.delta.rq_error).toBe(record.load.non2xx);
    },
  );

  it.each(POLICIES)('%s: without it the failing pod keeps a share and errors pile up', async (policy) => {
    const scenario = changeScenario(await loadWithoutRetries(), {
      load: { durationMs: 5000, warmupMs: 500 },
      proxy: { outlierDetection: undefined },
    });
    const record = simulate(scenario, policy, 1);
    expect(record.healthEvents).toBeUndefined();
    const fail = record.events.find((event) => event.action === 'fail');
    const total = record.hosts.reduce((sum, host) => sum + host.delta.rq_total, 0);
    const failing = record.hosts.find((host) => host.pod === fail?.podName);
    // ROUND_ROBIN keeps its quarter; LEAST_REQUEST sends more, the fast 503s leave the pod idle.
    expect(failing!.delta.rq_total / total).toBeGreaterThanOrEqual(0.24);
    expect(record.load.non2xx).toBeGreaterThan(1000);
  });

  it('with max_ejection_percent at its default 10 % four pods eject nobody', async () => {
    const scenario = await loadWithoutRetries();
    const od = scenario.proxy.outlierDetection!;
    const record = simulate(
      changeScenario(scenario, {
        load: { durationMs: 5000, warmupMs: 500 },
        proxy: { outlierDetection: { ...od, maxEjectionPercent: undefined } },
      }),
      'ROUND_ROBIN',
      1,
    );
    expect(record.healthEvents).toBeUndefined();
  });
});
