import type { Backend, Pod, ProxyEndpoints } from '../backends/backend.js';
import { POD_HEADER } from '../backends/local/welcome-page.js';
import { computeHostDeltas } from '../collect/deltas.js';
import type { ClustersSnapshot } from '../collect/types.js';
import { listKeyPeriodBoundariesMs } from '../load/key-tally.js';
import { formatProgressLine } from '../load/progress-line.js';
import type { ProgressSink } from '../progress.js';
import type { AppliedEvent, ConfigReload, LoadRecord, RunRecord } from '../results/types.js';
import type { PolicyEntry, Scenario } from '../scenario/types.js';
import { applyScenarioEvents } from './apply-events.js';
import { computeRunStatistics } from '../results/run-statistics.js';
import { deriveHealthEvents } from '../collect/health-events.js';
import { buildTallyHosts, buildTallyTimeline } from '../results/tally-hosts.js';
import { createCounterReader, MYAPP_CLUSTER } from './counter-reader.js';
import { formatPodAddress } from './pod-address.js';
import { LIVE_DRIVERS, type RunDrivers } from './run-drivers.js';
import { createSnapshotSeries, startSampling } from './snapshot-series.js';

const SAMPLE_INTERVAL_MS = 1000;
// A host that leaves the host set takes its counters with it (as in Envoy): with pod events, sample faster
// so that at most this much of a leaving pod's traffic goes uncounted, and snapshot right before each event.
const EVENT_SAMPLE_INTERVAL_MS = 250;

/** What one measured run needs. */
export interface MeasureRunOptions {
  readonly backend: Backend;
  readonly endpoints: ProxyEndpoints;
  readonly scenario: Scenario;
  readonly row: PolicyEntry;
  readonly repetition: number;
  readonly seed: number;
  /** The Ready pods the run was verified to start from, in the backend's pod order. */
  readonly initialPods: readonly Pod[];
  readonly signal: AbortSignal;
  readonly progress: ProgressSink;
  /** Default: the system clock, autocannon and HTTP. */
  readonly drivers?: RunDrivers;
}

/** The pods a run has seen: the initial ones, then whatever each event left. */
class SeenPods {
  readonly byAddress = new Map<string, string>();
  readonly ready = new Set<string>();
  readonly readyAtStart: ReadonlySet<string>;
  inOrder: readonly string[] = [];
  /** The Ready pods after the last event (or at the start). */
  readyNow: ReadonlySet<string> = new Set();

  constructor(pods: readonly Pod[]) {
    this.remember(pods);
    this.readyAtStart = this.readyNow;
  }

  remember(pods: readonly Pod[]): void {
    this.inOrder = pods.map((pod) => pod.name);
    this.readyNow = new Set(pods.filter((pod) => pod.ready).map((pod) => pod.name));
    for (const pod of pods) {
      this.byAddress.set(formatPodAddress(pod), pod.name);
      if (pod.ready) this.ready.add(pod.name);
    }
  }
}

/**
 * One row × repetition against a deployed row balancer: warm-up, a counter snapshot (`/clusters`) exactly at the
 * start of the measured window, snapshots every second while the load runs and the scenario's events fire, a final
 * snapshot, and the record built from the counter deltas, the client's view and the statistics. A balancer without
 * per-host counters takes no snapshots: its per-pod counts are the client's `X-Upstream-Pod` tally.
 * @throws whatever the load, a snapshot at the window's edges or an event throws (an event's error after the load).
 */
