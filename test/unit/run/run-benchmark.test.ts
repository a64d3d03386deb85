import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ClusterError, CollectError } from '../../../src/errors.js';
import type { ProgressSink } from '../../../src/progress.js';
import type { ResultsFile } from '../../../src/results/types.js';
import { runBenchmark, type BenchmarkOutcome } from '../../../src/run/run-benchmark.js';
import type { Scenario } from '../../../src/scenario/types.js';
import { createLocalTestScenario } from '../../support/local-scenario.js';
import { createFakeDrivers, type FakeDrivers, RecordingBackend } from '../../support/recording-backend.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';

const SCENARIO_WITH_EVENTS = createLocalTestScenario({
  policies: [envoyRow('ROUND_ROBIN'), envoyRow('LEAST_REQUEST'), envoyRow('RANDOM')],
  events: [
    { atMs: 200, action: 'scale', replicas: 5 },
    { atMs: 400, action: 'kill', pod: 1 },
  ],
});

async function run(
  scenario: Scenario,
  backend: RecordingBackend,
  drivers: FakeDrivers = createFakeDrivers(backend),
): Promise<{ outcome: BenchmarkOutcome; warnings: string[]; written: ResultsFile }> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'lbbench-run-unit-'));
  onTestFinished(() => rm(outDir, { recursive: true, force: true }));
  const warnings: string[] = [];
  const progress: ProgressSink = {
    step: () => undefined,
    update: () => undefined,
    warn: (m) => warnings.push(m),
  };
  const state = { isDone: false };
  const running = runBenchmark({
    scenario,
    backend,
    outDir,
    command: ['lbbench', 'run'],
    signal: new AbortController().signal,
    progress,
    drivers,
  }).finally(() => {
    state.isDone = true;
  });
  // Waits poll on the manual clock: move it on until the benchmark ends.
  while (!state.isDone) await drivers.clock.advance(5_000);
  const outcome = await running;
  const written = JSON.parse(await readFile(path.join(outDir, 'results.json'), 'utf8')) as ResultsFile;
  return { outcome, warnings, written };
}

describe('runBenchmark', () => {
  it('resets the cluster before every run, so each policy starts from 3 Ready pods despite the scale and the kill', async () => {
    const backend = new RecordingBackend(3);
    const { outcome, written } = await run(SCENARIO_WITH_EVENTS, backend);
    expect(outcome.failure).toBeUndefined();
    const lifecycle = backend.log.filter(
      (entry) => !entry.startsWith('snapshot') && !entry.startsWith('load'),
    );
    expect(lifecycle).toEqual([
      'up',
      ...['ROUND_ROBIN seed 7', 'LEAST_REQUEST seed 8', 'RANDOM seed 9'].flatMap((deployment) => [
        'reset',
        `deployProxy ${deployment}`,
        'scale 5',
        expect.stringMatching(/^kill pod-\d+$/) as string,
        'removeProxy',
      ]),
      'down',
    ]);
    expect(written.runs.map((record) => record.seed)).toEqual([7, 8, 9]);
    for (const record of written.runs) {
      expect(record.initialPods).toHaveLength(3);
      expect(record.events.map((event) => event.detail)).toEqual([
        'scaled myapp from 3 to 5 replicas',
        expect.stringMatching(/^killed pod-\d+/) as string,
      ]);
    }
    // The pod killed in a run is replaced by a fresh one for the next.
    const [first, second] = written.runs;
    const killedInFirst = first?.events[1]?.detail.split(' ')[1];
    expect(first?.initialPods.map((pod) => pod.name)).toContain(killedInFirst);
    expect(second?.initialPods.map((pod) => pod.name)).not.toContain(killedInFirst);
  });

  it('fails with a ClusterError when the backend does not bring the initial pods back, and measures nothing more', async () => {
    const backend = new RecordingBackend(3);
    backend.isResetting = false;
    const { outcome, written } = await run(SCENARIO_WITH_EVENTS, backend);
    expect(outcome.failure).toBeInstanceOf(ClusterError);
    expect((outcome.failure as Error).message).toMatch(
      /^Timed out after 300 s waiting for the 3 initial myapp pods to be Ready; last status: 4\/3 Ready, 1 not Ready\./,
    );
    expect(written.status).toBe('partial');
    expect(written.runs).toHaveLength(1);
    expect(backend.log.filter((entry) => entry.startsWith('deployProxy'))).toHaveLength(1);
  });

  it('fails when the proxy does not list exactly the initial pods, and removes that proxy', async () => {
    const backend = new RecordingBackend(3);
    const drivers = createFakeDrivers(backend);
    const listReadyPods = drivers.fetchClusters;
    const withStrangerHost: FakeDrivers = {
      ...drivers,
      fetchClusters: async (adminUrl, options) => {
        const snapshot = await listReadyPods(adminUrl, options);
        const [cluster] = snapshot.clusters;
        const stranger = { ...cluster!.hosts[0]!, address: '10.9.9.9:80' };
        return { ...snapshot, clusters: [{ ...cluster!, hosts: [...cluster!.hosts, stranger] }] };
      },
    };
    const { outcome } = await run(createLocalTestScenario(), backend, withStrangerHost);
    expect((outcome.failure as Error).message).toMatch(
      /list exactly the 3 Ready pods; last status: lists 3\/3 pod IPs; other hosts 10\.9\.9\.9\./,
    );
    expect(backend.log.filter((entry) => !entry.startsWith('snapshot'))).toEqual([
      'up',
      'reset',
      'deployProxy ROUND_ROBIN seed 7',
      'removeProxy',
      'down',
    ]);
  });

  it('reports the measurement failure (not the failed proxy removal after it), brings the backend down and writes results.json', async () => {
    const backend = new RecordingBackend(3);
    backend.failures.removeProxy = new Error('the proxy would not stop');
    const drivers = createFakeDrivers(backend);
    // The 1st snapshot is the check that the proxy lists the pods, the 2nd starts the measured window.
    drivers.failSnapshot = { n: 2, error: new CollectError('GET http://admin-1/clusters failed') };
    const { outcome, warnings, written } = await run(createLocalTestScenario(), backend, drivers);
    expect(outcome.failure).toBeInstanceOf(CollectError);
    // The test moves the clock on while the benchmark writes files: times vary, the order does not.
    expect(backend.log.map((entry) => entry.replace(/ @\d+$/, ''))).toEqual([
      'up',
      'reset',
      'deployProxy ROUND_ROBIN seed 7',
      'snapshot',
      'load start',
      'snapshot',
      'removeProxy',
      'down',
    ]);
    expect(warnings).toEqual(['removing the ROUND_ROBIN proxy failed: the proxy would not stop']);
    expect(written.status).toBe('failed');
    expect(written.error).toBe('GET http://admin-1/clusters failed');
  });
});
