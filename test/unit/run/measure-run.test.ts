import { describe, expect, it } from 'vitest';
import { AbortedError, ClusterError, CollectError } from '../../../src/errors.js';
import { SILENT_PROGRESS } from '../../../src/progress.js';
import type { RunRecord } from '../../../src/results/types.js';
import type { CounterSourceKind } from '../../../src/backends/backend.js';
import type { RunLocalGeneratorsOptions } from '../../../src/load/run-local-generators.js';
import { measureRun } from '../../../src/run/measure-run.js';
import type { ScenarioEvent } from '../../../src/scenario/types.js';
import { createLocalTestScenario } from '../../support/local-scenario.js';
import { settle } from '../../support/manual-clock.js';
import { createFakeDrivers, RecordingBackend } from '../../support/recording-backend.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';

async function measure(
  events: readonly ScenarioEvent[],
  signal = new AbortController().signal,
  counterSource: CounterSourceKind = 'envoy-clusters',
) {
  const backend = new RecordingBackend(3);
  backend.counterSource = counterSource;
  await backend.up();
  backend.log.length = 0;
  const fake = createFakeDrivers(backend);
  // The client saw pod-1 twice as often as pod-2 and never pod-3.
  const drivers = {
    ...fake,
    runLoad: async (options: RunLocalGeneratorsOptions) => ({
      ...(await fake.runLoad(options)),
      responses: 30,
      status2xx: 30,
      podTally: { 'pod-1': 20, 'pod-2': 10 },
    }),
  };
  const endpoints = await backend.deployProxy({ row: envoyRow('ROUND_ROBIN'), seed: 42 });
  backend.log.length = 0;
  const scenario = createLocalTestScenario({
    events,
    load: {
      connections: 4,
      durationMs: 1000,
      warmupMs: 0,
      rateRps: undefined,
      timeoutMs: 5000,
      path: '/',
      generators: 1,
    },
  });
  const outcome = await measureRun({
    backend,
    endpoints,
    scenario,
    row: envoyRow('ROUND_ROBIN'),
    repetition: 0,
    seed: 42,
    initialPods: await backend.pods(),
    signal,
    progress: SILENT_PROGRESS,
    drivers,
  }).then(
    (record): RunRecord | Error => record,
    (error: unknown) => error as Error,
  );
  await settle();
  return { backend, drivers, outcome };
}

const snapshotsIn = (log: readonly string[]): string[] => log.filter((entry) => entry.startsWith('snapshot'));

