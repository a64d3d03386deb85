import { getMedian } from '../../../src/stats/percentile.js';
import { METRIC_NAMES } from '../../../src/stats/types.js';
import type { MetricName, MetricSummary, RowSummary } from '../../../src/stats/types.js';

/** A hand-built metric summary: the given values, their median, and a CI (default: min and max of the values). */
export function buildMetricSummary(
  values: readonly number[],
  ci?: { low: number; high: number },
): MetricSummary {
  return {
    median: getMedian(values),
    values,
    ci: { level: 0.95, low: ci?.low ?? Math.min(...values), high: ci?.high ?? Math.max(...values) },
  };
}

/** A hand-built policy summary; metrics not given have the single value 0. */
export function buildPolicySummary(
  policy: string,
  metrics: Partial<Record<MetricName, MetricSummary | readonly number[]>>,
): RowSummary {
  const entries = METRIC_NAMES.map((name): [MetricName, MetricSummary] => {
    const given = metrics[name];
    if (given === undefined) return [name, buildMetricSummary([0])];
    return [name, 'median' in given ? given : buildMetricSummary(given)];
  });
  const repetitions = Math.max(...entries.map(([, summary]) => summary.values.length));
  return {
    row: policy,
    repetitions,
    metrics: Object.fromEntries(entries) as Record<MetricName, MetricSummary>,
  };
}
