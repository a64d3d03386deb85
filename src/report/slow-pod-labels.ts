import type { ResultsFile } from '../results/types.js';
import { getSlowPodIndexes } from '../scenario/slow-pods.js';

/**
 * The chart labels (pod name, or address when /clusters gave no name) of the pods the scenario slows: its slow
 * pod indexes applied to each run's initial pods, which are in pod order. A run whose pods were replaced between
 * repetitions adds its own pods, so the set spans every run.
 */
export function listSlowPodLabels(results: ResultsFile): ReadonlySet<string> {
  const indexes = [...getSlowPodIndexes(results.scenario)];
  const labels = new Set<string>();
  for (const run of results.runs) {
    for (const index of indexes) {
      const pod = run.initialPods[index];
      if (pod === undefined) continue;
      labels.add(pod.name);
      labels.add(pod.address);
    }
  }
  return labels;
}
