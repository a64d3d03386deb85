import { describe, expect, it } from 'vitest';

import { decodeLatencyHistogram } from '../../../src/load/latency-histogram.js';
import type { RunRecord } from '../../../src/results/types.js';
import { createLocalTestScenario } from '../../support/local-scenario.js';
import { runLocalBenchmark } from '../../support/run-local.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';

function countTotals(run: RunRecord): Readonly<Record<string, number>> {
  return {
    proxyRqTotal: run.hosts.reduce((sum, host) => sum + host.delta.rq_total, 0),
    clientResponses: run.load.responses,
    headerTally: Object.values(run.load.podTally).reduce((sum, count) => sum + count, 0),
    latencySamples: run.load.latencySamples,
  };
}

describe('load generators on the local backend', () => {
  it('merges N generators into the same totals as one: Σ rq_total = client responses = header tally', async () => {
    const runs: RunRecord[] = [];
    for (const generators of [1, 3]) {
      const scenario = createLocalTestScenario({
        policies: [envoyRow('LEAST_REQUEST')],
        load: {
          connections: 6,
          durationMs: 1500,
          warmupMs: 300,
          rateRps: undefined,
          timeoutMs: 5000,
          path: '/',
          generators,
        },
        upstream: { server: 'node', delayMs: 0, pods: [] },
      });
      const { results } = await runLocalBenchmark(scenario);
      expect(results.scenario.load.generators).toBe(generators);
      runs.push(results.runs[0] as RunRecord);
    }
    for (const [index, run] of runs.entries()) {
      const totals = countTotals(run);
      expect(totals.clientResponses).toBeGreaterThan(0);
      // Each count of the merged client view is the proxy's, exactly, for 1 generator as for 3.
      expect(totals).toEqual({
        proxyRqTotal: totals.clientResponses,
        clientResponses: totals.clientResponses,
        headerTally: totals.clientResponses,
        latencySamples: totals.clientResponses,
      });
      expect(run.crossCheck).toMatchObject({ isConsistent: true, notes: [] });
      for (const host of run.hosts) expect(host.clientResponses).toBe(host.delta.rq_total);
      expect(run.load.connections).toBe(6);
      expect(run.load.client).toMatchObject({ path: 'local-process', generators: index === 0 ? 1 : 3 });
      // The stored histogram is the merged one the percentiles come from.
      expect(decodeLatencyHistogram(run.load.client?.latencyHistogramUs ?? '').totalCount).toBe(
        run.load.latencySamples,
      );
      expect(run.load.latency.resolutionMs).toBe(0.001);
    }
  });
});
