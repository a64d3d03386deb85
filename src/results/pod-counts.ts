import type { HostRecord } from './types.js';

/** Requests per pod for the fairness statistics, and the labels in the same order. */
export interface PodCounts {
  readonly labels: readonly string[];
  readonly counts: readonly number[];
}

/**
 * The counts the distribution statistics run on: one entry per pod that was Ready during the window (zero-hit
 * pods included, which /clusters alone cannot show) plus any host the proxy used that maps to no known pod.
 * Hosts of the same pod (an address that came back) are added up.
 */
export function collectPodCounts(hosts: readonly HostRecord[], readyPods: readonly string[]): PodCounts {
  const byLabel = new Map<string, number>(readyPods.map((pod) => [pod, 0]));
  for (const host of hosts) {
    const label = host.pod ?? host.address;
    byLabel.set(label, (byLabel.get(label) ?? 0) + host.delta.rq_total);
  }
  return { labels: [...byLabel.keys()], counts: [...byLabel.values()] };
}

/** The share of all requests that went to the named (slow) pods; 0 when there are none or no requests. */
export function computeShareOf(podCounts: PodCounts, pods: ReadonlySet<string>): number {
  let total = 0;
  let ofPods = 0;
  podCounts.labels.forEach((label, index) => {
    const count = podCounts.counts[index] ?? 0;
    total += count;
    if (pods.has(label)) ofPods += count;
  });
  return total === 0 ? 0 : ofPods / total;
}
