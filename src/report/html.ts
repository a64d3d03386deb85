import type { ResultsFile } from '../results/types.js';
import {
  buildContentSecurityPolicy,
  escapeHtml,
  hashInlineScript,
  renderInlineScript,
  serializeJsonForScript,
} from './html-escape.js';
import { renderMetadataSection, renderReproduceSection, renderStatusBanner } from './html-meta.js';
import { renderEventsSection } from './html-events.js';
import { renderKeysSection } from './html-keys.js';
import { renderCrossCheckSection, renderLoadSection } from './html-runs.js';
import { renderGatesSection, renderVerdictTable } from './html-verdict.js';
import { describeReading } from './reading.js';
import { REPORT_CSS } from './report-css.js';
import { describeCommandLineChanges, getSourceTag } from './source-label.js';
import { buildReportCharts, type ReportChart } from './spec.js';

/** The browser builds of vega, vega-lite and vega-embed, inlined into the report. */
export interface ReportAssets {
  readonly vega: string;
  readonly vegaLite: string;
  readonly vegaEmbed: string;
}

/** The id of the embedded raw results; `JSON.parse(el.textContent)` gives the ResultsFile back. */
const RESULTS_ELEMENT_ID = 'lbbench-results';
/** The id of the embedded chart specs. */
const SPECS_ELEMENT_ID = 'lbbench-specs';

/**
 * Renders every chart with vega-embed. `ast: true` makes vega evaluate expressions with its interpreter
 * instead of `new Function`, so the page needs no 'unsafe-eval'. Sets `data-charts` on <html> when done.
 */
const RENDER_SCRIPT = `(function () {
  'use strict';
  var root = document.documentElement;
  var charts = JSON.parse(document.getElementById('${SPECS_ELEMENT_ID}').textContent);
  var jobs = charts.map(function (chart) {
    var element = document.getElementById(chart.id);
    return vegaEmbed(element, chart.spec, { renderer: 'svg', actions: false, ast: true }).catch(function (error) {
      element.textContent = 'This chart could not be rendered: ' + String((error && error.message) || error);
      element.className += ' chart-error';
      root.setAttribute('data-chart-errors', 'yes');
      console.error(error);
    });
  });
  Promise.all(jobs).then(function () { root.setAttribute('data-charts', 'done'); });
})();`;

/** What each chart shows and how to read it, under the chart. */
const CHART_CAPTIONS: Readonly<Record<string, string>> = {
  'chart-shares':
    'A bar above or below the grey band is a pod whose share is more uneven than uniform random would make it by chance (about 1 pod in 20 is, for RANDOM itself).',
  'chart-rate-heatmap':
    'Stripes across a whole row point at a pod that took more or less all along; changes over time show DNS refreshes, scale events or per-worker balancer state. The Events section lists what each marked event measured.',
  'chart-latency': 'Lower is better. Lines that overlap hide each other; the verdict table has the numbers.',
  'chart-fairness':
    'A wide interval means the repetitions disagree; compare policies by their medians only when intervals do not overlap much.',
  'chart-keys-moved':
    'Consistent hashing moves about the dashed share; a bar far above it means the balancer reshuffled keys between pods that stayed.',
  'chart-cross-check':
    'Both bars should match: the proxy counts every request it routed, the client counts the pod header of every response it got.',
};

