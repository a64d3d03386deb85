import type { HostRecord, LoadRecord, RunRecord } from './types.js';
import type { Scenario } from '../scenario/types.js';
import { getSlowPodIndexes } from '../scenario/slow-pods.js';
import { computeDistribution } from '../stats/distribution.js';
import { computeRunMetrics } from '../stats/metrics.js';
import { computeCrossCheck } from './cross-check.js';
import { collectPodCounts, computeShareOf } from './pod-counts.js';

/** What a run's statistics are computed from, live or simulated. */
export interface RunStatisticsInput {
  readonly scenario: Scenario;
  readonly hosts: readonly HostRecord[];
  readonly load: LoadRecord;
  /** Pods that were Ready during the window (zero-hit pods count too). */
  readonly readyPods: readonly string[];
  /** Every pod of the run in creation order, to find the scenario's slow pods by index. */
  readonly podsInCreationOrder: readonly string[];
}

/** The cross-check, the distribution and every metric of one run; the same for live and simulated runs. */
export function computeRunStatistics(
  input: RunStatisticsInput,
): Pick<RunRecord, 'crossCheck' | 'distribution' | 'metrics'> {
  const { load } = input;
  const podCounts = collectPodCounts(input.hosts, input.readyPods);
  const slowPods = new Set(
    [...getSlowPodIndexes(input.scenario)].map((index) => input.podsInCreationOrder[index] ?? ''),
  );
  return {
    crossCheck: computeCrossCheck(input.hosts, load),
    distribution: computeDistribution(podCounts.counts),
    metrics: computeRunMetrics({
      counts: podCounts.counts,
      latency: load.latency,
      responses: load.responses + load.errors + load.timeouts,
      errors: load.non2xx + load.errors + load.timeouts,
      durationMs: load.durationMs,
      slowPodShare: computeShareOf(podCounts, slowPods),
      requestedRps: load.rateRps,
    }),
  };
}
