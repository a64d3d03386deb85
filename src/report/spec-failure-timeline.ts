import type { TopLevelSpec } from 'vega-lite';
import type { ResultsFile } from '../results/types.js';
import { filterKind, VEGA_LITE_SCHEMA } from './spec-common.js';
import { buildEventMarkers } from './spec-data-events.js';
import { listRunLabels } from './spec-data-rates.js';

const HEALTH_COLORS = { eject: '#ff7f0e', uneject: '#2ca02c', 'hc-fail': '#9467bd', 'hc-pass': '#17becf' };

/**
 * The failure timeline: client errors per load tick of every run, with the scenario's events (red) and the
 * hosts' health changes (ejection orange, un-ejection green, health check failing or passing a pod) as rules.
 */
export function buildFailureTimelineSpec(results: ResultsFile): TopLevelSpec {
  const runs = listRunLabels(results);
  const ticks = runs.flatMap(({ run, label }) =>
    (run.load.ticks ?? []).map((tick, index, all) => ({
      kind: 'tick',
      run: label,
      tStartS: (all[index - 1]?.tMs ?? 0) / 1000,
      tEndS: tick.tMs / 1000,
      errors: tick.errors,
    })),
  );
  const health = runs.flatMap(({ run, label }) =>
    (run.healthEvents ?? []).map((event) => ({
      kind: 'health',
      run: label,
      tS: event.tMs / 1000,
      action: event.action,
      pod: event.pod ?? event.address,
    })),
  );
  const time = { type: 'quantitative', title: 'time in measured window (s)' } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Failure timeline',
      subtitle: 'client errors per load tick; red: scenario events; orange: ejection, green: un-ejection',
    },
    data: { values: [...ticks, ...buildEventMarkers(results), ...health] },
    facet: {
      field: 'run',
      type: 'nominal',
      sort: runs.map(({ label }) => label),
      title: null,
      header: { labelAnchor: 'start' },
    },
    columns: 1,
    spec: {
      width: 640,
      height: 90,
      layer: [
        {
          transform: [filterKind('tick')],
          mark: { type: 'rect', color: '#d62728', opacity: 0.6 },
          encoding: {
            x: { field: 'tStartS', ...time },
            x2: { field: 'tEndS' },
            y: { field: 'errors', type: 'quantitative', title: 'errors' },
            tooltip: [
              { field: 'tEndS', type: 'quantitative', title: 'tick end (s)', format: '.1f' },
              { field: 'errors', type: 'quantitative', format: ',' },
            ],
          },
        },
        {
          transform: [filterKind('event')],
          mark: { type: 'rule', color: '#d62728', strokeWidth: 2 },
          encoding: {
            x: { field: 'tS', ...time },
            tooltip: [
              { field: 'label', type: 'nominal', title: 'event' },
              { field: 'tS', type: 'quantitative', title: 'at (s)', format: '.2f' },
            ],
          },
        },
        {
          transform: [filterKind('health')],
          mark: { type: 'rule', strokeWidth: 2, strokeDash: [4, 2] },
          encoding: {
            x: { field: 'tS', ...time },
            color: {
              field: 'action',
              type: 'nominal',
              title: 'host health',
              scale: { domain: Object.keys(HEALTH_COLORS), range: Object.values(HEALTH_COLORS) },
            },
            tooltip: [
              { field: 'action', type: 'nominal' },
              { field: 'pod', type: 'nominal' },
              { field: 'tS', type: 'quantitative', title: 'at (s)', format: '.2f' },
            ],
          },
        },
      ],
    },
  };
}