export async function measureRun(options: MeasureRunOptions): Promise<RunRecord> {
  const { backend, endpoints, scenario, signal } = options;
  const drivers = options.drivers ?? LIVE_DRIVERS;
  const seen = new SeenPods(options.initialPods);
  const reader = createCounterReader(endpoints.counters, drivers);
  const { snapshots, snapshot } =
    reader === undefined
      ? { snapshots: [], snapshot: () => Promise.resolve() }
      : createSnapshotSeries(reader, signal, drivers);
  const events: AppliedEvent[] = [];
  let stopSampling = (): void => undefined;
  // Aborted when the load fails, so that no event is still waiting or running while the proxy is removed.
  const eventsController = new AbortController();
  let eventsDone: Promise<Error | undefined> = Promise.resolve(undefined);
  const startedAt = new Date().toISOString();

  const startWindow = async (): Promise<void> => {
    await snapshot();
    const windowStartMs = drivers.clock.now();
    const intervalMs = scenario.events.length > 0 ? EVENT_SAMPLE_INTERVAL_MS : SAMPLE_INTERVAL_MS;
    stopSampling = startSampling(snapshot, intervalMs, drivers);
    // Settled at once either way: a failing event is rethrown after the load, not left unhandled meanwhile.
    eventsDone = applyScenarioEvents(scenario.events, {
      backend,
      signal: AbortSignal.any([signal, eventsController.signal]),
      windowStartMs,
      clock: drivers.clock,
      applied: events,
      beforeEach: snapshot,
      afterEach: async () => {
        seen.remember(await backend.pods(signal));
      },
    }).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  };

  let load: LoadRecord;
  try {
    const runLoad = endpoints.runLoad ?? drivers.runLoad;
    load = await runLoad({
      url: endpoints.trafficUrl,
      load: scenario.load,
      podHeader: POD_HEADER.toLowerCase(),
      keyDraw:
        scenario.load.keys === undefined
          ? undefined
          : { runSeed: options.seed, periodBoundariesMs: listKeyPeriodBoundariesMs(scenario.events) },
      signal,
      onTick: (tick) => {
        options.progress.update(
          formatProgressLine({
            row: options.row.name,
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
      onMeasureStart: startWindow,
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
  const configReloads = await endpoints.configReloads?.(signal);
  return buildRecord({ options, startedAt, load, snapshots, seen, events, configReloads });
}

function buildRecord(input: {
  options: MeasureRunOptions;
  startedAt: string;
  load: LoadRecord;
  snapshots: readonly ClustersSnapshot[];
  seen: SeenPods;
  events: readonly AppliedEvent[];
  configReloads: readonly ConfigReload[] | undefined;
}): RunRecord {
  const { options, load, seen } = input;
  const { hosts, timeline } =
    options.endpoints.counters.kind === 'client-tally'
      ? {
          hosts: buildTallyHosts({
            podTally: load.podTally,
            podByAddress: seen.byAddress,
            readyPods: [...seen.ready],
            podsAtStart: seen.readyAtStart,
            podsAtEnd: seen.readyNow,
          }),
          timeline: buildTallyTimeline(load.ticks ?? [], seen.byAddress),
        }
      : computeHostDeltas(input.snapshots, {
          clusterName: MYAPP_CLUSTER,
          podByAddress: seen.byAddress,
          clientResponsesByPod: load.podTally,
        });
  // Ejections and health-check flips come from /clusters flags; a client-tally row has no snapshots to read them from.
  const healthEvents = deriveHealthEvents(input.snapshots, {
    clusterName: MYAPP_CLUSTER,
    podByAddress: seen.byAddress,
  });
  return {
    row: options.row.name,
    entry: options.row,
    repetition: options.repetition,
    seed: options.endpoints.proxy.isSeeded ? options.seed : null,
    initialPods: options.initialPods.map((pod) => ({ name: pod.name, address: formatPodAddress(pod) })),
    source: 'live',
    proxy: options.endpoints.proxy,
    counterSource: options.endpoints.counters.kind,
    ...(input.configReloads === undefined ? {} : { configReloads: input.configReloads }),
    startedAt: input.startedAt,
    hosts,
    timeline,
    load,
    events: input.events,
    ...(healthEvents.length > 0 ? { healthEvents } : {}),
    ...computeRunStatistics({
      scenario: options.scenario,
      hosts,
      load,
      counterSource: options.endpoints.counters.kind,
      readyPods: [...seen.ready],
      podsInCreationOrder: seen.inOrder,
      timeline,
      events: input.events,
    }),
  };
}