describe('measureRun', () => {
  it('snapshots at the window start, every second, and at the end; records the seed and the initial pods', async () => {
    const { backend, drivers, outcome } = await measure([]);
    const record = outcome as RunRecord;
    expect(backend.log).toEqual([
      'load start',
      'snapshot @0',
      'snapshot @1000',
      'load end',
      'snapshot @1000',
    ]);
    expect(record.seed).toBe(42);
    expect(record.initialPods).toEqual([
      { name: 'pod-1', address: '10.0.0.1:80' },
      { name: 'pod-2', address: '10.0.0.2:80' },
      { name: 'pod-3', address: '10.0.0.3:80' },
    ]);
    expect(record.hosts.map((host) => host.pod)).toEqual(['pod-1', 'pod-2', 'pod-3']);
    expect(drivers.clock.pendingCount).toBe(0);
  });

  it('counts a row without /clusters from the client tally: no snapshots, every Ready pod a host, no proxy totals', async () => {
    const { backend, outcome } = await measure([], undefined, 'client-tally');
    const record = outcome as RunRecord;
    expect(snapshotsIn(backend.log)).toEqual([]);
    expect(record.counterSource).toBe('client-tally');
    expect(
      record.hosts.map((host) => [host.pod, host.address, host.delta.rq_total, host.clientResponses]),
    ).toEqual([
      ['pod-1', '10.0.0.1:80', 20, 20],
      ['pod-2', '10.0.0.2:80', 10, 10],
      ['pod-3', '10.0.0.3:80', 0, 0],
    ]);
    expect(record.distribution.shares).toEqual([2 / 3, 1 / 3, 0]);
    expect(record.distribution.zeroHitPods).toBe(1);
    expect(record.crossCheck).toMatchObject({
      counters: 'client-tally',
      proxyRqTotal: undefined,
      proxyRqSuccess: undefined,
      clientHeaderTally: 30,
      isConsistent: true,
    });
  });

  it('takes a snapshot right before each event, applies the events in order, and samples every 250 ms', async () => {
    const { backend, outcome } = await measure([
      { atMs: 620, action: 'kill', pod: 0 },
      { atMs: 380, action: 'scale', replicas: 4 },
    ]);
    const { log } = backend;
    expect(log.indexOf('scale 4')).toBe(log.indexOf('snapshot @380') + 1);
    expect(log.indexOf('kill pod-1')).toBe(log.indexOf('snapshot @620') + 1);
    expect(log.indexOf('scale 4')).toBeLessThan(log.indexOf('kill pod-1'));
    expect(snapshotsIn(log)).toEqual([0, 250, 380, 500, 620, 750, 1000, 1000].map((ms) => `snapshot @${ms}`));
    const record = outcome as RunRecord;
    expect(record.events.map((event) => [event.action, event.appliedAtMs])).toEqual([
      ['scale', 380],
      ['kill', 620],
    ]);
    // The pod added by the scale event counts among the pods of the run; the killed one keeps its counts.
    expect(record.hosts.map((host) => host.pod)).toEqual(['pod-1', 'pod-2', 'pod-3', 'pod-4']);
    expect(record.hosts.find((host) => host.pod === 'pod-1')?.presentAtEnd).toBe(false);
  });

  it('stops sampling and applies no event after an abort while waiting', async () => {
    const controller = new AbortController();
    const measuring = measure([{ atMs: 700, action: 'kill', pod: 0 }], controller.signal);
    // The fake load advances the clock in 50 ms steps; abort once it is inside the window.
    await settle();
    controller.abort(new AbortedError('interrupted'));
    const { backend, drivers, outcome } = await measuring;
    expect(outcome).toBeInstanceOf(AbortedError);
    expect(backend.log).toContain('snapshot @0');
    expect(backend.log.some((entry) => entry.startsWith('kill'))).toBe(false);
    expect(backend.log).not.toContain('load end');
    expect(drivers.clock.pendingCount).toBe(0);
  });

  it('fails with the error of an event that fails, after the load, without a final snapshot', async () => {
    const backend = new RecordingBackend(3);
    backend.failures.scale = new ClusterError('cannot scale');
    const { outcome, backend: used } = await measureWith(backend, [
      { atMs: 300, action: 'scale', replicas: 5 },
    ]);
    expect(outcome).toBe(backend.failures.scale);
    expect(used.log).toContain('snapshot @300');
    expect(used.log).toContain('scale 5');
    expect(used.log.at(-1)).toBe('load end');
  });

  it('records the seed as null for a proxy that takes none', async () => {
    const backend = new RecordingBackend(3);
    const { outcome } = await measureWith(backend, [], { isSeeded: false });
    expect((outcome as RunRecord).seed).toBeNull();
    expect((outcome as RunRecord).proxy.isSeeded).toBe(false);
  });

  it('fails when the snapshot at the window start fails', async () => {
    const backend = new RecordingBackend(3);
    const { outcome } = await measureWith(backend, [], {}, new CollectError('admin gone'));
    expect(outcome).toBeInstanceOf(CollectError);
  });
});

async function measureWith(
  backend: RecordingBackend,
  events: readonly ScenarioEvent[],
  proxy: { readonly isSeeded?: boolean } = {},
  firstSnapshotError?: Error,
) {
  await backend.up();
  const drivers = createFakeDrivers(backend);
  if (firstSnapshotError !== undefined) drivers.failSnapshot = { n: 1, error: firstSnapshotError };
  const endpoints = await backend.deployProxy({ row: envoyRow('RANDOM'), seed: 9 });
  backend.log.length = 0;
  const outcome = await measureRun({
    backend,
    endpoints: { ...endpoints, proxy: { ...endpoints.proxy, ...proxy } },
    scenario: createLocalTestScenario({ events }),
    row: envoyRow('RANDOM'),
    repetition: 0,
    seed: 9,
    initialPods: await backend.pods(),
    signal: new AbortController().signal,
    progress: SILENT_PROGRESS,
    drivers,
  }).then(
    (record): RunRecord | Error => record,
    (error: unknown) => error as Error,
  );
  return { outcome, backend };
}
