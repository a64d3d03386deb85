import type { ResultsFile, RunRecord } from '../results/types.js';
import { getMedian as getMedianOfKnown } from '../stats/percentile.js';
import type { MetricName } from '../stats/types.js';
import { formatCount, formatFixed, formatMs, formatPValue } from './format.js';
import { describeCoverage } from './run-status.js';

/** A column of the verdict table: a run metric, or `errors` (non-2xx plus socket errors per run). */
export type VerdictKey = MetricName | 'errors';

/** How a column of the verdict table is labelled, formatted and ranked. */
export interface VerdictColumn {
  readonly key: VerdictKey;
  readonly label: string;
  /** Which direction is better; `none` = not ranked. */
  readonly better: 'max' | 'min' | 'none';
  readonly format: (value: number | undefined) => string;
  readonly description: string;
  /** The simulator models this figure rather than counting it (latency, throughput). */
  readonly isModelledInSim?: boolean;
}

/** A column's label, with `(modelled)` on figures a simulation models rather than measures. */
export function labelColumn(column: VerdictColumn, source: 'sim' | 'live'): string {
  return source === 'sim' && column.isModelledInSim === true ? `${column.label} (modelled)` : column.label;
}

/** The verdict table's columns in display order. */
export const VERDICT_COLUMNS: readonly VerdictColumn[] = [
  { key: 'requests', label: 'requests', better: 'none', format: formatCount, description: 'proxy rq_total' },
  {
    key: 'jain',
    label: 'Jain',
    better: 'max',
    format: (v) => formatFixed(v, 4),
    description: "Jain's index, 1 = even",
  },
  {
    key: 'cv',
    label: 'CV',
    better: 'min',
    format: (v) => formatFixed(v, 4),
    description: 'stddev/mean of pod counts',
  },
  {
    key: 'rate_jain',
    label: 'rate Jain',
    better: 'max',
    format: (v) => formatFixed(v, 4),
    description: "Jain's index of each pod's rate over its time in the host set; equals Jain without events",
  },
  {
    key: 'rate_cv',
    label: 'rate CV',
    better: 'min',
    format: (v) => formatFixed(v, 4),
    description: 'CV of the same rates',
  },
  {
    key: 'cv_over_null',
    label: 'CV/null',
    better: 'min',
    format: (v) => formatFixed(v, 2),
    description: 'CV as a multiple of uniform random’s expected CV sqrt((n−1)/N)',
  },
  {
    key: 'max_over_mean',
    label: 'max/mean',
    better: 'min',
    format: (v) => formatFixed(v, 3),
    description: 'busiest pod',
  },
  {
    key: 'min_over_mean',
    label: 'min/mean',
    better: 'max',
    format: (v) => formatFixed(v, 3),
    description: 'idlest pod',
  },
  {
    key: 'zero_hit_pods',
    label: 'zero-hit',
    better: 'min',
    format: formatCount,
    description: 'pods with no request',
  },
  {
    key: 'chi2_pvalue',
    label: 'χ² p',
    better: 'max',
    format: formatPValue,
    description: 'chi-square test against equal shares; higher = closer to equal',
  },
  {
    key: 'p50_ms',
    label: 'p50 ms',
    better: 'min',
    format: formatMs,
    description: 'median latency',
    isModelledInSim: true,
  },
  {
    key: 'p99_ms',
    label: 'p99 ms',
    better: 'min',
    format: formatMs,
    description: '99th percentile latency',
    isModelledInSim: true,
  },
  {
    key: 'rps',
    label: 'req/s',
    better: 'max',
    format: formatCount,
    description: 'responses per second',
    isModelledInSim: true,
  },
  {
    key: 'errors',
    label: 'errors',
    better: 'min',
    format: formatCount,
    description: 'non-2xx + socket errors',
  },
];

