import type { CounterSourceKind } from '../backends/backend.js';
import type { AppliedEvent, HostRecord, LoadRecord, RunRecord, TimelinePoint } from './types.js';
import type { Scenario } from '../scenario/types.js';
import { getSlowPodIndexes } from '../scenario/slow-pods.js';
import { computeDistribution } from '../stats/distribution.js';
import { computeEventFigures, reduceEventMetrics } from '../stats/event-metrics.js';
import { computeKeyFigures, reduceKeyMetrics } from '../stats/key-metrics.js';
import { computeRunMetrics } from '../stats/metrics.js';
import { computeRateFairness } from '../stats/rate-fairness.js';
import { computeCrossCheck } from './cross-check.js';
import { collectPodCounts, computeShareOf } from './pod-counts.js';

/** What a run's statistics are computed from, live or simulated. */
export interface RunStatisticsInput {
  readonly scenario: Scenario;
  readonly hosts: readonly HostRecord[];
  readonly load: LoadRecord;
  /** Which counters `hosts` came from: the balancer's own, or the client's tally. */
  readonly counterSource: CounterSourceKind;
  /** Pods that were Ready during the window (zero-hit pods count too). */
  readonly readyPods: readonly string[];
  /** Every pod of the run in creation order, to find the scenario's slow pods by index. */
  readonly podsInCreationOrder: readonly string[];
  readonly timeline: readonly TimelinePoint[];
  readonly events: readonly AppliedEvent[];
}

/** The cross-check, the distribution, the event figures and every metric of one run; the same for live and simulated runs. */
export function computeRunStatistics(
  input: RunStatisticsInput,
): Pick<RunRecord, 'crossCheck' | 'distribution' | 'eventFigures' | 'keyFigures' | 'metrics'> {
  const { load } = input;
  const eventFigures = computeEventFigures({
    timeline: input.timeline,
    hosts: input.hosts,
    events: input.events,
    ticks: load.ticks,
  });
  const keyFigures =
    load.keyTally === undefined ? undefined : computeKeyFigures(load.keyTally, input.scenario.events);
  const podCounts = collectPodCounts(input.hosts, input.readyPods);
  const slowPods = new Set(
    [...getSlowPodIndexes(input.scenario)].map((index) => input.podsInCreationOrder[index] ?? ''),
  );
  return {
    crossCheck: computeCrossCheck(input.hosts, load, input.counterSource),
    distribution: computeDistribution(podCounts.counts),
    eventFigures,
    ...(keyFigures === undefined ? {} : { keyFigures }),
    metrics: computeRunMetrics({
      counts: podCounts.counts,
      latency: load.latency,
      responses: load.responses + load.errors + load.timeouts,
      errors: load.non2xx + load.errors + load.timeouts,
      durationMs: load.durationMs,
      slowPodShare: computeShareOf(podCounts, slowPods),
      requestedRps: load.rateRps,
      rateFairness: computeRateFairness({
        timeline: input.timeline,
        hostsAtStart: new Set(input.hosts.filter((host) => host.presentAtStart).map((host) => host.address)),
        killedAtMs: collectKilledHosts(input.hosts, input.events),
      }),
      eventMetrics: reduceEventMetrics(eventFigures),
      keyMetrics: reduceKeyMetrics(keyFigures),
    }),
  };
}

/** Killed pods' addresses and when they were killed. */
function collectKilledHosts(
  hosts: readonly HostRecord[],
  events: readonly AppliedEvent[],
): Map<string, number> {
  const killed = new Map<string, number>();
  for (const event of events) {
    const address = hosts.find((host) => host.pod !== undefined && host.pod === event.podName)?.address;
    if (event.action === 'kill' && address !== undefined) killed.set(address, event.appliedAtMs);
  }
  return killed;
}
