import { mapRowsToProxyGroups, sortRowsByProxyGroup } from './proxy-groups.js';
import type { TopLevelSpec } from 'vega-lite';
import type { Field } from 'vega-lite/types_unstable/channeldef.js';
import type { UnitSpec } from 'vega-lite/types_unstable/spec/unit.js';
import type { ResultsFile } from '../results/types.js';
import type { CounterSourceKind } from '../backends/backend.js';
import { listPolicies } from './run-status.js';
import { listSlowPodLabels } from './slow-pod-labels.js';
import { buildPodAxis, CHART_CONFIG, filterKind, SHARE_TITLE, VEGA_LITE_SCHEMA } from './spec-common.js';
import { buildCrossCheckRows, CROSS_CHECK_SOURCES, NO_POD_HEADER } from './spec-data-cross-check.js';
import { buildEventMarkers } from './spec-data-events.js';
import { buildRateCells, listRunLabels } from './spec-data-rates.js';
import { buildShareRows, listPods } from './spec-data.js';

/** Dots for each repetition's share of a pod, drawn over the pooled bars. */
function buildRepetitionDots(podAxis: ReturnType<typeof buildPodAxis>): UnitSpec<Field> {
  return {
    transform: [filterKind('repetition')],
    mark: { type: 'point', filled: true, color: '#222222', size: 22, opacity: 0.75 },
    encoding: {
      x: podAxis,
      y: { field: 'share', type: 'quantitative', title: SHARE_TITLE, axis: { format: '.1%' } },
      tooltip: [
        { field: 'pod', type: 'nominal' },
        { field: 'repetition', type: 'ordinal' },
        { field: 'share', type: 'quantitative', format: '.3%' },
      ],
    },
  };
}

/** A dark outline and the word "slow" over the pooled bar of each pod the scenario slows. */
function buildSlowPodLayers(podAxis: ReturnType<typeof buildPodAxis>): UnitSpec<Field>[] {
  const y = { field: 'share', type: 'quantitative', title: SHARE_TITLE, axis: { format: '.1%' } } as const;
  return [
    {
      transform: [filterKind('slow')],
      mark: { type: 'bar', width: { band: 0.7 }, fillOpacity: 0, stroke: '#222222', strokeWidth: 2 },
      encoding: { x: podAxis, y },
    },
    {
      transform: [filterKind('slow')],
      mark: { type: 'text', dy: -8, fontSize: 11, fontWeight: 600, color: '#222222' },
      encoding: { x: podAxis, y, text: { value: 'slow' } },
    },
  ];
}

