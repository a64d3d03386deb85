import type { TopLevelSpec } from 'vega-lite';
import type { ResultsFile } from '../results/types.js';
import { CHART_CONFIG, encodePolicyColor, VEGA_LITE_SCHEMA } from './spec-common.js';
import { buildKeysMovedPoints } from './spec-data-keys.js';

/**
 * Keys moved per event: a bar per row (the median over its repetitions), a dot per repetition, and, at a host-set
 * change, a dashed rule at the least share a perfectly consistent hash moves; one panel per event, a pod fault's
 * panel marked as no host-set change. Undefined when no run had an event with keys seen on both sides.
 */
export function buildKeysMovedSpec(results: ResultsFile): TopLevelSpec | undefined {
  const points = buildKeysMovedPoints(results);
  if (points.length === 0) return undefined;
  const x = { field: 'policy', type: 'nominal', title: null, axis: { labelAngle: 0 } } as const;
  const y = {
    type: 'quantitative' as const,
    title: 'share of keys moved',
    scale: { domain: [0, 1] },
    axis: { format: '.0%' },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Keys moved at each event',
      subtitle: [
        'Share of the keys seen before and after whose most frequent pod changed. Bar: median over repetitions; dot: one repetition.',
        'Dashed: the least a perfectly consistent hash moves (the pods that joined or left over all pods). For RANDOM a key has no home pod: its share is chance.',
        'A pod fault (fail, hang, recover) keeps the host set: keys move there only if the pod is ejected, and keys_moved does not count it.',
      ],
    },
    data: { values: points.map((point) => ({ ...point, minimalShare: point.minimalShare ?? null })) },
    facet: { column: { field: 'event', type: 'nominal', title: null } },
    spec: {
      width: 220,
      height: 220,
      layer: [
        {
          mark: { type: 'bar', opacity: 0.85 },
          encoding: {
            x,
            y: { ...y, field: 'share', aggregate: 'median' },
            color: encodePolicyColor(results),
          },
        },
        {
          mark: { type: 'point', filled: true, color: '#333', size: 40 },
          encoding: {
            x,
            y: { ...y, field: 'share' },
            tooltip: [
              { field: 'run', type: 'nominal' },
              { field: 'share', type: 'quantitative', format: '.3f', title: 'keys moved' },
              { field: 'keysMoved', type: 'quantitative', title: 'keys that moved' },
              { field: 'keysSeenBoth', type: 'quantitative', title: 'keys seen before and after' },
            ],
          },
        },
        {
          mark: { type: 'rule', strokeDash: [6, 4], color: '#555' },
          encoding: { y: { ...y, field: 'minimalShare', aggregate: 'max' } },
        },
      ],
    },
    resolve: { scale: { x: 'independent' } },
    config: CHART_CONFIG,
  };
}
