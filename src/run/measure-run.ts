import { performance } from 'node:perf_hooks';
import type { LbPolicy } from '../../proxy/src/types.js';
import type { Backend, Pod, ProxyEndpoints } from '../backends/backend.js';
import { fetchClusters } from '../collect/clusters-client.js';
import { computeHostDeltas } from '../collect/deltas.js';
import type { ClustersSnapshot } from '../collect/types.js';
import { formatProgressLine } from '../load/progress-line.js';
import { runLoad } from '../load/run-load.js';
import type { ProgressSink } from '../progress.js';
import type { AppliedEvent, RunRecord } from '../results/types.js';
import type { Scenario, ScenarioEvent } from '../scenario/types.js';
import { computeRunStatistics } from './run-statistics.js';

/** The cluster of the bundled templates whose hosts are the myapp pods. */
export const MYAPP_CLUSTER = 'myapp_cluster';
/** The response header the pods name themselves in. */
export const POD_HEADER = 'x-upstream-pod';
const SAMPLE_INTERVAL_MS = 1000;
// A host that leaves the host set takes its counters with it (as in Envoy): with pod events, sample faster
// so that at most this much of a leaving pod's traffic goes uncounted, and snapshot right before each event.
const EVENT_SAMPLE_INTERVAL_MS = 250;

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
  const snapshots: ClustersSnapshot[] = [];
  const events: AppliedEvent[] = [];
  const snapshot = async (): Promise<void> => {
    snapshots.push(await fetchClusters(endpoints.adminUrl, { signal, now }));
  };
  let stopSampling = (): void => undefined;
  let eventsDone: Promise<Error | undefined> = Promise.resolve(undefined);
  const startedAt = new Date().toISOString();

  const load = await runLoad({
    url: `${endpoints.trafficUrl}${scenario.load.path}`,
    load: scenario.load,
    podHeader: POD_HEADER,
    signal,
    title: `${options.policy} #${options.repetition + 1}`,
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
      eventsDone = applyEvents(scenario.events, {
        backend,
        signal,
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
  stopSampling();
  const eventError = await eventsDone;
  if (eventError !== undefined) throw eventError;
  await snapshot();
  return buildRecord({ options, startedAt, load, snapshots, podByAddress, readyPods, podsInOrder, events });
}

function startSampling(snapshot: () => Promise<void>, intervalMs: number): () => void {
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    // A sample that fails (admin busy for a moment) is skipped: the window's start and end snapshots decide.
    inFlight = inFlight.then(snapshot).catch(() => undefined);
  }, intervalMs);
  return () => {
    clearInterval(timer);
  };
}

async function applyEvents(
  scheduled: readonly ScenarioEvent[],
  context: {
    backend: Backend;
    signal: AbortSignal;
    windowStartMs: number;
    now: () => number;
    applied: AppliedEvent[];
    beforeEach: () => Promise<void>;
    afterEach: () => Promise<void>;
  },
): Promise<void> {
  const ordered = [...scheduled].sort((a, b) => a.atMs - b.atMs);
  for (const event of ordered) {
    const waitMs = event.atMs - (context.now() - context.windowStartMs);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (context.signal.aborted) return;
    await context.beforeEach();
    const pods = await context.backend.pods(context.signal);
    const detail = await applyEvent(event, pods, context.backend, context.signal);
    context.applied.push({
      ...event,
      appliedAtMs: Math.round(context.now() - context.windowStartMs),
      detail,
    });
    await context.afterEach();
  }
}

async function applyEvent(
  event: ScenarioEvent,
  pods: readonly Pod[],
  backend: Backend,
  signal: AbortSignal,
): Promise<string> {
  switch (event.action) {
    case 'scale':
      await backend.scale(event.replicas, signal);
      return `scaled myapp from ${pods.length} to ${event.replicas} replicas`;
    case 'kill': {
      const pod = pods[event.pod];
      if (pod === undefined) return `no pod #${event.pod} to kill (${pods.length} pods)`;
      await backend.kill(pod.name, signal);
      return `killed ${pod.name} (${pod.ip})`;
    }
    case 'slow': {
      const pod = pods[event.pod];
      if (pod === undefined) return `no pod #${event.pod} to slow down (${pods.length} pods)`;
      await backend.slow(pod.name, event.delayMs, signal);
      return `${pod.name} now answers ${event.delayMs} ms later`;
    }
  }
}

function buildRecord(input: {
  options: MeasureRunOptions;
  startedAt: string;
  load: Awaited<ReturnType<typeof runLoad>>;
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