function renderChart(chart: ReportChart): string {
  const caption = CHART_CAPTIONS[chart.id] ?? '';
  return `<figure class="chart"><div id="${escapeHtml(chart.id)}" class="chart-view"></div><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

function renderChartsSection(charts: readonly ReportChart[]): string {
  if (charts.length === 0) {
    return '<p>No run finished, so there is nothing to chart.</p>';
  }
  const repetitionNote = charts.some((chart) => chart.id === 'chart-fairness')
    ? ''
    : '<p class="legend">The chart of fairness metrics over repetitions is left out: every row ran once, so there is no spread to show (set <code>repetitions</code> ≥ 2).</p>';
  return `${charts.map(renderChart).join('\n')}${repetitionNote}`;
}

const SECTIONS = [
  ['verdict', 'Verdict'],
  ['gates', 'Gates'],
  ['charts', 'Charts'],
  ['events', 'Events'],
  ['keys', 'Keys'],
  ['cross-check', 'Cross-check'],
  ['load', 'Load generator'],
  ['metadata', 'Run metadata'],
  ['reproduce', 'Reproduce'],
] as const;

/** The scenario's description, and the command-line flags that changed the run from it. */
function describeSubtitle(results: ResultsFile): string {
  const { description } = results.scenario;
  const base = description === '' ? 'Load-balancing policies compared' : description;
  const changes = describeCommandLineChanges(results.command);
  return changes === '' ? base : `${base} Changed on the command line: ${changes}.`;
}

/** The one-line reading under the title (most even row, lowest p99), when there are rows to compare. */
function renderReading(results: ResultsFile): string {
  const reading = describeReading(results);
  return reading === undefined ? '' : `<p class="reading"><strong>${escapeHtml(reading)}</strong></p>\n`;
}

function renderBody(results: ResultsFile, charts: readonly ReportChart[]): string {
  const scenario = results.scenario;
  const toc = SECTIONS.map(([id, title]) => `<a href="#${id}">${title}</a>`).join('');
  const content: Readonly<Record<(typeof SECTIONS)[number][0], string>> = {
    verdict: renderVerdictTable(results),
    gates: renderGatesSection(results),
    charts: renderChartsSection(charts),
    events: renderEventsSection(results),
    keys: renderKeysSection(results),
    'cross-check': renderCrossCheckSection(results),
    load: renderLoadSection(results),
    metadata: renderMetadataSection(results),
    reproduce: renderReproduceSection(results),
  };
  const sections = SECTIONS.map(
    ([id, title]) => `<section id="${id}"><h2>${title}</h2>\n${content[id]}\n</section>`,
  );
  return `<main>
<header><h1>lbbench report: ${escapeHtml(scenario.name)}${escapeHtml(getSourceTag(results))}</h1>
<p class="subtitle">${escapeHtml(describeSubtitle(results))}</p>
${renderReading(results)}${renderStatusBanner(results)}
<nav class="toc">${toc}</nav></header>
${sections.join('\n')}
<footer>Generated by lbbench ${escapeHtml(results.tool.version)} on ${escapeHtml(results.createdAt)}. Self-contained: no network access, scripts allowed by hash only.</footer>
</main>`;
}

/** Renders the self-contained HTML report: tables, charts (vega-lite, libraries inlined), metadata and raw JSON. */
export function renderReportHtml(results: ResultsFile, assets: ReportAssets): string {
  const chartSpecs = results.runs.length === 0 ? [] : buildReportCharts(results);
  const scripts = [assets.vega, assets.vegaLite, assets.vegaEmbed, RENDER_SCRIPT];
  const csp = buildContentSecurityPolicy(scripts.map(hashInlineScript));
  const names = ['vega', 'vega-lite', 'vega-embed', 'render'];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lbbench ${escapeHtml(results.tool.version)}">
<title>lbbench: ${escapeHtml(results.scenario.name)}${escapeHtml(getSourceTag(results))} (${escapeHtml(results.status)})</title>
<!-- Content-Security-Policy: nothing may load from the network; the four inline scripts (vega, vega-lite,
     vega-embed, the render script) run because their sha256 hashes are listed. vega-embed is called with
     ast: true, so vega evaluates chart expressions with its bundled interpreter instead of new Function:
     no 'unsafe-eval' and no 'unsafe-inline' script is needed. Styles are inline ('unsafe-inline' styles). -->
<style>${REPORT_CSS}</style>
</head>
<body>
${renderBody(results, chartSpecs)}
<script type="application/json" id="${RESULTS_ELEMENT_ID}">${serializeJsonForScript(results)}</script>
<script type="application/json" id="${SPECS_ELEMENT_ID}">${serializeJsonForScript(chartSpecs)}</script>
${scripts.map((source, index) => renderInlineScript(source, names[index] ?? 'script')).join('\n')}
</body>
</html>
`;
}
