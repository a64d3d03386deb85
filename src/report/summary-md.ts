import type { GateResult } from '../gates/types.js';
import type { ResultsFile } from '../results/types.js';
import { KEY_METRIC_NAMES } from '../stats/types.js';
import { formatCommandLine, formatFixed, formatGateValues } from './format.js';
import { describeUnderdrivenRuns } from './offered-load.js';
import { describeCoverage, numberRepetition, sortRuns } from './run-status.js';
import { getModelledNote, getResultsSource, getSourceTag } from './source-label.js';
import { hasKeyFigures, KEY_METRIC_DESCRIPTIONS, readKeyMetrics } from './spec-data-keys.js';
import { listRunLabels } from './spec-data-rates.js';
import { BEST_MARK, buildVerdictRows, labelColumn, VERDICT_COLUMNS, type VerdictRow } from './verdict.js';

/** Escapes text for GitHub-flavoured markdown (inline and inside table cells): no HTML, no formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|&~#!]/g, '\\$&');
}

/** Wraps text in a code span that survives backticks and, inside tables, pipes. */
export function formatCodeSpan(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ').replaceAll('|', '\\|');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const padded = flat.startsWith('`') || flat.endsWith('`') ? ` ${flat} ` : flat;
  return `${fence}${padded}${fence}`;
}

function formatTableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function renderVerdictRow(row: VerdictRow): string {
  const gates = row.gatesPassed + row.gatesFailed;
  const gateCell = gates === 0 ? '–' : `${row.gatesFailed === 0 ? '✓' : '✗'} ${row.gatesPassed}/${gates}`;
  if (row.repetitions === 0) {
    return formatTableRow([
      escapeMarkdown(row.policy),
      `0/${row.expectedRepetitions}`,
      ...VERDICT_COLUMNS.map((_, index) => (index === 0 ? '_not run_' : '')),
      gateCell,
    ]);
  }
  const cells = VERDICT_COLUMNS.map((column) => {
    const text = escapeMarkdown(column.format(row.values[column.key]));
    return row.best.has(column.key) ? `**${text}** ${BEST_MARK}` : text;
  });
  return formatTableRow([
    escapeMarkdown(row.policy),
    `${row.repetitions}/${row.expectedRepetitions}`,
    ...cells,
    gateCell,
  ]);
}

function renderVerdict(results: ResultsFile): string[] {
  const rows = buildVerdictRows(results).map(renderVerdictRow);
  return [
    '### Verdict',
    '',
    formatTableRow([
      'row',
      'runs',
      ...VERDICT_COLUMNS.map((column) => escapeMarkdown(labelColumn(column, getResultsSource(results)))),
      'gates',
    ]),
    formatTableRow([':--', '--:', ...VERDICT_COLUMNS.map(() => '--:'), ':--']),
    ...rows,
    '',
    `${BEST_MARK} best value in its column. Values are per run, medians over repetitions.`,
    ...(getResultsSource(results) === 'sim' ? ['', escapeMarkdown(getModelledNote(results))] : []),
    ...describeUnderdrivenRuns(results).flatMap((text) => ['', `⚠ ${escapeMarkdown(text)}`]),
  ];
}

function renderGateRow(gate: GateResult): string {
  const note = gate.error === undefined ? '' : escapeMarkdown(gate.error);
  const { value, threshold } = formatGateValues(gate);
  return formatTableRow([
    gate.passed ? '✓' : '✗',
    formatCodeSpan(gate.gate),
    escapeMarkdown(gate.row),
    escapeMarkdown(value),
    `${formatCodeSpan(gate.operator)} ${escapeMarkdown(threshold)}`,
    note,
  ]);
}

function renderGates(results: ResultsFile): string[] {
  if (results.gates.length === 0) {
    return ['### Gates', '', 'No gates were declared.'];
  }
  const failed = results.gates.filter((gate) => !gate.passed).length;
  const tally =
    failed === 0
      ? `✓ All ${results.gates.length} gates passed.`
      : `✗ ${failed} of ${results.gates.length} gates failed.`;
  return [
    '### Gates',
    '',
    tally,
    '',
    formatTableRow(['', 'gate', 'row', 'value', 'threshold', 'note']),
    formatTableRow([':-:', ':--', ':--', '--:', '--:', ':--']),
    ...results.gates.map(renderGateRow),
  ];
}

function renderCrossCheck(results: ResultsFile): string[] {
  const runs = sortRuns(results);
  const differing = runs.filter((run) => !run.crossCheck.isConsistent);
  if (runs.length === 0) {
    return [];
  }
  if (differing.length === 0) {
    return ['### Cross-check', '', `Client tally and proxy counters agree in all ${runs.length} runs.`];
  }
  const lines = differing.flatMap((run) => {
    const notes = run.crossCheck.notes.length === 0 ? ['differs (no note recorded)'] : run.crossCheck.notes;
    return notes.map(
      (note) => `- ${escapeMarkdown(run.row)} ${numberRepetition(run)}: ${escapeMarkdown(note)}`,
    );
  });
  return [
    '### Cross-check',
    '',
    `${differing.length} of ${runs.length} runs differ between client and proxy:`,
    '',
    ...lines,
  ];
}

/** The key metrics of every run, with one line per metric; nothing for results without keys. */
function renderKeys(results: ResultsFile): string[] {
  if (!hasKeyFigures(results)) return [];
  const rows = listRunLabels(results).map(({ run, label }) => {
    const metrics = readKeyMetrics(run);
    const cells = KEY_METRIC_NAMES.map((name) =>
      Number.isFinite(metrics[name]) ? formatFixed(metrics[name], 3) : 'n/a',
    );
    return formatTableRow([escapeMarkdown(label), ...cells]);
  });
  return [
    '### Keys',
    '',
    formatTableRow(['run', ...KEY_METRIC_NAMES.map(escapeMarkdown)]),
    formatTableRow([':--', ...KEY_METRIC_NAMES.map(() => '--:')]),
    ...rows,
    '',
    ...KEY_METRIC_NAMES.map(
      (name) => `- ${formatCodeSpan(name)}: ${escapeMarkdown(KEY_METRIC_DESCRIPTIONS[name])}`,
    ),
    '',
  ];
}

function renderStatus(results: ResultsFile): string[] {
  const coverage = describeCoverage(results);
  const error = results.error === undefined ? [] : [`> ${escapeMarkdown(results.error)}`];
  const mark = coverage.isComplete ? '✓' : '⚠';
  return [`> ${mark} ${escapeMarkdown(coverage.headline)}`, ...(error.length > 0 ? ['>', ...error] : [])];
}

/** Renders the GitHub-flavoured markdown summary (status, verdict, gates, keys, cross-check, command) for summary.md. */
export function renderSummaryMarkdown(results: ResultsFile): string {
  const command = formatCommandLine(results.command);
  const longest = Math.max(2, ...[...command.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return [
    `## lbbench: ${escapeMarkdown(results.scenario.name)}${getSourceTag(results)}`,
    '',
    ...renderStatus(results),
    '',
    ...renderVerdict(results),
    '',
    ...renderGates(results),
    '',
    ...renderKeys(results),
    ...renderCrossCheck(results),
    '',
    '<details><summary>Reproduce</summary>',
    '',
    `${fence}sh`,
    command,
    fence,
    '',
    '</details>',
    '',
  ].join('\n');
}
