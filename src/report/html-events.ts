import type { ResultsFile } from '../results/types.js';
import { escapeHtml } from './html-escape.js';
import { buildFailureFigures, FAILURE_LEGEND, hasFailureData } from './failure-figures.js';
import { buildEventRows, type EventRow } from './spec-data-events.js';

/** What the event figures mean, under the table. */
const EVENT_LEGEND =
  'convergence_ms: from a scale-up until every new pod gets at least half its fair rate, read at the middle of the ' +
  'first one-second window where it does. removed_traffic_ms: from a kill until the first sample from which the ' +
  'proxy no longer lists the pod. errors_after_kill: client errors (non-2xx, socket errors, timeouts) in the load ' +
  'ticks from the kill until then. Shares around a slow event run from the previous event (or the start) to the ' +
  'next one (or the end). Resolution: one /clusters sample (250 ms with events) and one load tick (1 s). Gates ' +
  'read the worst event of a kind per run, then the median over repetitions.';

function renderFigures(row: EventRow): string {
  if (row.figures.length === 0) return '<td class="dim">–</td>';
  const items = row.figures.map(
    ([name, value]) => `<li><code>${escapeHtml(name)}</code> ${escapeHtml(value)}</li>`,
  );
  return `<td><ul class="notes">${items.join('')}</ul></td>`;
}

function renderEventRow(row: EventRow): string {
  return `<tr><th scope="row">${escapeHtml(row.run)}</th><td class="num">${row.atS.toFixed(2)} s</td><td>${escapeHtml(row.event)}</td>${renderFigures(row)}<td class="notes">${escapeHtml(row.note)}<br><span class="dim">${escapeHtml(row.detail)}</span></td></tr>`;
}

function formatMs(value: number | undefined): string {
  return value === undefined ? '–' : `${(value / 1000).toFixed(3)} s`;
}

/** The failing pod's figures per run (client errors, time to ejection, share), with a line per figure. */
function renderFailureTable(results: ResultsFile): string {
  if (!hasFailureData(results)) return '';
  const rows = buildFailureFigures(results).map(
    (row) =>
      `<tr><th scope="row">${escapeHtml(row.run)}</th><td>${escapeHtml(row.failingPod ?? '–')}</td><td class="num">${row.clientErrors}</td><td class="num">${formatMs(row.timeToEjectionMs)}</td><td class="num">${row.failingPodShare === undefined ? '–' : `${(row.failingPodShare * 100).toFixed(2)} %`}</td><td class="num">${row.ejections}</td></tr>`,
  );
  const legend = FAILURE_LEGEND.map(
    ([name, text]) => `<li><b>${escapeHtml(name)}</b>: ${escapeHtml(text)}</li>`,
  );
  return `<h3>Failing pod</h3><div class="table-wrap"><table class="events wrap-head">
<thead><tr><th scope="col">run</th><th scope="col">failing pod</th><th scope="col">client errors</th><th scope="col">time to ejection</th><th scope="col">failing pod share</th><th scope="col">ejections</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
<ul class="legend">${legend.join('')}</ul>`;
}

/** Renders every run's scenario events with what each measured, or says there were none. */
export function renderEventsSection(results: ResultsFile): string {
  return `${renderScenarioEvents(results)}${renderFailureTable(results)}`;
}

function renderScenarioEvents(results: ResultsFile): string {
  const rows = buildEventRows(results);
  if (rows.length === 0) {
    return '<p>The scenario has no events (scale, kill or slow), so there is nothing to measure here.</p>';
  }
  return `<div class="table-wrap"><table class="events wrap-head">
<thead><tr><th scope="col">run</th><th scope="col">applied at</th><th scope="col">event</th><th scope="col">figures</th><th scope="col">what happened</th></tr></thead>
<tbody>${rows.map(renderEventRow).join('\n')}</tbody></table></div>
<p class="legend">${escapeHtml(EVENT_LEGEND)}</p>`;
}
