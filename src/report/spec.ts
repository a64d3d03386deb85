import type { TopLevelSpec } from 'vega-lite';
import type { ResultsFile } from '../results/types.js';
import { hasFailureData } from './failure-figures.js';
import { buildFailureTimelineSpec } from './spec-failure-timeline.js';
import { buildFairnessSpec, buildLatencySpec } from './spec-policies.js';
import { buildCrossCheckSpec, buildRateHeatmapSpec, buildShareSpec } from './spec-pods.js';

/** A chart of the report: where it goes in the page and its spec. */
export interface ReportChart {
  readonly id: string;
  readonly spec: TopLevelSpec;
}

/** Every chart of the report in page order; the fairness chart only when a policy ran more than once. */
export function buildReportCharts(results: ResultsFile): readonly ReportChart[] {
  const fairness = buildFairnessSpec(results);
  return [
    { id: 'chart-shares', spec: buildShareSpec(results) },
    { id: 'chart-rate-heatmap', spec: buildRateHeatmapSpec(results) },
    { id: 'chart-latency', spec: buildLatencySpec(results) },
    ...(fairness === undefined ? [] : [{ id: 'chart-fairness', spec: fairness }]),
    ...(hasFailureData(results)
      ? [{ id: 'chart-failure-timeline', spec: buildFailureTimelineSpec(results) }]
      : []),
    { id: 'chart-cross-check', spec: buildCrossCheckSpec(results) },
  ];
}
