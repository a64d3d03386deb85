import { describe, expect, it } from 'vitest';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import { simulateRun } from '../../../src/sim/simulate.js';
import { changeScenario, loadBundledScenario } from './sim-fixtures.js';

describe('simulated keys', () => {
  it('keeps every key on one pod for RING_HASH and MAGLEV without host-set changes, and tallies every 2xx', async () => {
    const base = await loadBundledScenario('hash-keys');
    const scenario = changeScenario(base, { events: [], load: { durationMs: 2000, warmupMs: 200 } });
    for (const policy of ['RING_HASH', 'MAGLEV'] as const) {
      const run = simulateRun({ scenario: scenario, row: envoyRow(policy), repetition: 0, seed: 1 });
      const period = run.load.keyTally?.periods[0] ?? {};
      const counts = Object.values(period);
      expect(counts.length).toBeGreaterThan(500);
      for (const pods of counts) expect(Object.keys(pods)).toHaveLength(1);
      const keyed = counts.reduce((sum, pods) => sum + Object.values(pods).reduce((a, b) => a + b, 0), 0);
      expect(keyed).toBe(run.load.status2xx);
      expect(run.metrics.key_affinity).toBe(1);
    }
  });

  it('moves about 1/5 of the keys for MAGLEV at 4 → 5 pods, and most for RANDOM', async () => {
    const scenario = changeScenario(await loadBundledScenario('hash-keys'), {
      load: { durationMs: 8000, warmupMs: 200 },
      events: [{ atMs: 4000, action: 'scale', replicas: 5 }],
    });
    const maglev = simulateRun({ scenario: scenario, row: envoyRow('MAGLEV'), repetition: 0, seed: 1 });
    expect(maglev.keyFigures?.events).toHaveLength(1);
    expect(maglev.metrics.keys_moved).toBeGreaterThan(0.12);
    expect(maglev.metrics.keys_moved).toBeLessThan(0.28);
    const random = simulateRun({ scenario: scenario, row: envoyRow('RANDOM'), repetition: 0, seed: 1 });
    expect(random.metrics.keys_moved).toBeGreaterThan(0.5);
    expect(random.metrics.key_affinity).toBeLessThan(0.5);
  });

  it("tallies a failing pod's own 503s per key, and splits the periods at the fault without a host-set change", async () => {
    const scenario = changeScenario(await loadBundledScenario('hash-keys'), {
      load: { durationMs: 2000, warmupMs: 200 },
      events: [{ atMs: 1000, action: 'fail', pod: 1 }],
    });
    const run = simulateRun({ scenario: scenario, row: envoyRow('MAGLEV'), repetition: 0, seed: 1 });
    const keyed = (run.load.keyTally?.periods ?? []).flatMap((period) =>
      Object.values(period).flatMap((pods) => Object.values(pods)),
    );
    // Without outlier detection every answer comes from a pod (its 200 or, once failing, its 503), as live.
    expect(keyed.reduce((sum, count) => sum + count, 0)).toBe(run.load.status2xx + run.load.non2xx);
    expect(run.load.non2xx).toBeGreaterThan(0);
    expect(run.keyFigures?.events).toEqual([
      expect.objectContaining({ atMs: 1000, actions: ['fail'], isHostSetChange: false, keysMoved: 0 }),
    ]);
    expect(run.metrics.keys_moved).toBeNaN();
    expect(run.metrics.key_affinity).toBe(1);
  });

  it('retries a keyed request on its hashed pod, or off it with previous_hosts', async () => {
    const retries = (previousHosts: boolean) => ({
      retryOn: ['5xx'] as const,
      numRetries: 1,
      perTryTimeoutMs: undefined,
      previousHosts,
      hostSelectionRetryMaxAttempts: 3,
    });
    const failing = async (previousHosts: boolean) =>
      changeScenario(await loadBundledScenario('hash-keys'), {
        events: [],
        proxy: { retries: retries(previousHosts) },
        // Two connections hold at most two retries at once: Envoy's max_retries breaker (3) never overflows.
        load: { connections: 2, durationMs: 2000, warmupMs: 200 },
        upstream: { pods: [{ index: 1, errorRate: 1 }] },
      });
    const stays = simulateRun({
      scenario: await failing(false),
      row: envoyRow('MAGLEV'),
      repetition: 0,
      seed: 1,
    });
    // The retry hashes the key again and lands on the same failing pod: its keys keep their one pod.
    expect(stays.load.non2xx).toBeGreaterThan(0);
    expect(stays.metrics.key_affinity).toBe(1);
    const moves = simulateRun({
      scenario: await failing(true),
      row: envoyRow('MAGLEV'),
      repetition: 0,
      seed: 1,
    });
    // previous_hosts moves each retry off the failing pod, so its keys are answered by other pods.
    expect(moves.load.non2xx).toBeLessThan(stays.load.non2xx / 10);
    const keyed = (moves.load.keyTally?.periods ?? []).flatMap((period) => Object.values(period));
    expect(keyed.every((pods) => Object.keys(pods).length === 1)).toBe(true);
  });

  it('draws the same keys for the same seed', async () => {
    const scenario = changeScenario(await loadBundledScenario('hash-keys'), {
      events: [],
      load: { durationMs: 500, warmupMs: 0 },
    });
    expect(
      simulateRun({ scenario: scenario, row: envoyRow('RANDOM'), repetition: 0, seed: 1 }).load.keyTally,
    ).toEqual(
      simulateRun({ scenario: scenario, row: envoyRow('RANDOM'), repetition: 0, seed: 1 }).load.keyTally,
    );
  });
});
