import type { GateResult } from './types.js';

const PASS_MARK = '✓';
const FAIL_MARK = '✗';

/** Formats a number for a table: up to 6 significant digits (fairness values sit close to 1), no exponent for everyday magnitudes. */
export function formatGateNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e6) {
    return Number(value.toPrecision(6)).toString();
  }
  return value.toPrecision(3);
}

function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const renderRow = (row: readonly string[]): string =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    renderRow(header),
    renderRow(widths.map((width) => '-'.repeat(width))),
    ...rows.map(renderRow),
  ].join('\n');
}

/** The measured value and `operator threshold` cells of a result; `-` for a gate that could not be evaluated. */
function formatComparisonCells(result: GateResult): readonly [string, string] {
  if (result.error !== undefined) return ['-', '-'];
  return [formatGateNumber(result.value), `${result.operator} ${formatGateNumber(result.threshold)}`];
}

/**
 * A terminal table of gate results, one line per gate and row: mark, row, gate, measured value, comparison
 * and threshold, and the reason when a gate could not be evaluated; then a one-line verdict.
 */
export function formatGateTable(results: readonly GateResult[]): string {
  if (results.length === 0) return 'no gates';
  const rows = results.map((result) => [
    result.passed ? PASS_MARK : FAIL_MARK,
    result.row,
    result.gate,
    ...formatComparisonCells(result),
    result.error ?? '',
  ]);
  const failed = results.filter((result) => !result.passed).length;
  const verdict =
    failed === 0 ? `all ${results.length} gate(s) passed` : `${failed} of ${results.length} gate(s) failed`;
  return `${renderTable(['', 'row', 'gate', 'value', 'threshold', 'note'], rows)}\n${verdict}`;
}

/** The relative change from `before` to `after`, e.g. `+4.2%`, or `n/a` when `before` is 0 or either is not finite. */
export function formatRelativeChange(after: number, before: number): string {
  if (!Number.isFinite(after) || !Number.isFinite(before)) return 'n/a';
  if (before === 0) return after === 0 ? '0%' : 'n/a';
  const percent = ((after - before) / Math.abs(before)) * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

/**
 * A per-gate diff against a baseline for the gates that referred to one: measured value, baseline value, change,
 * threshold and ✓/✗ (`-` for value, change and threshold of a gate that could not be evaluated). Gates without a
 * baseline value are left out; says so when none is left.
 */
export function formatGateDiff(results: readonly GateResult[]): string {
  const compared = results.filter((result) => result.baselineValue !== undefined);
  if (compared.length === 0) return 'no gate refers to a baseline';
  const rows = compared.map((result) => {
    const baselineValue = result.baselineValue ?? 0;
    const [value, threshold] = formatComparisonCells(result);
    const change = result.error === undefined ? formatRelativeChange(result.value, baselineValue) : '-';
    return [
      result.passed ? PASS_MARK : FAIL_MARK,
      result.row,
      result.metric,
      value,
      formatGateNumber(baselineValue),
      change,
      threshold,
      result.gate,
    ];
  });
  return renderTable(['', 'row', 'metric', 'value', 'baseline', 'change', 'threshold', 'gate'], rows);
}