/** Per-pod share bars per policy with the equal-share rule and the uniform-random 95% band. */
export function buildShareSpec(results: ResultsFile): TopLevelSpec {
  const shareRows = buildShareRows(results);
  const slowLabels = listSlowPodLabels(results);
  const slowRows = shareRows.flatMap((row) =>
    row.kind === 'pooled' && slowLabels.has(row.pod) ? [{ ...row, kind: 'slow' }] : [],
  );
  const groups = mapRowsToProxyGroups(results);
  const panelOf = (policy: string): string => `${groups.get(policy) ?? 'Envoy-style proxy'} · ${policy}`;
  const rows = [...shareRows, ...slowRows].map((row) => ({ ...row, panel: panelOf(row.policy) }));
  const pods = listPods(results.runs);
  const hasRepetitionDots = rows.some((row) => row.kind === 'repetition');
  const shareAxis = { type: 'quantitative', title: SHARE_TITLE, axis: { format: '.1%' } } as const;
  const podAxis = buildPodAxis(pods);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Share of requests per pod',
      subtitle: [
        `Bars: share of the proxy’s rq_total${hasRepetitionDots ? ' pooled over repetitions (dots: single repetitions)' : ''}. Dashed line: equal share 1/n.`,
        'Grey band: 95% range of one pod’s share under uniform random with the same N, 1/n ± 1.96·sqrt(p(1−p)/N).',
        ...(slowRows.length > 0
          ? ['Outlined “slow”: a pod the scenario slows (upstream.pods delay or slow event).']
          : []),
      ],
    },
    data: { values: [...rows] },
    // Panels are grouped by balancer family (Envoy-style proxy, CLUSTER_IP, HAProxy, nginx), each titled with it.
    facet: {
      field: 'panel',
      type: 'nominal',
      sort: sortRowsByProxyGroup(listPolicies(results), groups).map(panelOf),
      title: null,
    },
    columns: 3,
    spec: {
      width: Math.max(150, 56 * pods.length),
      height: 190,
      layer: [
        {
          transform: [filterKind('null')],
          mark: { type: 'rect', color: '#8c96a3', opacity: 0.3 },
          encoding: {
            x: { value: 0 },
            x2: { value: 'width' },
            y: { field: 'bandLow', ...shareAxis },
            y2: { field: 'bandHigh' },
            tooltip: [
              { field: 'bandLow', type: 'quantitative', title: 'band low', format: '.2%' },
              { field: 'bandHigh', type: 'quantitative', title: 'band high', format: '.2%' },
              { field: 'requests', type: 'quantitative', title: 'N', format: ',' },
            ],
          },
        },
        {
          transform: [filterKind('pooled')],
          mark: { type: 'bar', width: { band: 0.7 } },
          encoding: {
            x: podAxis,
            y: { field: 'share', ...shareAxis },
            color: {
              field: 'band',
              type: 'nominal',
              title: 'share vs null band',
              scale: { domain: ['inside', 'outside'], range: ['#4c78a8', '#e45756'] },
            },
            tooltip: [
              { field: 'pod', type: 'nominal' },
              { field: 'policy', type: 'nominal' },
              { field: 'share', type: 'quantitative', format: '.3%' },
              { field: 'requests', type: 'quantitative', format: ',' },
            ],
          },
        },
        {
          transform: [filterKind('null')],
          mark: { type: 'rule', color: '#222222', strokeDash: [5, 4], strokeWidth: 1.5 },
          encoding: { y: { field: 'expectedShare', ...shareAxis } },
        },
        ...(hasRepetitionDots ? [buildRepetitionDots(podAxis)] : []),
        ...(slowRows.length > 0 ? buildSlowPodLayers(podAxis) : []),
      ],
    },
    config: CHART_CONFIG,
  };
}

const RATE_SOURCES: Readonly<Record<CounterSourceKind, string>> = {
  'envoy-clusters': "the proxy's /clusters (rq_total deltas)",
  'haproxy-stats': "HAProxy's stats CSV",
  'client-tally': "the client's X-Upstream-Pod tally",
};

/** Where the rate cells come from: each counter source the runs used (a run without one read /clusters). */
function describeRateSources(results: ResultsFile): string {
  const kinds = new Set(results.runs.map((run) => run.counterSource ?? 'envoy-clusters'));
  return [...kinds].map((kind) => RATE_SOURCES[kind]).join(' or ');
}

/** Heatmap of request rate per pod over time, one row of cells per run, with the scenario's events marked. */
export function buildRateHeatmapSpec(results: ResultsFile): TopLevelSpec {
  const labels = listRunLabels(results).map(({ label }) => label);
  const pods = listPods(results.runs);
  const markers = buildEventMarkers(results);
  const slowPods = pods.filter((pod) => listSlowPodLabels(results).has(pod));
  const time = { type: 'quantitative', title: 'time in measured window (s)' } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Request rate per pod over time',
      subtitle: [
        `req/s per pod in each sampling interval of ${describeRateSources(results)}, measured window only`,
        ...(markers.length > 0 ? ['Red lines: scenario events, when each was applied'] : []),
      ],
    },
    data: { values: [...buildRateCells(results), ...markers] },
    facet: { field: 'run', type: 'nominal', sort: labels, title: null, header: { labelAnchor: 'start' } },
    columns: 1,
    spec: {
      width: 640,
      height: Math.max(40, 20 * pods.length),
      layer: [
        {
          transform: [filterKind('cell')],
          mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 0.5 },
          encoding: {
            x: { field: 'tStartS', ...time },
            x2: { field: 'tEndS' },
            y: {
              field: 'pod',
              type: 'nominal',
              sort: [...pods],
              title: null,
              axis: buildPodRowAxis(slowPods),
            },
            color: {
              field: 'rateRps',
              type: 'quantitative',
              title: 'req/s',
              scale: { scheme: 'viridis', zero: false },
            },
            tooltip: [
              { field: 'pod', type: 'nominal' },
              { field: 'tStartS', type: 'quantitative', title: 'from (s)', format: '.2f' },
              { field: 'tEndS', type: 'quantitative', title: 'to (s)', format: '.2f' },
              { field: 'requests', type: 'quantitative', format: ',' },
              { field: 'rateRps', type: 'quantitative', title: 'req/s', format: ',.0f' },
            ],
          },
        },
        ...(markers.length > 0 ? buildEventLayers(time) : []),
      ],
    },
    config: CHART_CONFIG,
  };
}

