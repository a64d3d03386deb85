import { extractTags, type StatTag } from './extract-tags.js';
import { isRecorded, selectHistograms, SUPPORTED_QUANTILES } from './render-stats.js';
import type { AdminSnapshot, HistogramSnapshot } from './snapshot.js';
import { compareNames, shouldShowStat, type StatsQuery } from './stats-query.js';

interface Sample {
  /** Full Envoy stat name, the sort key inside a metric family. */
  readonly statName: string;
  readonly tags: readonly StatTag[];
  readonly render: (metric: string, labels: string) => string;
}

/**
 * Renders `GET /stats/prometheus` in the Prometheus text format 0.0.4 as Envoy does: counters, then gauges,
 * then histograms; one `# TYPE` line per tag-extracted name (sorted), samples sorted by stat name, and a blank
 * line after each family. Histograms are emitted as summaries (Envoy's `histogram_buckets=summary`) because
 * this proxy keeps quantiles, not bucket counts.
 */
export function renderPrometheus(snapshot: AdminSnapshot, query: StatsQuery): string {
  const numeric = (kind: 'counter' | 'gauge', stats: ReadonlyMap<string, number>): string =>
    renderFamilies(
      kind,
      [...stats]
        .filter(([name, value]) => shouldShowStat(query, kind, name, value !== 0))
        .map(([name, value]) => ({
          name,
          render: (metric: string, labels: string) => `${metric}{${labels}} ${value}\n`,
        })),
    );
  const histograms = selectHistograms(snapshot, query).map((histogram) => ({
    name: histogram.name,
    render: (metric: string, labels: string) => renderSummary(metric, labels, histogram),
  }));
  return (
    numeric('counter', snapshot.counters) +
    numeric('gauge', snapshot.gauges) +
    renderFamilies('summary', histograms)
  );
}

function renderFamilies(
  type: string,
  stats: readonly { readonly name: string; readonly render: Sample['render'] }[],
): string {
  const families = new Map<string, Sample[]>();
  for (const stat of stats) {
    const { extractedName, tags } = extractTags(stat.name);
    const metric = toMetricName(extractedName);
    const family = families.get(metric) ?? [];
    family.push({ statName: stat.name, tags, render: stat.render });
    families.set(metric, family);
  }
  return [...families]
    .sort(([a], [b]) => compareNames(a, b))
    .map(([metric, samples]) => {
      const lines = samples
        .sort((a, b) => compareNames(a.statName, b.statName))
        .map((sample) => sample.render(metric, formatLabels(sample.tags)));
      return `# TYPE ${metric} ${type}\n${lines.join('')}\n`;
    })
    .join('');
}

function renderSummary(metric: string, labels: string, histogram: HistogramSnapshot): string {
  const prefix = labels === '' ? '' : `${labels},`;
  const quantiles = SUPPORTED_QUANTILES.map((q, i) => {
    const value = isRecorded(histogram) ? (histogram.cumulative?.[i] ?? Number.NaN) : Number.NaN;
    return `${metric}{${prefix}quantile="${q}"} ${formatSampleValue(value)}\n`;
  });
  return [
    ...quantiles,
    `${metric}_sum{${labels}} ${formatSampleValue(histogram.sampleSum)}\n`,
    `${metric}_count{${labels}} ${histogram.sampleCount}\n`,
  ].join('');
}

/** Prefixes `envoy_` and replaces every character outside `[a-zA-Z0-9_]` with `_`, as Envoy's sanitizer does. */
function toMetricName(extractedName: string): string {
  return `envoy_${sanitize(extractedName)}`;
}

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

function formatLabels(tags: readonly StatTag[]): string {
  // Envoy writes tag values raw; escaping \, " and newlines keeps the exposition parseable for odd names.
  return tags.map((tag) => `${sanitize(tag.name)}="${escapeLabel(tag.value)}"`).join(',');
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  return String(value);
}
