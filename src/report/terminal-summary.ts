import type { ResultsFile } from '../results/types.js';
import { describeUnderdrivenRuns } from './offered-load.js';
import { describeCoverage } from './run-status.js';
import { getModelledNote, getResultsSource, getSourceTag } from './source-label.js';
import {
  buildVerdictRows,
  labelColumn,
  VERDICT_COLUMNS,
  type VerdictKey,
  type VerdictRow,
} from './verdict.js';

/** How to render the terminal summary; colours only when asked (e.g. stderr is a TTY and NO_COLOR is unset). */
export interface TerminalSummaryOptions {
  readonly color?: boolean;
}

/** The verdict columns the terminal table shows, in order. */
const TERMINAL_KEYS: readonly VerdictKey[] = [
  'requests',
  'jain',
  'cv',
  'cv_over_null',
  'max_over_mean',
  'p50_ms',
  'p99_ms',
  'rps',
  'errors',
];

const ANSI = {
  green: '\u001B[32m',
  red: '\u001B[31m',
  yellow: '\u001B[33m',
  bold: '\u001B[1m',
  reset: '\u001B[0m',
};

type Paint = (text: string, style: keyof typeof ANSI) => string;

function formatGates(row: VerdictRow, paint: Paint): string {
  const total = row.gatesPassed + row.gatesFailed;
  if (total === 0) {
    return '-';
  }
  return row.gatesFailed === 0
    ? paint(`✓ ${total}/${total}`, 'green')
    : paint(`✗ ${row.gatesPassed}/${total}`, 'red');
}

function buildCells(row: VerdictRow, paint: Paint): readonly string[] {
  const values =
    row.repetitions === 0
      ? TERMINAL_KEYS.map((_, index) => (index === 0 ? 'not run' : ''))
      : TERMINAL_KEYS.map(
          (key) => VERDICT_COLUMNS.find((column) => column.key === key)?.format(row.values[key]) ?? '',
        );
  return [row.policy, `${row.repetitions}/${row.expectedRepetitions}`, ...values, formatGates(row, paint)];
}

/** Visible width of a cell: its length without ANSI colour codes (every character used here is one column). */
function measure(text: string): number {
  // eslint-disable-next-line no-control-regex -- strips the ANSI escapes this module adds
  return text.replace(/\u001B\[\d+m/g, '').length;
}

function padCell(text: string, width: number, isLeft: boolean): string {
  const gap = ' '.repeat(Math.max(0, width - measure(text)));
  return isLeft ? `${text}${gap}` : `${gap}${text}`;
}

/** Renders a compact fixed-width table of the verdict for the end of a run, with the status and gate tally. */
export function renderTerminalSummary(results: ResultsFile, options: TerminalSummaryOptions = {}): string {
  const paint: Paint = (text, style) =>
    options.color === true ? `${ANSI[style]}${text}${ANSI.reset}` : text;
  const coverage = describeCoverage(results);
  const source = getResultsSource(results);
  const labels = TERMINAL_KEYS.map((key) => {
    const column = VERDICT_COLUMNS.find((entry) => entry.key === key);
    return column === undefined ? key : labelColumn(column, source);
  });
  const header = ['row', 'runs', ...labels, 'gates'];
  const rows = buildVerdictRows(results).map((row) => buildCells(row, paint));
  const widths = header.map((cell, index) =>
    Math.max(measure(cell), ...rows.map((row) => measure(row[index] ?? ''))),
  );
  const isLeft = (index: number): boolean => index === 0 || index === header.length - 1;
  const formatLine = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => padCell(cell, widths[index] ?? 0, isLeft(index)))
      .join('  ')
      .trimEnd();
  const failed = results.gates.filter((gate) => !gate.passed).length;
  const gateLine =
    results.gates.length === 0
      ? results.scenario.gates.length === 0
        ? 'gates: none declared'
        : 'gates: none evaluated'
      : failed === 0
        ? paint(`gates: all ${results.gates.length} passed`, 'green')
        : paint(`gates: ${failed} of ${results.gates.length} failed`, 'red');
  const status = coverage.isComplete ? coverage.headline : paint(coverage.headline, 'yellow');
  return [
    `${paint(`lbbench ${results.scenario.name}${getSourceTag(results)}`, 'bold')}: ${status}`,
    formatLine(header),
    ...rows.map(formatLine),
    `${gateLine}; values are medians over repetitions; latency in ms`,
    ...(source === 'sim' ? [getModelledNote(results)] : []),
    ...describeUnderdrivenRuns(results).map((text) => paint(`⚠ ${text}`, 'yellow')),
    '',
  ].join('\n');
}
