import type { ProxyInfo } from '../backends/backend.js';
import type { HostRecord, LoadRecord, RunRecord, TimelinePoint } from '../results/types.js';
import { computeRunStatistics } from '../results/run-statistics.js';
import type { PolicyEntry, Scenario } from '../scenario/types.js';
import { BUCKET_MS } from './sim-tally.js';
import type { HostSetChange, SimOutcome } from './sim-types.js';

/** The proxy a simulated run reports: lbbench-proxy's balancers, run by the simulator. */
const SIM_PROXY_INFO: ProxyInfo = {
  kind: 'lbbench',
  version: 'simulator',
  command: 'lbbench sim',
  isSeeded: true,
};

/** The CLUSTER_IP row of a simulated run: the model's connection-level pick (kube-proxy's iptables chain). */
const SIM_CLUSTER_IP_INFO: ProxyInfo = {
  kind: 'cluster-ip',
  version: 'simulator: a random Ready pod per connection (kube-proxy iptables mode)',
  command: 'lbbench sim',
  isSeeded: true,
};

/** What identifies a simulated run besides its outcome. */
export interface SimRunIdentity {
  readonly scenario: Scenario;
  readonly row: PolicyEntry;
  readonly repetition: number;
  readonly seed: number;
  readonly startedAt: string;
}

/** Shapes a simulated run's outcome into the `RunRecord` a live run produces, stats included. */
export function buildSimRunRecord(identity: SimRunIdentity, outcome: SimOutcome): RunRecord {
  const hosts = buildHostRecords(outcome);
  const load = buildLoadRecord(identity.scenario, outcome);
  const readyPods = outcome.readyDuringWindow.map((id) => outcome.pods[id]?.name ?? String(id));
  const timeline = buildTimeline(outcome, hosts);
  const isClusterIp = identity.row.proxy === 'cluster-ip';
  // The CLUSTER_IP row has no proxy counters: like a live run, it is counted from the client's tally.
  const counterSource = isClusterIp ? 'client-tally' : 'envoy-clusters';
  return {
    row: identity.row.name,
    entry: identity.row,
    repetition: identity.repetition,
    seed: identity.seed,
    // Every simulated run starts from a fresh fleet: its first `replicas` pods.
    initialPods: outcome.pods
      .slice(0, identity.scenario.replicas)
      .map((pod) => ({ name: pod.name, address: pod.address })),
    source: 'sim',
    proxy: isClusterIp ? SIM_CLUSTER_IP_INFO : SIM_PROXY_INFO,
    counterSource,
    startedAt: identity.startedAt,
    hosts,
    timeline,
    load,
    events: outcome.events,
    ...(outcome.healthEvents.length > 0
      ? {
          healthEvents: outcome.healthEvents.map((event) => ({
            tMs: event.tMs,
            address: outcome.pods[event.podId]?.address ?? String(event.podId),
            pod: outcome.pods[event.podId]?.name,
            action: event.action,
          })),
        }
      : {}),
    ...computeRunStatistics({
      scenario: identity.scenario,
      hosts,
      load,
      counterSource,
      readyPods,
      podsInCreationOrder: outcome.pods.map((pod) => pod.name),
      timeline,
      events: outcome.events,
    }),
  };
}

/** The host set in effect at `tMs` (the last change at or before it). */
function findHostSetAt(hostSets: readonly HostSetChange[], tMs: number): readonly number[] {
  let current: readonly number[] = [];
  for (const change of hostSets) if (change.tMs <= tMs) current = change.podIds;
  return current;
}

/** Pods in the proxy's host set at some time in [fromMs, toMs]. */
function findHostsDuring(hostSets: readonly HostSetChange[], fromMs: number, toMs: number): Set<number> {
  const ids = new Set<number>();
  hostSets.forEach((change, index) => {
    const untilMs = hostSets[index + 1]?.tMs ?? Infinity;
    if (change.tMs <= toMs && untilMs > fromMs) for (const id of change.podIds) ids.add(id);
  });
  return ids;
}

