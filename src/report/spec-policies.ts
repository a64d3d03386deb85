import type { TopLevelSpec } from 'vega-lite';
import type { ResultsFile } from '../results/types.js';
import {
  CHART_CONFIG,
  encodePolicyColor,
  filterKind,
  listRanPolicies,
  VEGA_LITE_SCHEMA,
} from './spec-common.js';
import { buildFairnessRows, FAIRNESS_METRICS, hasRepetitions } from './spec-data-fairness.js';
import { buildLatencyPoints, getLatencyResolutionMs, LATENCY_PERCENTILES } from './spec-data.js';

/** Latency percentiles per policy on a log axis, labelled with the source's resolution. */
export function buildLatencySpec(results: ResultsFile): TopLevelSpec {
  const resolutionMs = getLatencyResolutionMs(results);
  const caveat =
    resolutionMs >= 1
      ? `autocannon records whole milliseconds (${resolutionMs} ms resolution): values under ${resolutionMs} ms are drawn at ${resolutionMs} ms (▼).`
      : resolutionMs > 0
        ? `Each response timed to ${resolutionMs * 1000} µs (HDR histogram, 3 significant digits).`
        : 'Exact latencies (no rounding by the source).';
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Latency percentiles per row',
      subtitle: [
        `Medians over repetitions, log scale. ${caveat}`,
        'Closed loop: this is service time as seen by the client, not an intended-schedule latency.',
      ],
    },
    data: { values: [...buildLatencyPoints(results)] },
    width: 560,
    height: 260,
    encoding: {
      x: {
        field: 'percentile',
        type: 'ordinal',
        sort: LATENCY_PERCENTILES.map((entry) => entry.label),
        title: 'percentile',
        axis: { labelAngle: 0 },
      },
      y: { field: 'plotMs', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms, log scale)' },
      color: encodePolicyColor(results),
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 2, opacity: 0.85 } },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          shape: {
            field: 'resolution',
            type: 'nominal',
            title: 'value',
            scale: { domain: ['measured', 'below resolution'], range: ['circle', 'triangle-down'] },
          },
          tooltip: [
            { field: 'policy', type: 'nominal' },
            { field: 'percentile', type: 'ordinal' },
            { field: 'valueMs', type: 'quantitative', title: 'latency (ms)' },
          ],
        },
      },
    ],
    config: CHART_CONFIG,
  };
}

/** Fairness metrics per policy: each repetition's value, the median and its CI; undefined with one repetition. */
export function buildFairnessSpec(results: ResultsFile): TopLevelSpec | undefined {
  if (!hasRepetitions(results)) {
    return undefined;
  }
  const policies = listRanPolicies(results);
  const valueAxis = { type: 'quantitative', title: null, scale: { zero: false } } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Fairness metrics over repetitions',
      subtitle:
        'Dots: single repetitions. Tick: median. Bar: bootstrap confidence interval of the median (level in the tooltip).',
    },
    data: { values: [...buildFairnessRows(results)] },
    facet: {
      field: 'metric',
      type: 'nominal',
      sort: FAIRNESS_METRICS.map((entry) => entry.label),
      title: null,
    },
    columns: 5,
    spec: {
      width: Math.max(90, 40 * policies.length),
      height: 180,
      encoding: {
        x: { field: 'policy', type: 'nominal', sort: policies, title: null, axis: { labelAngle: -35 } },
        color: encodePolicyColor(results),
      },
      layer: [
        {
          transform: [filterKind('ci')],
          mark: { type: 'rule', strokeWidth: 4, opacity: 0.35 },
          encoding: {
            y: { field: 'low', ...valueAxis },
            y2: { field: 'high' },
            tooltip: [
              { field: 'policy', type: 'nominal' },
              { field: 'median', type: 'quantitative', format: '.4f' },
              { field: 'low', type: 'quantitative', title: 'CI low', format: '.4f' },
              { field: 'high', type: 'quantitative', title: 'CI high', format: '.4f' },
              { field: 'level', type: 'quantitative', title: 'CI level', format: '.0%' },
            ],
          },
        },
        {
          transform: [filterKind('ci')],
          mark: { type: 'tick', thickness: 2, size: 22 },
          encoding: { y: { field: 'median', ...valueAxis } },
        },
        {
          transform: [filterKind('value')],
          mark: { type: 'point', filled: true, size: 36, opacity: 0.9, stroke: '#ffffff', strokeWidth: 0.5 },
          encoding: {
            y: { field: 'value', ...valueAxis },
            tooltip: [
              { field: 'policy', type: 'nominal' },
              { field: 'repetition', type: 'ordinal' },
              { field: 'value', type: 'quantitative', format: '.4f' },
            ],
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: CHART_CONFIG,
  };
}
