import { describe, expect, it } from 'vitest';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import { createLocalTestScenario } from '../../support/local-scenario.js';
import { runLocalBenchmark } from '../../support/run-local.js';

describe('traffic with keys on the local backend', () => {
  it('RING_HASH on the key header sends every key to one pod, and the key tally adds up', async () => {
    const scenario = createLocalTestScenario({
      policies: [envoyRow('RING_HASH')],
      load: {
        connections: 6,
        durationMs: 1500,
        warmupMs: 300,
        rateRps: undefined,
        timeoutMs: 5000,
        path: '/',
        generators: 2,
        keys: { header: 'x-user-id', count: 50, distribution: 'zipf', exponent: 1.1 },
      },
      upstream: { server: 'node', delayMs: 0, pods: [] },
    });
    const { results } = await runLocalBenchmark(scenario);

    expect(results.status).toBe('complete');
    const [run] = results.runs;
    const tally = run?.load.keyTally;
    expect(tally?.boundariesMs).toEqual([]);
    const period = tally?.periods[0] ?? {};
    const keys = Object.keys(period);
    // Zipf over 50 keys: the hot keys are certainly drawn, and more than one pod serves some key.
    expect(keys.length).toBeGreaterThan(10);
    expect(keys).toContain('user-1');
    for (const key of keys) expect(Object.keys(period[key] ?? {}), key).toHaveLength(1);
    const pods = new Set(keys.flatMap((key) => Object.keys(period[key] ?? {})));
    expect(pods.size).toBeGreaterThan(1);
    // Every response with a pod header was tallied under its key, merged over both generators.
    const keyed = keys.reduce(
      (sum, key) => sum + Object.values(period[key] ?? {}).reduce((a, b) => a + b, 0),
      0,
    );
    expect(keyed).toBe(Object.values(run?.load.podTally ?? {}).reduce((a, b) => a + b, 0));
    expect(run?.metrics.key_affinity).toBe(1);
    expect(run?.metrics.keys_moved).toBeNaN();
    expect(run?.keyFigures?.keys).toBe(keys.length);
  });
});
