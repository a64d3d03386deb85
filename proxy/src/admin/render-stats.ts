import type { AdminSnapshot, HistogramSnapshot } from './snapshot.js';
import { compareNames, shouldShowStat, type StatsQuery } from './stats-query.js';

/** Envoy's supported histogram quantiles, as fractions. */
export const SUPPORTED_QUANTILES = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1] as const;

interface NumericStat {
  readonly name: string;
  readonly value: number;
}

/** Counters and gauges that pass the query, merged and sorted by name as Envoy's `/stats` lists them. */
function selectNumericStats(snapshot: AdminSnapshot, query: StatsQuery): NumericStat[] {
  const pick = (kind: 'counter' | 'gauge', stats: ReadonlyMap<string, number>): NumericStat[] =>
    [...stats]
      .filter(([name, value]) => shouldShowStat(query, kind, name, value !== 0))
      .map(([name, value]) => ({ name, value }));
  return [...pick('counter', snapshot.counters), ...pick('gauge', snapshot.gauges)].sort((a, b) =>
    compareNames(a.name, b.name),
  );
}

/** Histograms that pass the query, sorted by name. */
export function selectHistograms(snapshot: AdminSnapshot, query: StatsQuery): HistogramSnapshot[] {
  return snapshot.histograms
    .filter((histogram) => shouldShowStat(query, 'histogram', histogram.name, isRecorded(histogram)))
    .sort((a, b) => compareNames(a.name, b.name));
}

/** Whether a histogram has quantiles to show. */
export function isRecorded(histogram: HistogramSnapshot): boolean {
  return histogram.cumulative !== undefined && histogram.sampleCount > 0;
}

/**
 * Renders `GET /stats` as text: `name: value` for counters and gauges, then `name: P0(interval,cumulative) …`
 * per histogram. This proxy keeps no per-interval histograms, so the interval column is always `nan`, which
 * is what Envoy prints for an interval without samples.
 */
export function renderStatsText(snapshot: AdminSnapshot, query: StatsQuery): string {
  const numeric = selectNumericStats(snapshot, query).map(({ name, value }) => `${name}: ${value}\n`);
  const histograms = selectHistograms(snapshot, query).map(
    (histogram) => `${histogram.name}: ${summarize(histogram)}\n`,
  );
  return [...numeric, ...histograms].join('');
}

function summarize(histogram: HistogramSnapshot): string {
  const values = histogram.cumulative;
  if (values === undefined || !isRecorded(histogram)) {
    return 'No recorded values';
  }
  return SUPPORTED_QUANTILES.map(
    (q, i) => `P${formatNumber(toPercent(q))}(nan,${formatNumber(values[i] ?? Number.NaN)})`,
  ).join(' ');
}

/** A quantile as a percentage without float noise (0.995 → 99.5, not 99.49999999999999). */
function toPercent(quantile: number): number {
  return Number((quantile * 100).toPrecision(12));
}

/** Formats a double like fmt's `{}`: shortest round-trip digits, `nan` for NaN, `inf` for infinity. */
function formatNumber(value: number): string {
  if (Number.isNaN(value)) {
    return 'nan';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? 'inf' : '-inf';
  }
  return String(value);
}

/**
 * Renders `GET /stats?format=json` as Envoy's streaming JSON (compact, no whitespace): counter and gauge values
 * are numbers, histograms go in one trailing `{"histograms": …}` entry with `null` for intervals without data.
 */
export function renderStatsJson(snapshot: AdminSnapshot, query: StatsQuery): string {
  const entries: unknown[] = selectNumericStats(snapshot, query).map(({ name, value }) => ({ name, value }));
  const histograms = selectHistograms(snapshot, query);
  if (histograms.length > 0) {
    entries.push({
      histograms: {
        supported_quantiles: SUPPORTED_QUANTILES.map(toPercent),
        computed_quantiles: histograms.map((histogram) => ({
          name: histogram.name,
          values: SUPPORTED_QUANTILES.map((_, i) => ({
            cumulative: isRecorded(histogram) ? (histogram.cumulative?.[i] ?? null) : null,
            interval: null,
          })),
        })),
      },
    });
  }
  return JSON.stringify({ stats: entries });
}
