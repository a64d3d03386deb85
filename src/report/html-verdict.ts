import type { GateResult } from '../gates/types.js';
import type { ResultsFile } from '../results/types.js';
import { formatGateValues, formatGeneral } from './format.js';
import { escapeHtml } from './html-escape.js';
import { getResultsSource } from './source-label.js';
import { BEST_MARK, buildVerdictRows, labelColumn, VERDICT_COLUMNS, type VerdictRow } from './verdict.js';

function renderGateCell(row: VerdictRow): string {
  const total = row.gatesPassed + row.gatesFailed;
  if (total === 0) {
    return '<td class="gate none">–</td>';
  }
  const ok = row.gatesFailed === 0;
  return `<td class="gate ${ok ? 'pass' : 'fail'}">${ok ? '✓' : '✗'} ${row.gatesPassed}/${total}</td>`;
}

function renderVerdictRow(row: VerdictRow): string {
  const head = `<th scope="row">${escapeHtml(row.policy)}</th>`;
  const runs = `<td class="num">${row.repetitions}/${row.expectedRepetitions}</td>`;
  if (row.repetitions === 0) {
    const span = VERDICT_COLUMNS.length;
    return `<tr class="missing">${head}${runs}<td colspan="${span}">not run: no results for this policy</td>${renderGateCell(row)}</tr>`;
  }
  const cells = VERDICT_COLUMNS.map((column) => {
    const text = escapeHtml(column.format(row.values[column.key]));
    return row.best.has(column.key)
      ? `<td class="num best"><strong>${text}</strong>&nbsp;<span class="star" aria-label="best">${BEST_MARK}</span></td>`
      : `<td class="num">${text}</td>`;
  });
  return `<tr>${head}${runs}${cells.join('')}${renderGateCell(row)}</tr>`;
}

/** Renders the verdict table (policy × fairness, latency, throughput, errors, gates) and its legend. */
export function renderVerdictTable(results: ResultsFile): string {
  const source = getResultsSource(results);
  const headers = VERDICT_COLUMNS.map(
    (column) =>
      `<th scope="col" title="${escapeHtml(column.description)}">${escapeHtml(labelColumn(column, source))}</th>`,
  ).join('');
  const rows = buildVerdictRows(results).map(renderVerdictRow);
  const legend = VERDICT_COLUMNS.filter((column) => column.better !== 'none')
    .map(
      (column) =>
        `<li><b>${escapeHtml(labelColumn(column, source))}</b>: ${escapeHtml(column.description)} (${column.better === 'max' ? 'higher' : 'lower'} is better)</li>`,
    )
    .join('');
  return `<div class="table-wrap"><table class="verdict">
<thead><tr><th scope="col">row</th><th scope="col" title="repetitions that ran / requested">runs</th>${headers}<th scope="col">gates</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
<p class="legend"><span class="star">${BEST_MARK}</span> best value in its column (ties are all marked; nothing is marked when every row ties or only one ran). Values are per run, medians over repetitions.</p>
<details class="legend"><summary>Column meanings</summary><ul>${legend}</ul></details>`;
}

function renderGateRow(gate: GateResult): string {
  const result = gate.passed ? '<td class="gate pass">✓ pass</td>' : '<td class="gate fail">✗ fail</td>';
  const baseline = gate.baselineValue === undefined ? '–' : escapeHtml(formatGeneral(gate.baselineValue));
  const note = gate.error === undefined ? '' : `<span class="error-text">${escapeHtml(gate.error)}</span>`;
  const { value, threshold } = formatGateValues(gate);
  return `<tr><td><code>${escapeHtml(gate.gate)}</code></td><td>${escapeHtml(gate.row)}</td><td class="num">${escapeHtml(value)}</td><td class="num"><code>${escapeHtml(gate.operator)}</code> ${escapeHtml(threshold)}</td><td class="num">${baseline}</td>${result}<td>${note}</td></tr>`;
}

/** Renders the gate results: a one-line tally and a table of value, threshold and ✓/✗ per gate. */
export function renderGatesSection(results: ResultsFile): string {
  if (results.gates.length === 0) {
    return '<p>No gates were declared for this run.</p>';
  }
  const failed = results.gates.filter((gate) => !gate.passed).length;
  const tally =
    failed === 0
      ? `<p class="tally pass">✓ All ${results.gates.length} gates passed.</p>`
      : `<p class="tally fail">✗ ${failed} of ${results.gates.length} gates failed.</p>`;
  return `${tally}<div class="table-wrap"><table class="gates">
<thead><tr><th scope="col">gate</th><th scope="col">row</th><th scope="col">value</th><th scope="col">threshold</th><th scope="col">baseline</th><th scope="col">result</th><th scope="col">note</th></tr></thead>
<tbody>${results.gates.map(renderGateRow).join('\n')}</tbody></table></div>`;
}
