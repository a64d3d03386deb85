import type { ResultsFile } from '../results/types.js';
import type { MetricName } from '../stats/types.js';
import { listPolicies, sortRuns } from './run-status.js';

/** The fairness metrics charted over repetitions, with their chart labels. */
export const FAIRNESS_METRICS: readonly { readonly metric: MetricName; readonly label: string }[] = [
  { metric: 'jain', label: 'Jain (higher = fairer)' },
  { metric: 'cv', label: 'CV (lower = fairer)' },
  { metric: 'cv_over_null', label: 'CV / null CV' },
  { metric: 'max_over_mean', label: 'max / mean' },
  { metric: 'min_over_mean', label: 'min / mean' },
];

/** A row of the fairness chart: one repetition's value, or a policy's median and confidence interval. */
export type FairnessRow =
  | {
      readonly kind: 'value';
      readonly metric: string;
      readonly policy: string;
      readonly repetition: number;
      readonly value: number;
    }
  | {
      readonly kind: 'ci';
      readonly metric: string;
      readonly policy: string;
      readonly median: number;
      readonly low: number;
      readonly high: number;
      readonly level: number;
    };

/** Each repetition's fairness metrics and each policy's median with its bootstrap CI, finite values only. */
export function buildFairnessRows(results: ResultsFile): readonly FairnessRow[] {
  const runs = sortRuns(results);
  return FAIRNESS_METRICS.flatMap(({ metric, label }) => [
    ...runs
      .filter((run) => Number.isFinite(run.metrics[metric]))
      .map((run): FairnessRow => ({
        kind: 'value',
        metric: label,
        policy: run.row,
        repetition: run.repetition,
        value: run.metrics[metric],
      })),
    ...listPolicies(results).flatMap((policy): FairnessRow[] => {
      const summary = results.summaries.find((entry) => entry.row === policy);
      const stat = summary?.metrics[metric];
      if (stat === undefined || ![stat.median, stat.ci.low, stat.ci.high].every(Number.isFinite)) {
        return [];
      }
      return [
        {
          kind: 'ci',
          metric: label,
          policy,
          median: stat.median,
          low: stat.ci.low,
          high: stat.ci.high,
          level: stat.ci.level,
        },
      ];
    }),
  ]);
}

/** Whether any policy ran more than once, so a chart over repetitions says something. */
export function hasRepetitions(results: ResultsFile): boolean {
  return listPolicies(results).some((policy) => results.runs.filter((run) => run.row === policy).length > 1);
}
