import type { TopLevelSpec } from 'vega-lite';
import type { ResultsFile } from '../results/types.js';
import { hasFailureData } from './failure-figures.js';
import { buildFailureTimelineSpec } from './spec-failure-timeline.js';
import { buildFairnessSpec, buildLatencySpec } from './spec-policies.js';
import { buildKeysMovedSpec } from './spec-keys.js';
import { buildCrossCheckSpec, buildRateHeatmapSpec, buildShareSpec } from './spec-pods.js';

/** A chart of the report: where it goes in the page and its spec. */
export interface ReportChart {
  readonly id: string;
  readonly spec: TopLevelSpec;
}

/**
 * Every chart of the report in page order; the fairness chart only when a policy ran more than once, the failure
 * timeline only with failure data, the keys-moved chart only when keyed traffic met an event (a host-set change or a
 * pod fault).
 */
export function buildReportCharts(results: ResultsFile): readonly ReportChart[] {
  const fairness = buildFairnessSpec(results);
  const keysMoved = buildKeysMovedSpec(results);
  return [
    { id: 'chart-shares', spec: buildShareSpec(results) },
    { id: 'chart-rate-heatmap', spec: buildRateHeatmapSpec(results) },
    { id: 'chart-latency', spec: buildLatencySpec(results) },
    ...(fairness === undefined ? [] : [{ id: 'chart-fairness', spec: fairness }]),
    ...(hasFailureData(results)
      ? [{ id: 'chart-failure-timeline', spec: buildFailureTimelineSpec(results) }]
      : []),
    ...(keysMoved === undefined ? [] : [{ id: 'chart-keys-moved', spec: keysMoved }]),
    { id: 'chart-cross-check', spec: buildCrossCheckSpec(results) },
  ];
}
