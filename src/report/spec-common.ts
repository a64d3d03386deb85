import type { Config } from 'vega-lite/types_unstable/config.js';
import type { ResultsFile } from '../results/types.js';
import { listPolicies } from './run-status.js';
import { NO_POD_HEADER } from './spec-data-cross-check.js';
import { abbreviatePods } from './spec-data.js';

/** The vega-lite schema every spec declares. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Colours of the policies, in display order (Tableau 10), so every chart colours a policy alike. */
const POLICY_PALETTE = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#b279a2',
  '#e45756',
  '#72b7b2',
  '#eeca3b',
  '#9d755d',
];

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Looks shared by every chart: fonts, titles anchored left, light grid. */
export const CHART_CONFIG: Config = {
  font: FONT,
  background: '#ffffff',
  padding: 8,
  title: {
    anchor: 'start',
    fontSize: 15,
    fontWeight: 600,
    subtitleFontSize: 12,
    subtitleColor: '#555',
    offset: 12,
  },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500, gridColor: '#e8e8e8' },
  header: { labelFontSize: 12, labelFontWeight: 600, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  view: { stroke: '#d0d0d0' },
};

/** The y-axis title of the share chart. */
export const SHARE_TITLE = 'share of requests';

/** Colours by policy with a fixed domain (every policy, so colours match across charts); the legend lists those that ran. */
export function encodePolicyColor(results: ResultsFile) {
  const domain = [...listPolicies(results)];
  return {
    field: 'policy',
    type: 'nominal',
    title: 'row',
    scale: {
      domain,
      range: domain.map((_, index) => POLICY_PALETTE[index % POLICY_PALETTE.length] ?? '#888888'),
    },
    legend: { values: listRanPolicies(results), symbolOpacity: 1 },
  } as const;
}

/** Policies with at least one finished run, in display order. */
export function listRanPolicies(results: ResultsFile): string[] {
  return listPolicies(results).filter((policy) => results.runs.some((run) => run.row === policy));
}

/** The x axis of per-pod bars: short pod labels in natural order, the shared prefix in the title. */
export function buildPodAxis(pods: readonly string[]) {
  const { prefix, labelOf } = abbreviatePods(pods.filter((pod) => pod !== NO_POD_HEADER));
  return {
    field: 'podLabel',
    type: 'nominal',
    sort: pods.map(labelOf),
    title: prefix === '' ? 'pod' : `pod (${prefix}…)`,
    axis: { labelAngle: 0, labelLimit: 120 },
  } as const;
}

/** A transform that keeps the rows of one `kind`. */
export function filterKind(kind: string): { filter: { field: string; equal: string } } {
  return { filter: { field: 'kind', equal: kind } };
}
