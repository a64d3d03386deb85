import type { ResultsFile, RunRecord } from '../results/types.js';
import { listRunLabels } from './spec-data-rates.js';

/** What a run shows about a failing pod (the first `fail` event) and how the proxy dealt with it. */
export interface FailureFigures {
  readonly run: string;
  /** Client errors over the measured window: non-2xx responses, socket errors, timeouts. */
  readonly clientErrors: number;
  /** The pod the first `fail` event broke; undefined when the run has no `fail` event. */
  readonly failingPod: string | undefined;
  /** From the `fail` event to the failing pod's first ejection; undefined when it was never ejected. */
  readonly timeToEjectionMs: number | undefined;
  /** The failing pod's part of the proxy's `rq_total` over the window. */
  readonly failingPodShare: number | undefined;
  readonly ejections: number;
}

/** One line per new figure, under the failure table. */
export const FAILURE_LEGEND: readonly (readonly [string, string])[] = [
  [
    'client errors',
    'non-2xx responses, socket errors and timeouts the load generator saw in the measured window.',
  ],
  [
    'time to ejection',
    'from the fail event to the first /clusters sample showing /failed_outlier_check on that pod (live: up to one 250 ms sample late; sim: exact).',
  ],
  ['failing pod share', "the failing pod's part of the proxy's rq_total over the whole measured window."],
  [
    'ejections',
    'ejections of any pod (outlier detection) in the window; un-ejections are marked in the chart.',
  ],
];

function findFailEvent(
  run: RunRecord,
): { readonly atMs: number; readonly pod: string | undefined } | undefined {
  const event = run.events.find((candidate) => candidate.action === 'fail');
  return event === undefined ? undefined : { atMs: event.appliedAtMs, pod: event.podName };
}

/** The failure figures of every run, in the report's run order. Pure. */
export function buildFailureFigures(results: ResultsFile): FailureFigures[] {
  return listRunLabels(results).map(({ run, label }) => {
    const fail = findFailEvent(run);
    const health = run.healthEvents ?? [];
    const ejection =
      fail === undefined
        ? undefined
        : health.find(
            (event) => event.action === 'eject' && event.pod === fail.pod && event.tMs >= fail.atMs,
          );
    const total = run.hosts.reduce((sum, host) => sum + host.delta.rq_total, 0);
    const failingHost = fail === undefined ? undefined : run.hosts.find((host) => host.pod === fail.pod);
    return {
      run: label,
      clientErrors: run.load.non2xx + run.load.errors,
      failingPod: fail?.pod,
      timeToEjectionMs: ejection === undefined || fail === undefined ? undefined : ejection.tMs - fail.atMs,
      failingPodShare:
        failingHost === undefined || total === 0 ? undefined : failingHost.delta.rq_total / total,
      ejections: health.filter((event) => event.action === 'eject').length,
    };
  });
}

/** Whether the report shows the failure section: some run had a `fail` event or a health change. */
export function hasFailureData(results: ResultsFile): boolean {
  return results.runs.some(
    (run) => run.events.some((event) => event.action === 'fail') || (run.healthEvents ?? []).length > 0,
  );
}
