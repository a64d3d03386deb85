import type { ResultsFile, RunRecord } from '../results/types.js';
import { formatCount, formatMs, formatSeconds } from './format.js';
import { escapeHtml } from './html-escape.js';
import { describeUnderdrivenRuns, explainUnanswered } from './offered-load.js';
import { numberRepetition, sortRuns } from './run-status.js';

function renderRunName(run: RunRecord): string {
  return `<th scope="row">${escapeHtml(run.row)} <span class="dim">${numberRepetition(run)}</span></th>`;
}

function renderDiff(left: number, right: number | undefined): string {
  if (right === undefined) return '';
  const diff = left - right;
  return diff === 0 ? '' : ` <span class="diff">(${diff > 0 ? '+' : '−'}${Math.abs(diff)})</span>`;
}

/** A proxy counter's cell; a row without per-host counters (counted from the client's tally) has none. */
function renderProxyCount(count: number | undefined): string {
  return count === undefined
    ? '<td class="dim" title="no per-host counters: counted from the client’s X-Upstream-Pod tally">—</td>'
    : `<td class="num">${count}</td>`;
}

function renderCrossCheckRow(run: RunRecord): string {
  const check = run.crossCheck;
  const status = check.isConsistent
    ? '<td class="gate pass">✓ consistent</td>'
    : '<td class="gate warn">≠ differs</td>';
  const notes =
    check.notes.length === 0
      ? ''
      : `<ul class="notes">${check.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`;
  return `<tr>${renderRunName(run)}${renderProxyCount(check.proxyRqTotal)}${renderProxyCount(check.proxyRqSuccess)}<td class="num">${check.client2xx}${renderDiff(check.client2xx, check.proxyRqSuccess)}</td><td class="num">${check.clientHeaderTally}${renderDiff(check.clientHeaderTally, check.proxyRqTotal)}</td>${status}<td class="notes">${notes}</td></tr>`;
}

/** Renders each run's client-vs-proxy cross-check with every difference and its noted reason. */
export function renderCrossCheckSection(results: ResultsFile): string {
  const runs = sortRuns(results);
  if (runs.length === 0) {
    return '<p>No run finished, so there is nothing to cross-check.</p>';
  }
  const differing = runs.filter((run) => !run.crossCheck.isConsistent).length;
  const tally =
    differing === 0
      ? '<p class="tally pass">The client’s view and the proxy’s counters agree in every run.</p>'
      : `<p class="tally warn">${differing} of ${runs.length} runs show a difference between the client’s view and the proxy’s counters; the notes say why.</p>`;
  return `${tally}<div class="table-wrap"><table class="cross-check wrap-head">
<thead><tr><th scope="col">run</th><th scope="col">proxy rq_total</th><th scope="col">proxy rq_success</th><th scope="col">client 2xx (Δ vs rq_success)</th><th scope="col">client pod-header tally (Δ vs rq_total)</th><th scope="col">check</th><th scope="col">notes</th></tr></thead>
<tbody>${runs.map(renderCrossCheckRow).join('\n')}</tbody></table></div>`;
}

function describeLoad(run: RunRecord): string {
  const load = run.load;
  const rate = load.rateRps === undefined ? '' : ` at ${formatCount(load.rateRps)} req/s`;
  return `${load.mode} loop${rate}, ${load.connections} connections`;
}

function renderLoadRow(run: RunRecord): string {
  const load = run.load;
  const unanswered = load.requestsSent - load.responses;
  const backfilled = load.latencySamples - load.responses;
  const cells = [
    `<td>${escapeHtml(describeLoad(run))}</td>`,
    `<td class="num">${escapeHtml(formatSeconds(load.durationMs))} + ${escapeHtml(formatSeconds(load.warmupMs))}</td>`,
    `<td class="num">${formatCount(load.rps)}</td>`,
    `<td class="num">${load.requestsSent}</td>`,
    `<td class="num">${load.responses}${unanswered > 0 ? ` <span class="diff">(${unanswered} unanswered)</span>` : ''}</td>`,
    `<td class="num">${load.non2xx} / ${load.errors} / ${load.timeouts}</td>`,
    `<td class="num">${load.latencySamples}${backfilled > 0 ? ` <span class="diff">(+${backfilled} back-filled)</span>` : ''}</td>`,
    `<td class="num">${load.untallied}</td>`,
    `<td class="num">${escapeHtml(formatMs(load.latency.resolutionMs))} ms</td>`,
  ];
  return `<tr>${renderRunName(run)}${cells.join('')}</tr>`;
}

function renderHonestyNotes(results: ResultsFile): string {
  const runs = results.runs;
  const isOpen = runs.some((run) => run.load.mode === 'open');
  const resolutionMs = Math.max(0, ...runs.map((run) => run.load.latency.resolutionMs));
  const backfilled = runs.reduce(
    (sum, run) => sum + Math.max(0, run.load.latencySamples - run.load.responses),
    0,
  );
  const notes = [
    isOpen
      ? 'Open loop: requests are sent at a fixed rate whatever the response times; autocannon paces in per-second windows, so the load is bursty within a second.'
      : 'Closed loop: each connection waits for its response before sending the next request, so a slower proxy or pod also lowers the offered load. Latency here is service time, not the latency a user arriving on a schedule would see.',
    resolutionMs >= 1
      ? `Latency resolution is ${formatMs(resolutionMs)} ms: autocannon records whole milliseconds, so sub-millisecond responses read as 0–1 ms and percentiles are coarse.`
      : resolutionMs > 0
        ? `Latency resolution is ${formatMs(resolutionMs)} ms: each 2xx response is timed from its request's send (process.hrtime) into an HDR histogram in µs with 3 significant digits; the generators' histograms are merged, never their percentiles.`
        : 'Latencies are exact (the source does not round them).',
    backfilled > 0
      ? `Coordinated-omission correction added ${backfilled} synthetic latency samples in total (latency samples > responses); autocannon derives their interval from the rate, so treat tail percentiles with care.`
      : 'Coordinated-omission correction added no samples: one latency sample per 2xx response.',
    explainUnanswered(runs),
    ...describeUnderdrivenRuns(results),
  ];
  return `<ul class="honesty">${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`;
}

/** Renders the load generator's settings per run and the notes on what its numbers can and cannot say. */
export function renderLoadSection(results: ResultsFile): string {
  const runs = sortRuns(results);
  if (runs.length === 0) {
    return '<p>No run finished, so no load was measured.</p>';
  }
  const generators = [...new Set(runs.map((run) => run.load.generator))];
  return `${renderHonestyNotes(results)}
<p>Generator: ${generators.map((text) => `<code>${escapeHtml(text)}</code>`).join('<br>')}</p>
<div class="table-wrap"><table class="load wrap-head">
<thead><tr><th scope="col">run</th><th scope="col">load</th><th scope="col">measured + warm-up</th><th scope="col">achieved req/s</th><th scope="col">sent</th><th scope="col">responses</th><th scope="col">non-2xx / errors / timeouts</th><th scope="col">latency samples</th><th scope="col">no pod header</th><th scope="col">latency resolution</th></tr></thead>
<tbody>${runs.map(renderLoadRow).join('\n')}</tbody></table></div>`;
}
