import { describe, expect, it } from 'vitest';
import type { HealthCheckSpec, Scenario, ScenarioEvent } from '../../../src/scenario/types.js';
import { changeScenario, loadBundledScenario, simulate } from './sim-fixtures.js';

const CHECK: HealthCheckSpec = {
  intervalMs: 1000,
  timeoutMs: 200,
  unhealthyThreshold: 3,
  healthyThreshold: 1,
  path: '/healthz',
};

/** failing-pod.yaml with health checks alone (no outlier detection, no retries) and the given event on pod 1. */
async function loadWithChecks(
  event: ScenarioEvent,
  healthCheck: HealthCheckSpec | undefined,
): Promise<Scenario> {
  return changeScenario(await loadBundledScenario('failing-pod'), {
    events: [event],
    proxy: { outlierDetection: undefined, retries: undefined, healthCheck },
    load: { durationMs: 8000, warmupMs: 500, timeoutMs: 1000 },
  });
}

describe('active health checks in the simulator', () => {
  it('a pod that starts answering 503 fails its next check at once (a response failure ignores the threshold)', async () => {
    const record = simulate(
      await loadWithChecks({ atMs: 3000, action: 'fail', pod: 1 }, CHECK),
      'ROUND_ROBIN',
      1,
    );
    const events = record.healthEvents ?? [];
    expect(events.map((event) => event.action)).toEqual(['hc-fail']);
    const [failed] = events;
    expect(failed!.pod).toBe(record.initialPods[1]!.name);
    // Checks run one interval after the previous one ended (a few ms each): the first after 3 s fails.
    expect(failed!.tMs).toBeGreaterThan(3000);
    expect(failed!.tMs).toBeLessThan(3000 + CHECK.intervalMs + 50);
  });

  it.each(['ROUND_ROBIN', 'LEAST_REQUEST'] as const)(
    '%s: once failed_active_hc the failing pod gets nothing, so its share and the errors drop',
    async (policy) => {
      const event: ScenarioEvent = { atMs: 3000, action: 'fail', pod: 1 };
      const checked = simulate(await loadWithChecks(event, CHECK), policy, 1);
      const unchecked = simulate(await loadWithChecks(event, undefined), policy, 1);
      expect(unchecked.healthEvents).toBeUndefined();
      const share = (record: typeof checked) => record.distribution.shares[1]!;
      expect(share(checked)).toBeLessThan(share(unchecked) - 0.1);
      expect(checked.load.non2xx).toBeLessThan(unchecked.load.non2xx / 3);
      expect(checked.hosts[1]!.delta.rq_error).toBe(checked.load.non2xx);
    },
  );

  it('a hung pod fails after unhealthy_threshold timed-out checks in a row', async () => {
    const record = simulate(
      await loadWithChecks({ atMs: 3000, action: 'hang', pod: 1 }, CHECK),
      'ROUND_ROBIN',
      1,
    );
    const failed = (record.healthEvents ?? []).find((event) => event.action === 'hc-fail');
    // Three checks time out (200 ms each) with an interval (1 s) between them, the first one starting within an
    // interval of the hang.
    const cycleMs = CHECK.intervalMs + CHECK.timeoutMs;
    const earliestMs = 3000 + (CHECK.unhealthyThreshold - 1) * cycleMs + CHECK.timeoutMs;
    expect(failed?.tMs).toBeGreaterThanOrEqual(earliestMs);
    expect(failed?.tMs).toBeLessThanOrEqual(earliestMs + CHECK.intervalMs + 50);
  });

  it('a killed pod that DNS dropped stays in the cluster until its checks fail, then leaves', async () => {
    const event: ScenarioEvent = { atMs: 3000, action: 'kill', pod: 1 };
    const check = { ...CHECK, intervalMs: 2000, unhealthyThreshold: 2 };
    const record = simulate(await loadWithChecks(event, check), 'ROUND_ROBIN', 1);
    const failed = (record.healthEvents ?? []).find((healthEvent) => healthEvent.action === 'hc-fail');
    // Two refused checks an interval apart: the second comes at least an interval after the kill.
    expect(failed?.tMs).toBeGreaterThan(3000 + check.intervalMs);
    expect(failed?.tMs).toBeLessThan(3000 + 2 * check.intervalMs + 50);
    // Until then the proxy keeps sending the dead pod requests (each refused: cx_connect_fail, a 503); without
    // health checks the next DNS refresh (2 s) drops it sooner.
    const unchecked = simulate(await loadWithChecks(event, undefined), 'ROUND_ROBIN', 1);
    const refused = (run: typeof record) => run.hosts[1]!.delta.cx_connect_fail;
    expect(refused(record)).toBeGreaterThan(refused(unchecked));
  });
});
