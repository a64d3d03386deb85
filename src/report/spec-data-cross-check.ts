import type { ResultsFile } from '../results/types.js';
import { listPolicies, sortRuns } from './run-status.js';
import { abbreviatePods, getHostLabel, listPods } from './spec-data.js';

/** The label of responses that carried no pod header. */
export const NO_POD_HEADER = '(no pod header)';

/** The two sides of the cross-check, as the chart's legend names them. */
export const CROSS_CHECK_SOURCES = ['proxy rq_total', 'client X-Upstream-Pod'] as const;

/** A row of the cross-check chart: one side's count for a pod, or the difference label above a pod. */
export type CrossCheckRow =
  | {
      readonly kind: 'count';
      readonly policy: string;
      readonly pod: string;
      readonly podLabel: string;
      readonly source: (typeof CROSS_CHECK_SOURCES)[number];
      readonly count: number;
    }
  | {
      readonly kind: 'delta';
      readonly policy: string;
      readonly pod: string;
      readonly podLabel: string;
      readonly count: number;
      readonly delta: number;
      readonly label: string;
    };

/** Client tally vs proxy counts per pod, summed over each policy's repetitions, with the difference per pod. */
export function buildCrossCheckRows(results: ResultsFile): readonly CrossCheckRow[] {
  const sorted = sortRuns(results);
  const { labelOf } = abbreviatePods(listPods(results.runs));
  return listPolicies(results).flatMap((policy) => {
    const runs = sorted.filter((run) => run.row === policy);
    const hosts = runs.flatMap((run) => run.hosts);
    const untallied = runs.reduce((sum, run) => sum + run.load.untallied, 0);
    const pods = untallied > 0 ? [...listPods(runs), NO_POD_HEADER] : listPods(runs);
    return pods.flatMap((pod): CrossCheckRow[] => {
      const podHosts = hosts.filter((host) => getHostLabel(host) === pod);
      const proxy = podHosts.reduce((sum, host) => sum + host.delta.rq_total, 0);
      const client =
        pod === NO_POD_HEADER ? untallied : podHosts.reduce((sum, host) => sum + host.clientResponses, 0);
      const delta = client - proxy;
      const podLabel = pod === NO_POD_HEADER ? pod : labelOf(pod);
      return [
        { kind: 'count', policy, pod, podLabel, source: CROSS_CHECK_SOURCES[0], count: proxy },
        { kind: 'count', policy, pod, podLabel, source: CROSS_CHECK_SOURCES[1], count: client },
        {
          kind: 'delta',
          policy,
          pod,
          podLabel,
          count: Math.max(proxy, client),
          delta,
          label: formatDelta(delta),
        },
      ];
    });
  });
}

function formatDelta(delta: number): string {
  if (delta === 0) {
    return '=';
  }
  return `Δ ${delta > 0 ? '+' : '−'}${Math.abs(delta)}`;
}