/** The heatmap's pod axis: a pod the scenario slows reads `<pod> (slow)`. */
function buildPodRowAxis(slowPods: readonly string[]): { labelLimit: number; labelExpr?: string } {
  if (slowPods.length === 0) return { labelLimit: 200 };
  return {
    labelLimit: 240,
    labelExpr: `indexof(${JSON.stringify(slowPods)}, datum.value) >= 0 ? datum.value + ' (slow)' : datum.value`,
  };
}

/** A red rule at each event, its label above the first pod's row. */
function buildEventLayers(time: {
  readonly type: 'quantitative';
  readonly title: string;
}): UnitSpec<Field>[] {
  const tooltip = [
    { field: 'label', type: 'nominal', title: 'event' },
    { field: 'tS', type: 'quantitative', title: 'at (s)', format: '.2f' },
    { field: 'detail', type: 'nominal' },
  ] as const;
  return [
    {
      transform: [filterKind('event')],
      mark: { type: 'rule', color: '#d62728', strokeWidth: 2 },
      encoding: { x: { field: 'tS', ...time }, tooltip: [...tooltip] },
    },
    {
      transform: [filterKind('event')],
      mark: { type: 'text', color: '#d62728', align: 'left', baseline: 'top', dx: 3, dy: 2, fontWeight: 600 },
      encoding: {
        x: { field: 'tS', ...time },
        y: { value: 0 },
        text: { field: 'label' },
        tooltip: [...tooltip],
      },
    },
  ];
}

/** Client tally (X-Upstream-Pod) vs proxy rq_total per pod, with the difference written above each pod. */
export function buildCrossCheckSpec(results: ResultsFile): TopLevelSpec {
  const pods = listPods(results.runs);
  const podAxis = buildPodAxis([...pods, NO_POD_HEADER]);
  const countAxis = { type: 'quantitative', title: 'requests' } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Cross-check: client tally vs proxy count per pod',
      subtitle:
        'Summed over repetitions. Label: client − proxy ("=" when equal). In-flight requests at the end, errors and local replies explain differences.',
    },
    data: { values: [...buildCrossCheckRows(results)] },
    facet: { field: 'policy', type: 'nominal', sort: [...listPolicies(results)], title: null },
    columns: 3,
    spec: {
      width: Math.max(150, 64 * pods.length),
      height: 190,
      layer: [
        {
          transform: [filterKind('count')],
          mark: { type: 'bar' },
          encoding: {
            x: podAxis,
            xOffset: { field: 'source', type: 'nominal', sort: [...CROSS_CHECK_SOURCES] },
            y: { field: 'count', ...countAxis },
            color: {
              field: 'source',
              type: 'nominal',
              title: 'counted by',
              scale: { domain: [...CROSS_CHECK_SOURCES], range: ['#4c78a8', '#f58518'] },
            },
            tooltip: [
              { field: 'pod', type: 'nominal' },
              { field: 'source', type: 'nominal' },
              { field: 'count', type: 'quantitative', format: ',' },
            ],
          },
        },
        {
          transform: [filterKind('delta')],
          mark: { type: 'text', dy: -7, fontSize: 11, fontWeight: 600 },
          encoding: {
            x: podAxis,
            y: { field: 'count', ...countAxis },
            text: { field: 'label' },
            color: { condition: { test: 'datum.delta !== 0', value: '#c0392b' }, value: '#555555' },
          },
        },
      ],
    },
    config: CHART_CONFIG,
  };
}