function buildHostRecords(outcome: SimOutcome): HostRecord[] {
  const { counters, hostSets, durationMs } = outcome;
  const seen = findHostsDuring(hostSets, 0, durationMs);
  const atStart = new Set(findHostSetAt(hostSets, 0));
  const atEnd = new Set(findHostSetAt(hostSets, durationMs));
  return outcome.pods
    .filter(
      (pod) => seen.has(pod.id) || (counters.rqTotal[pod.id] ?? 0) + (counters.rqError[pod.id] ?? 0) > 0,
    )
    .map((pod) => ({
      address: pod.address,
      pod: pod.name,
      delta: {
        rq_total: counters.rqTotal[pod.id] ?? 0,
        rq_success: counters.rqSuccess[pod.id] ?? 0,
        rq_error: counters.rqError[pod.id] ?? 0,
        rq_timeout: counters.rqTimeout[pod.id] ?? 0,
        cx_total: counters.cxTotal[pod.id] ?? 0,
        cx_connect_fail: counters.cxConnectFail[pod.id] ?? 0,
      },
      presentAtStart: atStart.has(pod.id),
      presentAtEnd: atEnd.has(pod.id),
      // Every successful response carries its pod's header; the proxy's 503s carry none.
      clientResponses: counters.rqSuccess[pod.id] ?? 0,
    }));
}

/** One point per bucket of the window (the last one at its end): hosts in the proxy's set then, or with traffic. */
function buildTimeline(outcome: SimOutcome, hosts: readonly HostRecord[]): TimelinePoint[] {
  const { buckets, bucketMs, durationMs, pods, hostSets } = outcome;
  const count = Math.max(Math.ceil(durationMs / bucketMs), buckets.length);
  const known = new Set(hosts.map((host) => host.address));
  return Array.from({ length: count }, (_, bucket) => {
    const fromMs = bucket * bucketMs;
    const tMs = Math.min(fromMs + bucketMs, Math.max(durationMs, fromMs));
    const present = findHostsDuring(hostSets, fromMs, tMs);
    const counts = buckets[bucket] ?? [];
    const rqTotal: Record<string, number> = {};
    for (const pod of pods) {
      const requests = counts[pod.id] ?? 0;
      if (known.has(pod.address) && (requests > 0 || present.has(pod.id))) rqTotal[pod.address] = requests;
    }
    return { tMs, rqTotal };
  });
}

function buildLoadRecord(scenario: Scenario, outcome: SimOutcome): LoadRecord {
  const { load } = scenario;
  const responses = outcome.status2xx + outcome.non2xx;
  const podTally: Record<string, number> = {};
  for (const pod of outcome.pods) {
    const successes = outcome.counters.rqSuccess[pod.id] ?? 0;
    if (successes > 0) podTally[pod.name] = successes;
  }
  return {
    mode: load.rateRps === undefined ? 'closed' : 'open',
    connections: load.connections,
    rateRps: load.rateRps,
    durationMs: outcome.durationMs,
    warmupMs: load.warmupMs,
    requestsSent: outcome.requestsSent,
    responses,
    status2xx: outcome.status2xx,
    non2xx: outcome.non2xx,
    errors: 0,
    timeouts: outcome.timeouts,
    rps: outcome.durationMs > 0 ? responses / (outcome.durationMs / 1000) : 0,
    latency: outcome.latency.toSummary(),
    latencySamples: outcome.latency.count,
    podTally,
    ...(outcome.keyTally === undefined ? {} : { keyTally: outcome.keyTally }),
    untallied: outcome.non2xx,
    generator: describeGenerator(scenario, outcome.workersWithConnections),
    ticks: outcome.clientTicks.responses.map((responses, tick) => ({
      tMs: (tick + 1) * BUCKET_MS,
      responses,
      errors: outcome.clientTicks.errors[tick] ?? 0,
    })),
  };
}

/** The model in one line, e.g. `lbbench simulator: closed loop, 50 connections over 1 worker, …`. */
export function describeGenerator(scenario: Scenario, workersWithConnections: number): string {
  const { load, sim, upstream, proxy } = scenario;
  const loop =
    load.rateRps === undefined
      ? `closed loop, ${load.connections} connections`
      : `open loop, Poisson arrivals at ${load.rateRps} req/s on ${load.connections} connections`;
  const service =
    sim.serviceTime === 'exponential'
      ? `exponential service time (mean ${sim.baseServiceTimeMs} ms)`
      : `fixed service time ${sim.baseServiceTimeMs} ms`;
  const delays = [
    ...(upstream.delayMs > 0 ? [`+ ${upstream.delayMs} ms on every pod`] : []),
    ...upstream.pods.map((pod) => `pod ${pod.index}: ${pod.delayMs} ms instead`),
  ];
  const length =
    sim.requests === undefined ? `${load.durationMs} ms measured` : `${sim.requests} requests measured`;
  return [
    `lbbench simulator: ${loop} over ${workersWithConnections} of ${proxy.concurrency} worker(s)`,
    delays.length === 0 ? service : `${service} ${delays.join(', ')}`,
    `DNS refresh every ${proxy.dnsRefreshRateMs} ms`,
    `${length} after ${load.warmupMs} ms warm-up`,
    `client timeout ${load.timeoutMs} ms`,
  ].join(', ');
}