/** One policy's line of the verdict: medians over its repetitions. */
export interface VerdictRow {
  readonly policy: string;
  /** Repetitions that ran; 0 = the policy is missing from the results. */
  readonly repetitions: number;
  /** Repetitions the scenario asked for; 0 for a policy it does not list. */
  readonly expectedRepetitions: number;
  readonly values: Readonly<Partial<Record<VerdictKey, number>>>;
  /** Columns in which this row holds the best shown value (ties all marked; none when every row ties). */
  readonly best: ReadonlySet<VerdictKey>;
  readonly gatesPassed: number;
  readonly gatesFailed: number;
}

/** The mark next to a best value in the verdict table (HTML and markdown). */
export const BEST_MARK = '★';

/**
 * Returns the median of the values that are numbers (mean of the middle two for an even count), skipping NaN (how a
 * null in results.json reads back); NaN when none is left.
 */
export function getMedian(values: readonly number[]): number {
  const known = values.filter((value) => !Number.isNaN(value));
  return known.length === 0 ? Number.NaN : getMedianOfKnown(known);
}

/** A policy's value of a metric: the summary's median over repetitions, else the median of its runs. */
export function getPolicyMetric(results: ResultsFile, policy: string, metric: MetricName): number {
  const summary = results.summaries.find((entry) => entry.row === policy);
  // Results written before a metric existed lack it (read back as undefined): the column then shows n/a.
  const metrics = summary?.metrics as Partial<Record<MetricName, { readonly median: number }>> | undefined;
  return (
    metrics?.[metric]?.median ??
    getMedian(
      results.runs
        .filter((run) => run.row === policy)
        .map((run) => (run.metrics as Partial<RunRecord['metrics']>)[metric] ?? Number.NaN),
    )
  );
}

function readValues(results: ResultsFile, policy: string, runs: readonly RunRecord[]): VerdictRow['values'] {
  if (runs.length === 0) {
    return {};
  }
  const values: Partial<Record<VerdictKey, number>> = {
    errors: getMedian(runs.map((run) => run.load.non2xx + run.load.errors)),
  };
  for (const column of VERDICT_COLUMNS) {
    if (column.key !== 'errors') {
      values[column.key] = getPolicyMetric(results, policy, column.key);
    }
  }
  return values;
}

/** Builds the verdict rows, one per policy in display order, with the best value per column marked. */
export function buildVerdictRows(results: ResultsFile): readonly VerdictRow[] {
  const rows = describeCoverage(results).policies.map(({ policy, expected }) => {
    const runs = results.runs.filter((run) => run.row === policy);
    const gates = results.gates.filter((gate) => gate.row === policy);
    return {
      policy,
      repetitions: runs.length,
      expectedRepetitions: expected,
      values: readValues(results, policy, runs),
      gatesPassed: gates.filter((gate) => gate.passed).length,
      gatesFailed: gates.filter((gate) => !gate.passed).length,
    };
  });
  const best = markBest(rows);
  return rows.map((row, index) => ({ ...row, best: best[index] ?? new Set() }));
}

function markBest(rows: readonly Pick<VerdictRow, 'values' | 'repetitions'>[]): ReadonlySet<VerdictKey>[] {
  const marks = rows.map(() => new Set<VerdictKey>());
  for (const column of VERDICT_COLUMNS) {
    const candidates = rows
      .map((row, index) => ({ index, value: row.values[column.key] }))
      .filter((entry): entry is { index: number; value: number } => Number.isFinite(entry.value));
    if (column.better === 'none' || candidates.length < 2) {
      continue;
    }
    const pick = column.better === 'max' ? Math.max : Math.min;
    const bestText = column.format(pick(...candidates.map((entry) => entry.value)));
    const winners = candidates.filter((entry) => column.format(entry.value) === bestText);
    if (winners.length === candidates.length) {
      continue;
    }
    for (const entry of winners) {
      marks[entry.index]?.add(column.key);
    }
  }
  return marks;
}
