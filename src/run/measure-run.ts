import { performance } from 'node:perf_hooks';
import type { LbPolicy } from '../../proxy/src/types.js';
import type { Backend, Pod, ProxyEndpoints } from '../backends/backend.js';
import { fetchClusters } from '../collect/clusters-client.js';
import { computeHostDeltas } from '../collect/deltas.js';
import type { ClustersSnapshot } from '../collect/types.js';
import { formatProgressLine } from '../load/progress-line.js';
import { runLocalGenerators } from '../load/run-local-generators.js';
import type { ProgressSink } from '../progress.js';
import type { AppliedEvent, LoadRecord, RunRecord } from '../results/types.js';
import type { Scenario } from '../scenario/types.js';
import { applyScenarioEvents } from './apply-events.js';
import { computeRunStatistics } from './run-statistics.js';

/** The cluster of the bundled templates whose hosts are the myapp pods. */
const MYAPP_CLUSTER = 'myapp_cluster';
/** The response header the pods name themselves in. */
export const POD_HEADER = 'x-upstream-pod';
const SAMPLE_INTERVAL_MS = 1000;
// A host that leaves the host set takes its counters with it (as in Envoy): with pod events, sample faster
// so that at most this much of a leaving pod's traffic goes uncounted, and snapshot right before each event.
const EVENT_SAMPLE_INTERVAL_MS = 250;
// An admin endpoint that stops answering fails the run with a CollectError instead of hanging it.
const SNAPSHOT_TIMEOUT_MS = 10_000;

/** What one measured run needs. */
export interface MeasureRunOptions {
  readonly backend: Backend;
  readonly endpoints: ProxyEndpoints;
  readonly scenario: Scenario;
  readonly policy: LbPolicy;
  readonly repetition: number;
  readonly seed: number;
  readonly signal: AbortSignal;
  readonly progress: ProgressSink;
}

const formatAddress = (pod: Pod): string =>
  pod.ip.includes(':') ? `[${pod.ip}]:${pod.port}` : `${pod.ip}:${pod.port}`;

/**
 * One policy × repetition against a deployed proxy: warm-up, a `/clusters` snapshot exactly at the start of the
 * measured window, snapshots every second while the load runs and the scenario's events fire, a final snapshot,
 * and the record built from proxy deltas, the client's view and the statistics.
 */
export async function measureRun(options: MeasureRunOptions): Promise<RunRecord> {
  const { backend, endpoints, scenario, signal } = options;
  const now = (): number => performance.now();
  const podByAddress = new Map<string, string>();
  const readyPods = new Set<string>();
  const podsInOrder: string[] = [];
  const rememberPods = async (): Promise<void> => {
    const pods = await backend.pods(signal);
    podsInOrder.splice(0, podsInOrder.length, ...pods.map((pod) => pod.name));
    for (const pod of pods) {
      podByAddress.set(formatAddress(pod), pod.name);
      if (pod.ready) readyPods.add(pod.name);
    }
  };
  await rememberPods();
  const { snapshots, snapshot } = createSnapshotSeries(endpoints.adminUrl, signal, now);
  const events: AppliedEvent[] = [];
  let stopSampling = (): void => undefined;
  // Aborted when the load fails, so that no event is still waiting or running while the proxy is removed.
  const eventsController = new AbortController();
  let eventsDone: Promise<Error | undefined> = Promise.resolve(undefined);
  const startedAt = new Date().toISOString();

  let load: LoadRecord;
  try {
    const runLoad = endpoints.runLoad ?? runLocalGenerators;
    load = await runLoad({
      url: endpoints.trafficUrl,
      load: scenario.load,
      podHeader: POD_HEADER,
      signal,
      onTick: (tick) => {
        options.progress.update(
          formatProgressLine({
            policy: options.policy,
            repetition: options.repetition + 1,
            repetitions: scenario.repetitions,
            phase: tick.phase,
            elapsedMs: tick.elapsedMs,
            durationMs: tick.durationMs,
            rps: tick.rps,
            errors: tick.errors,
          }),
        );
      },
      onMeasureStart: async () => {
        await snapshot();
        const windowStartMs = now();
        const intervalMs = scenario.events.length > 0 ? EVENT_SAMPLE_INTERVAL_MS : SAMPLE_INTERVAL_MS;
        stopSampling = startSampling(snapshot, intervalMs);
        // Settled at once either way: a failing event is rethrown after the load, not left unhandled meanwhile.
        eventsDone = applyScenarioEvents(scenario.events, {
          backend,
          signal: AbortSignal.any([signal, eventsController.signal]),
          windowStartMs,
          now,
          applied: events,
          beforeEach: snapshot,
          afterEach: rememberPods,
        }).then(
          () => undefined,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
  } catch (error) {
    stopSampling();
    eventsController.abort();
    await eventsDone;
    throw error;
  }
  stopSampling();
  const eventError = await eventsDone;
  if (eventError !== undefined) throw eventError;
  await snapshot();
  return buildRecord({ options, startedAt, load, snapshots, podByAddress, readyPods, podsInOrder, events });
}

/**
 * The `/clusters` snapshots of one run, taken one at a time so that they are stored in the order they were taken:
 * the deltas read the first as the window's start, the last as its end, and a counter that went down between two
 * as a host that restarted.
 */
function createSnapshotSeries(
  adminUrl: string,
  signal: AbortSignal,
  now: () => number,
): { readonly snapshots: readonly ClustersSnapshot[]; readonly snapshot: () => Promise<void> } {
  const snapshots: ClustersSnapshot[] = [];
  let previous: Promise<void> = Promise.resolve();
  const snapshot = (): Promise<void> => {
    const taken = previous.then(async () => {
      const snapshotSignal = AbortSignal.any([signal, AbortSignal.timeout(SNAPSHOT_TIMEOUT_MS)]);
      snapshots.push(await fetchClusters(adminUrl, { signal: snapshotSignal, now }));
    });
    previous = taken.catch(() => undefined);
    return taken;
  };
  return { snapshots, snapshot };
}

/** Takes a snapshot every `intervalMs`, skipping a tick while the previous sample is still being taken. */
function startSampling(snapshot: () => Promise<void>, intervalMs: number): () => void {
  let isSampling = false;
  const timer = setInterval(() => {
    if (isSampling) return;
    isSampling = true;
    // A sample that fails (admin busy for a moment) is skipped: the window's start and end snapshots decide.
    snapshot()
      .catch(() => undefined)
      .finally(() => {
        isSampling = false;
      });
  }, intervalMs);
  return () => {
    clearInterval(timer);
  };
}

function buildRecord(input: {
  options: MeasureRunOptions;
  startedAt: string;
  load: LoadRecord;
  snapshots: readonly ClustersSnapshot[];
  podByAddress: ReadonlyMap<string, string>;
  readyPods: ReadonlySet<string>;
  podsInOrder: readonly string[];
  events: readonly AppliedEvent[];
}): RunRecord {
  const { options, load } = input;
  const { hosts, timeline } = computeHostDeltas(input.snapshots, {
    clusterName: MYAPP_CLUSTER,
    podByAddress: input.podByAddress,
    clientResponsesByPod: load.podTally,
  });
  return {
    policy: options.policy,
    repetition: options.repetition,
    seed: options.seed,
    source: 'live',
    proxy: options.endpoints.proxy,
    startedAt: input.startedAt,
    hosts,
    timeline,
    load,
    events: input.events,
    ...computeRunStatistics({
      scenario: options.scenario,
      hosts,
      load,
      readyPods: [...input.readyPods],
      podsInCreationOrder: input.podsInOrder,
    }),
  };
}
