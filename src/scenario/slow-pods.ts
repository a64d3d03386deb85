import type { Scenario } from './types.js';

/**
 * Indexes (creation order) of the pods the scenario makes slower than the others: a `upstream.pods` override
 * above the common `upstream.delay`, or the target of a `slow` event.
 */
export function getSlowPodIndexes(scenario: Scenario): ReadonlySet<number> {
  const slow = new Set<number>();
  for (const pod of scenario.upstream.pods) {
    if ((pod.delayMs ?? 0) > scenario.upstream.delayMs) slow.add(pod.index);
  }
  for (const event of scenario.events) if (event.action === 'slow') slow.add(event.pod);
  return slow;
}
