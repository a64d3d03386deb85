import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSimulationBenchmark } from '../../../src/run/run-simulation-benchmark.js';
import { CLUSTER_IP_ROW } from '../../../src/scenario/cluster-ip-row.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import { changeScenario, loadSimFixture } from '../sim/sim-fixtures.js';
import { makeRecordingProgress } from '../backends/kube/fixtures.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('runSimulationBenchmark', () => {
  it('simulates the Envoy and CLUSTER_IP rows and names the skipped HAProxy/nginx rows instead of reporting them missing', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'lbbench-sim-'));
    dirs.push(outDir);
    const base = await loadSimFixture('small.yaml');
    const scenario = {
      ...changeScenario(base, {
        repetitions: 1,
        policies: [
          envoyRow('ROUND_ROBIN'),
          CLUSTER_IP_ROW,
          { name: 'haproxy:leastconn', proxy: 'haproxy', policy: 'leastconn' },
        ],
      }),
      gates: [
        { row: '*', expression: 'error_rate <= 0.01', origin: 'scenario' as const },
        { row: 'haproxy:leastconn', expression: 'jain >= 0.5', origin: 'scenario' as const },
      ],
    };
    const progress = makeRecordingProgress();
    const { results } = await runSimulationBenchmark({
      scenario,
      outDir,
      command: ['lbbench', 'sim'],
      signal: new AbortController().signal,
      progress,
    });
    expect(results.runs.map((run) => [run.row, run.counterSource])).toEqual([
      ['ROUND_ROBIN', 'envoy-clusters'],
      ['CLUSTER_IP', 'client-tally'],
    ]);
    expect(results.scenario.policies.map((row) => row.name)).toEqual(['ROUND_ROBIN', 'CLUSTER_IP']);
    expect(results.scenario.gates.map((gate) => gate.row)).toEqual(['*']);
    expect(results.environment.backend.details['skippedRows']).toBe(
      'haproxy:leastconn (HAProxy and nginx are not modelled)',
    );
    expect(progress.lines.join('\n')).toContain('Skipping haproxy:leastconn and their gates');
  });
});
